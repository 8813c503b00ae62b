"""The admin's test site: the library app registered, users with and without rights.

Every test runs in the `db` fixture's transaction, through the real middleware stack
(sessions, CSRF, auth, messages, database), with cheap password hashing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from core.testing import Client, TestResponse
from orm import Model
from tests.core.admin import urls
from tests.core.admin.library import admin as library_admin
from tests.core.admin.library.models import TABLES, Chapter, Genre, Novel, Writer

PASSWORD = "a long and unusual pass phrase"
APPS = ["core.admin", "tests.core.admin.library"]
MIDDLEWARE = [
    "core.middleware.security.SecurityMiddleware",
    "core.middleware.sessions.SessionMiddleware",
    "core.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.auth.AuthenticationMiddleware",
    "core.middleware.messages.MessageMiddleware",
    "core.middleware.db.DatabaseMiddleware",
]
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(scope="session")
def library_tables(stoa_test_database: Engine) -> Engine:
    """Create the library's tables (and the admin log's) once per run."""
    from core.admin.models import LogEntry

    Model.metadata.create_all(stoa_test_database, tables=[*TABLES, LogEntry.__table__])
    return stoa_test_database


@pytest.fixture
def admin_settings(settings: Any, library_tables: Engine, db: Session) -> Iterator[Any]:
    """Point the settings at the admin test site, and register the library on it."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, *APPS]
    settings.ROOT_URLCONF = "tests.core.admin.urls"
    settings.MIDDLEWARE = MIDDLEWARE
    settings.SESSION_ENGINE = "core.sessions.backends.signed_cookies"
    settings.PASSWORD_HASHERS = ["tests.core.auth.hashers.FastPBKDF2PasswordHasher"]
    settings.LOGIN_URL = "/accounts/login/"
    library_admin.register(urls.site)
    try:
        yield settings
    finally:
        for model in list(urls.site.registry):
            urls.site.unregister(model)


@pytest.fixture
def site(admin_settings: Any) -> Any:
    """The admin site under test, with the library registered."""
    return urls.site


class AdminClient(Client):
    """A client that can fetch a CSRF token and post forms with it."""

    def token(self, page: str = "/accounts/login/") -> str:
        """Return the CSRF token of the form on `page`."""
        match = _TOKEN.search(self.get(page).text)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def submit(
        self, path: str, data: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> TestResponse:
        """POST `data` to `path` with a token taken from the form on that page."""
        fields = dict(data or {})
        fields["csrfmiddlewaretoken"] = self.token(kwargs.pop("token_page", path))
        return self.post(path, fields, **kwargs)


@pytest.fixture
def make_user(db: Session) -> Callable[..., Any]:
    """Return a factory of users (password: PASSWORD), with permissions by codename."""
    from core.auth.models import Permission, User

    def make(username: str, *perms: str, **fields: Any) -> Any:
        user = User.create_user(username, PASSWORD, session=db, **fields)
        for codename in perms:
            permission = db.query(Permission).filter_by(codename=codename).one_or_none()
            if permission is None:
                permission = Permission(codename=codename, name=codename)
                db.add(permission)
            user.user_permissions.append(permission)
        db.flush()
        return user

    return make


@pytest.fixture
def make_client(admin_settings: Any) -> Callable[..., AdminClient]:
    """Return a factory of clients, logged in as `user` when one is given."""

    def make(user: Any = None, *, csrf: bool = False) -> AdminClient:
        client = AdminClient(WSGIHandler(), enforce_csrf_checks=csrf)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def superuser(make_user: Callable[..., Any]) -> Any:
    """An active superuser."""
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(make_client: Callable[..., AdminClient], superuser: Any) -> AdminClient:
    """A client logged in as the superuser."""
    return make_client(superuser)


@pytest.fixture
def writers(db: Session) -> list[Writer]:
    """Three writers."""
    rows = [Writer(name="Ada Lovelace"), Writer(name="Jane Austen"), Writer(name="Homer")]
    db.add_all(rows)
    db.flush()
    return rows


@pytest.fixture
def novels(db: Session, writers: list[Writer]) -> list[Novel]:
    """Five novels by the writers, with chapters on the first."""
    ada, jane, homer = writers
    rows = [
        Novel(title="Emma", writer=jane, genre=Genre.fiction, published=date(1815, 12, 23)),
        Novel(title="Persuasion", writer=jane, in_print=False, published=date(1817, 12, 20)),
        Novel(title="Odyssey", writer=homer, genre=Genre.poetry),
        Novel(title="Iliad", writer=homer, genre=Genre.poetry, in_print=False),
        Novel(title="Notes 100%_done", writer=ada, genre=Genre.history),
    ]
    rows[0].chapters = [Chapter(title="Volume I", pages=10), Chapter(title="Volume II", pages=12)]
    db.add_all(rows)
    db.flush()
    return rows


def titles(response: TestResponse) -> list[str]:
    """Return the novel titles of a changelist page, in order."""
    return re.findall(
        r'<th scope="row" class="field-title">\s*<a href="[^"]+">([^<]+)</a>', response.text
    )
