"""AuthenticationMiddleware: a lazy request.user from the session."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from sqlalchemy.orm import Session

from core.auth import api
from core.auth.models import AnonymousUser, User
from core.handlers import WSGIHandler
from core.middleware.auth import LazyUser
from tests.core.auth.conftest import Browser


def test_an_anonymous_visitor_gets_an_anonymous_user(browser: Browser) -> None:
    assert browser.whoami() == "user=anonymous"


def test_the_user_is_loaded_only_when_used(browser: Browser, user: User) -> None:
    browser.log_in()
    with mock.patch.object(api, "load_user", wraps=api.load_user) as load:
        browser.get("/accounts/logout/")  # 405: the view never looks at request.user
        assert load.call_count == 0
        browser.whoami()
        assert load.call_count == 1


def test_a_deactivated_user_is_logged_out(browser: Browser, user: User, db: Session) -> None:
    browser.log_in()
    user.is_active = False
    db.flush()
    assert browser.whoami() == "user=anonymous"


def test_a_deleted_user_is_logged_out(browser: Browser, user: User, db: Session) -> None:
    browser.log_in()
    db.delete(user)
    db.flush()
    assert browser.whoami() == "user=anonymous"


def test_a_tampered_session_hash_is_logged_out(browser: Browser, user: User) -> None:
    browser.log_in()
    user.set_password("changed elsewhere, say by an admin")
    assert browser.whoami() == "user=anonymous"


def test_the_session_survives_a_rotated_secret_key(browser: Browser, user: User, site: Any) -> None:
    browser.log_in()
    site.SECRET_KEY_FALLBACKS = [site.SECRET_KEY]
    site.SECRET_KEY = "a-new-secret-key-for-tests-0123456789-abcdefghijklmnopqrstuvwxyz"
    client = Browser(WSGIHandler())
    client.cookies = dict(browser.cookies)
    assert client.whoami() == "user=ada"


def test_the_missing_session_error_is_improperly_configured() -> None:
    from core.exceptions import ImproperlyConfigured
    from core.http import Request
    from core.middleware.auth import AuthenticationMiddleware

    middleware = AuthenticationMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(ImproperlyConfigured, match=r"AuthenticationMiddleware.*SessionMiddleware"):
        middleware(Request.blank("/"))


def test_the_lazy_user_passes_for_the_user(user: User) -> None:
    lazy = LazyUser(lambda: user)
    assert isinstance(lazy, User)
    assert lazy == user
    assert lazy.username == "ada"
    assert isinstance(LazyUser(AnonymousUser), AnonymousUser)


def test_outside_a_request_the_user_is_loaded_in_a_scope_of_its_own(
    user: User, db: Session
) -> None:
    loaded = api.load_user(str(user.id))
    assert loaded is not None
    assert loaded.username == "ada"
    assert api.load_user("not a number") is None
