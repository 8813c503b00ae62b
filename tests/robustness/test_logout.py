"""Logging out ends the session on the server, with the default (signed-cookie) sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.auth import end_sessions
from core.handlers import WSGIHandler
from core.testing import Client
from tests.core.auth.conftest import Browser

COOKIE = "sessionid"


def replay(cookie: str) -> str:
    """Ask who a request carrying only `cookie` as its session is."""
    client = Client(WSGIHandler())
    client.set_cookie(COOKIE, cookie)
    return client.get("/whoami/").text


@pytest.fixture
def ada(make_user: Callable[..., Any]) -> Any:
    return make_user("ada")


def test_a_cookie_copied_before_logout_is_anonymous_after_it(browser: Browser, ada: Any) -> None:
    browser.log_in()
    copy = browser.cookies[COOKIE]
    assert replay(copy) == "ada"

    response = browser.submit("/accounts/logout/")

    assert response.status_code == 200
    assert browser.whoami() == "anonymous"
    assert replay(copy) == "anonymous"


def test_the_replayed_copy_loses_its_cookie(browser: Browser, ada: Any) -> None:
    browser.log_in()
    copy = browser.cookies[COOKIE]
    browser.submit("/accounts/logout/")
    thief = Client(WSGIHandler())
    thief.set_cookie(COOKIE, copy)

    response = thief.get("/whoami/")

    assert response.text == "anonymous"
    assert COOKIE not in thief.cookies


def test_logging_in_again_works_and_the_old_copy_stays_anonymous(
    browser: Browser, ada: Any
) -> None:
    browser.log_in()
    copy = browser.cookies[COOKIE]
    browser.submit("/accounts/logout/")

    browser.log_in()

    assert browser.whoami() == "ada"
    assert replay(copy) == "anonymous"
    assert replay(browser.cookies[COOKIE]) == "ada"


def test_with_signed_cookies_logout_ends_the_users_other_sessions(
    site: Any, db: Session, ada: Any
) -> None:
    # The documented trade-off: a cookie cannot be revoked alone, so all of them go.
    app = WSGIHandler()
    laptop, phone = Browser(app), Browser(app)
    laptop.log_in()
    phone.log_in()

    laptop.submit("/accounts/logout/")

    assert phone.whoami() == "anonymous"


def test_logout_leaves_other_users_logged_in(browser: Browser, make_user: Any) -> None:
    make_user("ada")
    make_user("bob")
    bob = Browser(WSGIHandler())
    bob.log_in("bob")
    browser.log_in("ada")

    browser.submit("/accounts/logout/")

    assert bob.whoami() == "bob"


def test_with_database_sessions_logout_ends_only_that_session(
    site: Any, db: Session, ada: Any
) -> None:
    from core.sessions.backends.db import Session as StoredSession

    StoredSession.__table__.create(db.connection(), checkfirst=True)
    site.SESSION_ENGINE = "core.sessions.backends.db"
    app = WSGIHandler()
    laptop, phone = Browser(app), Browser(app)
    laptop.log_in()
    phone.log_in()
    copy = laptop.cookies[COOKIE]

    laptop.submit("/accounts/logout/")

    assert replay(copy) == "anonymous"
    assert phone.whoami() == "ada"
    db.refresh(ada)
    assert ada.session_version == 0


def test_end_sessions_outside_a_request_logs_the_user_out(
    browser: Browser, db: Session, ada: Any
) -> None:
    browser.log_in()

    end_sessions(ada)

    assert browser.whoami() == "anonymous"


def test_version_zero_keeps_the_hash_of_sessions_made_before_it_existed(ada: Any) -> None:
    from core.auth.models import _salted_hmac
    from core.conf import settings

    assert ada.session_version == 0
    assert ada.get_session_auth_hash() == _salted_hmac(ada.password, settings.SECRET_KEY)


def test_each_logout_raises_the_version(browser: Browser, db: Session, ada: Any) -> None:
    for expected in (1, 2):
        browser.log_in()
        browser.submit("/accounts/logout/")
        db.refresh(ada)
        assert ada.session_version == expected


# The cost: no query for anonymous visitors, only the user's own for logged-in ones


@pytest.fixture
def statements(db: Session) -> Iterator[list[str]]:
    """The SQL statements sent on the test's connection while the test runs."""
    sent: list[str] = []
    connection = db.connection()

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    yield sent
    event.remove(connection, "before_cursor_execute", record)


def test_an_anonymous_request_sends_no_query(
    browser: Browser, db: Session, ada: Any, statements: list[str]
) -> None:
    browser.whoami()
    db.expunge_all()  # nothing the request could take from the test's identity map
    statements.clear()

    assert browser.whoami() == "anonymous"
    assert statements == []


def test_a_logged_in_request_sends_only_the_user_query(
    browser: Browser, db: Session, ada: Any, statements: list[str]
) -> None:
    browser.log_in()
    db.expunge_all()  # the user is loaded from the database, not the identity map
    statements.clear()

    assert browser.whoami() == "ada"
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements
    assert "auth_user" in selects[0]
