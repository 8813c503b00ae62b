"""The pytest plugin, installed with Stoa: fixtures for a project's tests.

    def test_home(client):
        response = client.get("/")
        assert response.status_code == 200

    def test_article_page(client, db):
        db.add(Article(title="Hello"))
        db.flush()
        assert "Hello" in client.get("/articles/").text

It needs STOA_SETTINGS_MODULE (a generated project's conftest.py sets it). The test
database is made once per run: TEST_DATABASE_URL if set, else a SQLite file in a
temporary directory; it is brought to the latest migration (or `create_all()` for a
project without migrations). Every test runs in a transaction rolled back at its end.
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Engine, MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from core.conf import LazySettings
from core.conf import settings as lazy_settings

if TYPE_CHECKING:
    from core.handlers import WSGIHandler
    from core.testing.client import Client

TEST_DATABASE_VARIABLE = "TEST_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Silence WebOb's import of the deprecated cgi module (Python 3.11 and 3.12)."""
    config.addinivalue_line("filterwarnings", "ignore:'cgi' is deprecated:DeprecationWarning")


class SettingsFixture:
    """Change settings for one test: `settings.DEBUG = True`; restored afterwards."""

    def __init__(self, wrapped: LazySettings) -> None:
        object.__setattr__(self, "_wrapped", wrapped)
        object.__setattr__(self, "_saved", wrapped.as_dict())
        object.__setattr__(self, "_explicit", set(wrapped.explicit))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._wrapped, name, value)

    def restore(self) -> None:
        """Put every setting back as it was before the test."""
        inner = self._wrapped._get_wrapped()
        inner.values, inner.explicit = dict(self._saved), set(self._explicit)
        self._wrapped._changed()


def test_database_url(tmp_dir: Path) -> str:
    """Return TEST_DATABASE_URL, or a SQLite file in `tmp_dir`."""
    return os.environ.get(TEST_DATABASE_VARIABLE) or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@contextmanager
def private_database(url: str) -> Iterator[str]:
    """On PostgreSQL, create a database for this run beside the one named, and drop it after.

    Runs that share TEST_DATABASE_URL (a project's suite started by another's) then never
    see or drop each other's tables. Without CREATEDB rights the named database is used.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url
        return
    name = f"{parsed.database or 'stoa'}_test_{secrets.token_hex(4)}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError as exc:
        admin.dispose()
        warnings.warn(
            f"Cannot create a test database ({exc.orig}); using {parsed.database!r} as it is.",
            stacklevel=2,
        )
        yield url
        return
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare_test_database(engine: Engine, metadata: MetaData, migrations: Any | None) -> None:
    """Empty the test database, then build the schema from migrations or the models."""
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
    if migrations is not None and migrations.revisions():
        migrations.migrate()
    else:
        metadata.create_all(engine)


@pytest.fixture(scope="session")
def stoa_test_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Create the test database once per run and point DATABASES["default"] at it."""
    with ExitStack() as stack:
        yield from _test_database(tmp_path_factory, stack)


def _test_database(tmp_path_factory: pytest.TempPathFactory, stack: ExitStack) -> Iterator[Engine]:
    import core
    from core.db import migrations_dir, project_migrations
    from orm.models import Model
    from orm.session import get_engine

    url = stack.enter_context(private_database(test_database_url(tmp_path_factory.mktemp("db"))))
    inner = lazy_settings._get_wrapped()
    inner.values["DATABASES"] = {**inner.values["DATABASES"], "default": url}
    lazy_settings._changed()
    core.setup()
    engine = get_engine()
    has_migrations = lazy_settings.module_name and _has_migrations(migrations_dir)
    prepare_test_database(engine, Model.metadata, project_migrations() if has_migrations else None)
    yield engine
    engine.dispose()
    from orm.session import databases

    databases().dispose()


def _has_migrations(locate: Any) -> bool:
    try:
        directory: Path = locate()
    except Exception:  # noqa: BLE001 (no migrations directory: the models' tables are used)
        return False
    return directory.is_dir() and any(directory.glob("*.py"))


@pytest.fixture
def settings(stoa_test_database: Engine) -> Iterator[SettingsFixture]:
    """Let a test change settings; every change is undone after it.

    It depends on the test database so that what it restores points at that database.
    """
    fixture = SettingsFixture(lazy_settings)
    try:
        yield fixture
    finally:
        fixture.restore()


@pytest.fixture
def mailoutbox() -> Iterator[list[Any]]:
    """Send the test's email to an in-memory outbox, and give that list (empty at first).

    def test_welcome_mail(client, mailoutbox):
        client.post("/signup/", data={...})
        (message,) = mailoutbox
        assert message.to == ["ada@example.com"]
    """
    from core import mail

    mail.outbox.clear()
    try:
        with lazy_settings.override(EMAIL_BACKEND="core.mail.backends.locmem.EmailBackend"):
            yield mail.outbox
    finally:
        mail.outbox.clear()


@pytest.fixture
def db(stoa_test_database: Engine) -> Iterator[Session]:
    """A session on the test database, rolled back after the test; views share it."""
    from orm.session import shared_session

    connection = stoa_test_database.connect()
    transaction = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    session.info["stoa.request"] = True  # atomic() inside a test makes savepoints
    try:
        with shared_session(session):
            yield session
    finally:
        session.close()
        if transaction.is_active:
            transaction.rollback()
        connection.close()


@pytest.fixture
def app(settings: SettingsFixture, db: Session) -> WSGIHandler:
    """The project's WSGI application, built for this test from the current settings."""
    from core.handlers import WSGIHandler

    return WSGIHandler()


@pytest.fixture
def client(app: WSGIHandler) -> Client:
    """A test client for the project's application."""
    from core.testing.client import Client

    return Client(app)
