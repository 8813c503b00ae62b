"""Database fixtures of the data layer's tests: every test runs on SQLite, and on PostgreSQL
when TEST_DATABASE_URL names one.

The conftest.py files that need them import them by name (`from tests.dbfixtures import *`
would hide where they come from). On PostgreSQL each run works in a schema of its own, so
runs do not collide and leave nothing behind; tables are created and dropped per test.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

import orm.session as session_module
from orm import Model
from orm.session import Databases, configure, create_database_engine, reset_script_scope
from tests.orm.models import TABLES

TEST_DATABASE_VARIABLE = "TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
DATABASE_MIDDLEWARE = "core.middleware.db.DatabaseMiddleware"


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """A URL of TEST_DATABASE_URL whose connections work in a schema private to this run."""
    base = os.environ.get(TEST_DATABASE_VARIABLE)
    if not base:
        pytest.skip(f"PostgreSQL runs only where {TEST_DATABASE_VARIABLE} names a database (CI)")
    schema = f"stoa_orm_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # A lock that cannot be had fails the test instead of hanging it.
    options = f"-csearch_path={schema} -clock_timeout=10s"
    url = make_url(base).update_query_dict({"options": options})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The name of the backend a test runs on."""
    name: str = request.param
    return name


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """The URL of an empty database: a SQLite file (so WAL and locks are real) or PostgreSQL."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    url: str = request.getfixturevalue("postgresql_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test database, with the test models' tables (dropped afterwards)."""
    engine = create_database_engine(database_url)
    Model.metadata.drop_all(engine, tables=TABLES)
    Model.metadata.create_all(engine, tables=TABLES)
    try:
        yield engine
    finally:
        engine.dispose()
        Model.metadata.drop_all(engine, tables=TABLES)
        engine.dispose()


def isolate_orm(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start from unconfigured databases; put the process's back after the test."""
    monkeypatch.setattr(session_module, "_databases", None)
    monkeypatch.setattr(session_module, "_script_scope", None)


def dispose_configured() -> None:
    """Close the script session and the pools of the databases a test configured."""
    reset_script_scope()
    if session_module._databases is not None:
        session_module._databases.dispose()


@pytest.fixture
def databases(
    database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Databases]:
    """The process's databases configured on the test database (as a script would)."""
    isolate_orm(monkeypatch)
    try:
        yield configure({"default": database_url})
    finally:
        dispose_configured()


@pytest.fixture
def site_settings(
    settings: Any, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """Settings of a site on the test database with DatabaseMiddleware (set ROOT_URLCONF)."""
    isolate_orm(monkeypatch)
    settings.DATABASES = {"default": database_url}
    settings.MIDDLEWARE = [DATABASE_MIDDLEWARE]
    try:
        yield settings
    finally:
        dispose_configured()


def count_rows(engine: Engine, table: str) -> int:
    """Count the rows of `table` over a connection of its own (what another process sees)."""
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def hold_write_lock_from_elsewhere(engine: Engine) -> bool:
    """Try to take SQLite's write lock from another connection, without waiting."""
    other = sqlite3.connect(engine.url.database or "", timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    else:
        other.execute("ROLLBACK")
        return True
    finally:
        other.close()


class Statements:
    """The SQL an engine sends, recorded while attached."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sql: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.sql.append(" ".join(statement.split()))

    def detach(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def starting(self, prefix: str) -> list[str]:
        """The statements that start with `prefix` (case-insensitive)."""
        return [sql for sql in self.sql if sql.upper().startswith(prefix.upper())]


class DriverStatements(Statements):
    """The SQL SQLite itself runs on connections checked out while attached.

    Stoa starts SQLite transactions on the driver directly, below SQLAlchemy's statement
    events, so BEGIN is only seen here (through sqlite3's trace callback).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sql = []
        self.traced: list[Any] = []
        event.listen(engine, "checkout", self._attach)

    def _attach(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: self.sql.append(" ".join(sql.split())))
        self.traced.append(dbapi_connection)

    def detach(self) -> None:
        event.remove(self.engine, "checkout", self._attach)
        for connection in self.traced:
            connection.set_trace_callback(None)


@pytest.fixture
def statements(engine: Engine) -> Iterator[Statements]:
    """Record the SQL sent through the `engine` fixture."""
    recorder = Statements(engine)
    try:
        yield recorder
    finally:
        recorder.detach()
