"""Client.force_login(): a logged-in session without the login form."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.auth.models import User
from tests.core.auth.conftest import Browser


def test_force_login_logs_the_user_in(browser: Browser, user: User) -> None:
    browser.force_login(user)
    assert browser.whoami() == "user=ada"


def test_force_login_with_the_database_engine(site: Any, user: User, db: Session) -> None:
    from core.handlers import WSGIHandler
    from core.sessions.backends.db import Session as StoredSession

    StoredSession.__table__.create(db.connection(), checkfirst=True)
    site.SESSION_ENGINE = "core.sessions.backends.db"
    browser = Browser(WSGIHandler())
    browser.force_login(user)
    assert db.get(StoredSession, browser.cookies["sessionid"]) is not None
    assert browser.whoami() == "user=ada"


def test_force_login_needs_a_saved_user(browser: Browser) -> None:
    with pytest.raises(ValueError, match="saved user"):
        browser.force_login(User(username="ghost"))
