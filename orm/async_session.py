"""Async engines and sessions (SQLAlchemy's asyncio extension): `request.adb` under ASGI.

Each database alias gets an async engine beside its sync one, on the async driver of the
same database: aiosqlite for SQLite, psycopg's async mode for PostgreSQL. Sessions are
`AsyncSession`s with Stoa's defaults (no expiry on commit, BEGIN IMMEDIATE on SQLite for
requests that may write). Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as sqlalchemy_create_async_engine

from orm.exceptions import ConfigurationError
from orm.session import IMMEDIATE_OPTION, StoaSession, _configure_sqlite

# The async driver of each sync one (None: the driver is async-capable itself).
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgresql+psycopg2": "postgresql+psycopg",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgresql+pg8000": "postgresql+psycopg",
    "mysql": "mysql+aiomysql",
    "mysql+mysqldb": "mysql+aiomysql",
    "mysql+pymysql": "mysql+aiomysql",
    "mariadb": "mariadb+aiomysql",
    "mariadb+pymysql": "mariadb+aiomysql",
}
ASYNC_PACKAGES = {
    "sqlite+aiosqlite": "aiosqlite (or: pip install 'stoa[asgi]')",
    "postgresql+psycopg": "'psycopg[binary]' (or: pip install 'stoa[postgres]')",
    "postgresql+asyncpg": "asyncpg",
    "mysql+aiomysql": "aiomysql",
    "mariadb+aiomysql": "aiomysql",
}


def async_url(url: str | URL) -> URL:
    """Return the URL of the async driver for a database URL (`sqlite://` -> aiosqlite)."""
    parsed = make_url(url)
    driver = ASYNC_DRIVERS.get(parsed.drivername, parsed.drivername)
    return parsed.set(drivername=driver)


def create_async_database_engine(
    url: str | URL, options: Mapping[str, Any] | None = None
) -> AsyncEngine:
    """Create an async engine for the database at `url`, with Stoa's defaults.

    As for the sync engine: servers get their connections pinged before use; SQLite gets
    foreign keys, WAL, a busy timeout and BEGIN IMMEDIATE for transactions that write.
    An in-memory SQLite database is private to one connection, so it has no async twin.
    """
    try:
        parsed = async_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"{str(url)!r} is not a database URL.") from exc
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite and parsed.database in (None, "", ":memory:"):
        raise ConfigurationError(
            "request.adb needs a database file or server: an in-memory SQLite database "
            "cannot be shared with an async connection. Use sqlite:///db.sqlite3."
        )
    kwargs: dict[str, Any] = {"pool_pre_ping": not is_sqlite}
    kwargs.update(options or {})
    try:
        engine = sqlalchemy_create_async_engine(parsed, **kwargs)
    except NoSuchModuleError as exc:
        raise ConfigurationError(
            f"No async driver for {parsed.render_as_string()!r}: name one in the URL, e.g. "
            f"sqlite+aiosqlite:// or postgresql+psycopg://."
        ) from exc
    except ImportError as exc:
        package = ASYNC_PACKAGES.get(parsed.drivername, exc.name or "the async driver")
        raise ConfigurationError(
            f"request.adb on {parsed.render_as_string()!r} needs an async driver that is "
            f"not installed: pip install {package}."
        ) from exc
    except Exception as exc:
        # SQLAlchemy refuses a driver that is sync only: name the async one to use.
        if "async" not in str(exc).lower():
            raise
        raise ConfigurationError(
            f"{parsed.drivername} is not an async driver: name one in the URL, e.g. "
            f"sqlite+aiosqlite:// or postgresql+psycopg://."
        ) from exc
    if is_sqlite:
        _configure_sqlite(engine.sync_engine, in_memory=False)
    return engine


def async_session_factory(
    engine: AsyncEngine, *, immediate: bool
) -> async_sessionmaker[AsyncSession]:
    """Return a factory of AsyncSessions on `engine` (`immediate`: its transactions write)."""
    bind = engine.execution_options(**{IMMEDIATE_OPTION: True}) if immediate else engine
    return async_sessionmaker(bind=bind, sync_session_class=StoaSession, expire_on_commit=False)


class AsyncSessionScope:
    """A request's AsyncSession: created on first use, committed or rolled back, closed."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The scope's session, created on first access (no connection until a query)."""
        if self._session is None:
            self._session = self._factory()
            self._session.info["stoa.request"] = True
        return self._session

    @property
    def active(self) -> bool:
        """Whether the session was created."""
        return self._session is not None

    async def finish(self, *, commit: bool) -> None:
        """Commit (or roll back) the scope's work, then close its session."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            if commit:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
