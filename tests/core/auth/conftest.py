"""A site with the full auth stack, fast password hashing, and users to log in with.

Sessions and CSRF are the real middleware (skipped with a reason when not importable);
every request runs in a savepoint of the test's `db` transaction.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from core.testing import Client, TestResponse

FAST_HASHER = "tests.core.auth.hashers.FastPBKDF2PasswordHasher"
PASSWORD = "a long and unusual pass phrase"
SESSION_MIDDLEWARE = "core.middleware.sessions.SessionMiddleware"
CSRF_MIDDLEWARE = "core.middleware.csrf.CsrfViewMiddleware"
AUTH_MIDDLEWARE = "core.middleware.auth.AuthenticationMiddleware"
DATABASE_MIDDLEWARE = "core.middleware.db.DatabaseMiddleware"
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def has_module(name: str) -> bool:
    """Say whether `name` can be imported (the other halves of issue 5 may be missing)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


HAS_SESSIONS = has_module("core.middleware.sessions")
HAS_CSRF = has_module("core.middleware.csrf") and has_module("core.csrf")
needs_sessions = pytest.mark.skipif(
    not HAS_SESSIONS, reason="core.middleware.sessions (the sessions part of issue 5) is missing"
)


@pytest.fixture(autouse=True)
def fast_hashers(settings: Any) -> Any:
    """Hash with a cheap PBKDF2 in every test that does not choose otherwise."""
    settings.PASSWORD_HASHERS = [FAST_HASHER]
    return settings


@pytest.fixture
def user_model() -> Any:
    """The default user model."""
    from core.auth.models import User

    return User


@pytest.fixture
def make_user(db: Session, user_model: Any) -> Callable[..., Any]:
    """Return a factory of users in the test's session (password: PASSWORD)."""

    def make(username: str = "ada", password: str | None = PASSWORD, **fields: Any) -> Any:
        return user_model.create_user(username, password, session=db, **fields)

    return make


@pytest.fixture
def user(make_user: Callable[..., Any]) -> Any:
    """An active user named "ada"."""
    return make_user()


def middleware(*, csrf: bool = True) -> list[str]:
    """The site's middleware: sessions, CSRF when available, auth, database."""
    stack = [SESSION_MIDDLEWARE]
    if csrf and HAS_CSRF:
        stack.append(CSRF_MIDDLEWARE)
    return [*stack, AUTH_MIDDLEWARE, DATABASE_MIDDLEWARE]


@pytest.fixture
def site(settings: Any, db: Session) -> Any:
    """Settings of the auth test site (signed-cookie sessions unless a test changes it)."""
    if not HAS_SESSIONS:
        pytest.skip("core.middleware.sessions (the sessions part of issue 5) is missing")
    settings.ROOT_URLCONF = "tests.core.auth.urls"
    settings.MIDDLEWARE = middleware()
    settings.SESSION_ENGINE = "core.sessions.backends.signed_cookies"
    settings.LOGIN_URL = "/accounts/login/"
    settings.LOGIN_REDIRECT_URL = "/whoami/"
    settings.LOGOUT_REDIRECT_URL = None
    return settings


@pytest.fixture
def browser(site: Any) -> Browser:
    """A client of the auth site that fills in CSRF tokens like a browser's forms do."""
    return Browser(WSGIHandler())


class Browser(Client):
    """A Client that enforces CSRF, whose `submit()` first loads a form for a token."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        kwargs.setdefault("enforce_csrf_checks", True)
        super().__init__(app, **kwargs)

    def token(self, page: str = "/accounts/login/") -> str | None:
        """Return a CSRF token from the form on `page` (None without CSRF)."""
        match = _TOKEN.search(self.get(page).text)
        return match.group(1) if match else None

    def submit(
        self, path: str, data: Mapping[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        """POST `data` to `path` with a fresh CSRF token."""
        fields = dict(data or {})
        token = self.token()
        if token is not None:
            fields["csrfmiddlewaretoken"] = token
        return self.post(path, fields, **kwargs)

    def log_in(self, username: str = "ada", password: str = PASSWORD, **extra: str) -> TestResponse:
        """Submit the login form."""
        return self.submit(
            "/accounts/login/", {"username": username, "password": password, **extra}
        )

    def whoami(self) -> str:
        """Return what /whoami/ says about the current user."""
        return self.get("/whoami/").text
