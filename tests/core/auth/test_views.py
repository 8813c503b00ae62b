"""LoginView and LogoutView through the real middleware stack and the test client."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.models import User
from tests.core.auth.conftest import PASSWORD, Browser

ERROR = "Please enter a correct username and password."


def test_the_login_page_shows_the_form(browser: Browser) -> None:
    response = browser.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.text
    assert 'type="password"' in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_logging_in_redirects_to_login_redirect_url(browser: Browser, user: User) -> None:
    response = browser.log_in()
    assert response.status_code == 302
    assert response.url == "/whoami/"
    assert browser.whoami() == "user=ada"


def test_logging_in_changes_the_session_cookie(browser: Browser, user: User) -> None:
    browser.submit("/accounts/login/", {"username": "ada", "password": "wrong"})
    before = browser.cookies.get("sessionid")
    browser.log_in()
    assert browser.cookies["sessionid"] != before


def test_logging_in_rotates_the_csrf_secret(browser: Browser, user: User) -> None:
    from tests.core.auth.conftest import HAS_CSRF

    if not HAS_CSRF:
        pytest.skip("core.csrf (the CSRF part of issue 5) is missing")
    browser.token()
    before = browser.cookies["csrftoken"]
    browser.log_in()
    assert browser.cookies["csrftoken"] != before


def test_login_updates_last_login(browser: Browser, user: User, db: Session) -> None:
    browser.log_in()
    db.expire_all()
    assert db.scalar(select(User.last_login).where(User.id == user.id)) is not None


@pytest.mark.parametrize(
    ("username", "password"), [("ada", "wrong password"), ("nobody", PASSWORD)]
)
def test_unknown_user_and_wrong_password_get_the_same_answer(
    browser: Browser, user: User, username: str, password: str
) -> None:
    response = browser.log_in(username, password)
    assert response.status_code == 200
    assert ERROR in response.text
    assert browser.whoami() == "user=anonymous"


def test_the_error_page_is_identical_for_both_failures(browser: Browser, user: User) -> None:
    def page(username: str, password: str) -> str:
        text = browser.log_in(username, password).text
        return text.replace(username, "<u>").split('name="csrfmiddlewaretoken"')[0]

    assert page("ada", "wrong password") == page("nobody", PASSWORD)


def test_an_unknown_user_costs_a_password_hash(browser: Browser, user: User) -> None:
    from unittest import mock

    from core.auth import hashers

    with mock.patch.object(hashers, "hash_dummy", wraps=hashers.hash_dummy) as dummy:
        browser.log_in("nobody", PASSWORD)
    dummy.assert_called_once_with(PASSWORD)


def test_an_inactive_user_cannot_log_in(browser: Browser, make_user: Any) -> None:
    make_user("idle", is_active=False)
    response = browser.log_in("idle", PASSWORD)
    assert ERROR in response.text


def test_login_upgrades_the_hash_when_the_iterations_change(
    browser: Browser, user: User, db: Session, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["tests.core.auth.hashers.StrongerPBKDF2PasswordHasher"]
    browser.log_in()
    db.expire_all()
    assert db.scalar(select(User.password).where(User.id == user.id)).startswith(
        "pbkdf2_sha256$200$"
    )


def test_a_safe_next_is_followed(browser: Browser, user: User) -> None:
    response = browser.log_in(next="/private/?page=2")
    assert response.url == "/private/?page=2"


def test_next_from_the_query_string_is_followed(browser: Browser, user: User) -> None:
    token = browser.token()
    data = {"username": "ada", "password": PASSWORD, "csrfmiddlewaretoken": token or ""}
    response = browser.post("/accounts/login/?next=/private/", data)
    assert response.url == "/private/"


@pytest.mark.parametrize(
    "hostile",
    [
        "//evil.com",
        "https://evil.com",
        "http://evil.com/path",
        "\\\\evil.com",
        "/\\evil.com",
        "\\/evil.com",
        "///evil.com",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "http:evil.com",
        "\x08//evil.com",
        "/\t/evil.com",
        "data:text/html,<script>",
        "ftp://localhost/",
    ],
)
def test_a_hostile_next_goes_to_the_default(browser: Browser, user: User, hostile: str) -> None:
    response = browser.log_in(next=hostile)
    assert response.status_code == 302
    assert response.url == "/whoami/"


def test_an_absolute_next_on_this_host_is_followed(browser: Browser, user: User) -> None:
    response = browser.log_in(next="http://localhost/private/")
    assert response.url == "http://localhost/private/"


def test_the_login_page_keeps_only_a_safe_next(browser: Browser) -> None:
    assert 'value="/private/"' in browser.get("/accounts/login/?next=/private/").text
    assert "evil.com" not in browser.get("/accounts/login/?next=//evil.com").text


def test_a_logged_in_user_can_be_sent_on(browser: Browser, user: User) -> None:
    browser.log_in()
    response = browser.get("/login-again/")
    assert response.status_code == 302
    assert response.url == "/whoami/"


def test_logout_by_get_is_refused(browser: Browser, user: User) -> None:
    browser.log_in()
    response = browser.get("/accounts/logout/")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert browser.whoami() == "user=ada"


def test_logout_by_post_shows_the_logged_out_page(browser: Browser, user: User) -> None:
    browser.log_in()
    response = browser.submit("/accounts/logout/")
    assert response.status_code == 200
    assert "You have been logged out." in response.text
    assert browser.whoami() == "user=anonymous"


def test_logout_redirects_to_logout_redirect_url(browser: Browser, user: User, site: Any) -> None:
    site.LOGOUT_REDIRECT_URL = "/whoami/"
    browser.log_in()
    response = browser.submit("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/whoami/"


def test_logout_redirects_to_next_page(browser: Browser, user: User) -> None:
    browser.log_in()
    response = browser.submit("/logout-to/")
    assert response.url == "/bye/"


def test_logout_ignores_a_hostile_next(browser: Browser, user: User) -> None:
    browser.log_in()
    response = browser.submit("/logout-to/", {"next": "//evil.com"})
    assert response.url == "/bye/"


def test_logout_ends_the_session_on_the_server(site: Any, user: User, db: Session) -> None:
    from core.handlers import WSGIHandler
    from core.sessions.backends.db import Session as StoredSession

    StoredSession.__table__.create(db.connection(), checkfirst=True)
    site.SESSION_ENGINE = "core.sessions.backends.db"
    browser = Browser(WSGIHandler())
    browser.log_in()
    key = browser.cookies["sessionid"]
    assert db.get(StoredSession, key) is not None
    browser.submit("/accounts/logout/")
    db.expire_all()
    assert db.get(StoredSession, key) is None
    # The old cookie, replayed, is an anonymous visitor.
    browser.cookies["sessionid"] = key
    assert browser.whoami() == "user=anonymous"


def test_a_password_change_ends_the_other_sessions(site: Any, user: User) -> None:
    from core.handlers import WSGIHandler

    app = WSGIHandler()
    laptop, phone = Browser(app), Browser(app)
    laptop.log_in()
    phone.log_in()
    response = laptop.submit("/change-password/", {"password": "a brand new pass phrase"})
    assert response.status_code == 200
    assert laptop.whoami() == "user=ada"
    assert phone.whoami() == "user=anonymous"
