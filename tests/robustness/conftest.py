"""A site with the default middleware stack of a new project, and users to log in with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from tests.core.auth.conftest import FAST_HASHER, PASSWORD, Browser

# What `startproject` lists, in its order.
DEFAULT_MIDDLEWARE = [
    "core.middleware.security.SecurityMiddleware",
    "core.middleware.sessions.SessionMiddleware",
    "core.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.auth.AuthenticationMiddleware",
    "core.middleware.messages.MessageMiddleware",
    "core.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.db.DatabaseMiddleware",
]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture
def site(settings: Any) -> Any:
    """The settings of the site: a new project's stack, signed-cookie sessions."""
    settings.ROOT_URLCONF = "tests.robustness.urls"
    settings.MIDDLEWARE = DEFAULT_MIDDLEWARE
    settings.SESSION_ENGINE = "core.sessions.backends.signed_cookies"
    settings.PASSWORD_HASHERS = [FAST_HASHER]
    settings.LOGIN_URL = "/accounts/login/"
    settings.LOGIN_REDIRECT_URL = "/whoami/"
    settings.LOGOUT_REDIRECT_URL = None
    return settings


@pytest.fixture
def browser(site: Any, db: Session) -> Browser:
    """A client of the site that enforces CSRF and fills in tokens like a browser's forms."""
    return Browser(WSGIHandler())


@pytest.fixture
def make_user(db: Session) -> Callable[..., Any]:
    """Return a factory of users in the test's session (password: PASSWORD)."""
    from core.auth.models import User

    def make(username: str = "ada", password: str = PASSWORD) -> Any:
        return User.create_user(username, password, session=db)

    return make
