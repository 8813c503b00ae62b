"""Engines and sessions: one engine per database alias, one session per request or script.

The web layer configures this module once per process (`configure()`), opens a
`SessionScope` per request, and reads the session of the current scope. Nothing here
knows about HTTP.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from sqlalchemy import Connection, Engine, bindparam, create_engine, event, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Mapper, Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import StaticPool

from orm.exceptions import ConfigurationError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

logger = logging.getLogger("stoa.db")

DEFAULT_ALIAS = "default"

# The packages that provide each dialect's default or named driver.
DRIVER_PACKAGES = {
    "postgresql": "psycopg2-binary (or use postgresql+psycopg:// with 'psycopg[binary]')",
    "postgresql+psycopg": "'psycopg[binary]'",
    "postgresql+psycopg2": "psycopg2-binary",
    "postgresql+asyncpg": "asyncpg",
    "postgresql+pg8000": "pg8000",
    "mysql": "mysqlclient (or use mysql+pymysql:// with PyMySQL)",
    "mysql+mysqldb": "mysqlclient",
    "mysql+pymysql": "PyMySQL",
    "mariadb": "mysqlclient (or use mariadb+pymysql:// with PyMySQL)",
    "mariadb+pymysql": "PyMySQL",
    "mariadb+mariadbconnector": "mariadb",
}

# SQLite: wait this long (ms) for a lock instead of failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
IMMEDIATE_OPTION = "stoa_immediate"


def create_database_engine(url: str | URL, options: Mapping[str, Any] | None = None) -> Engine:
    """Create an engine for `url`, with Stoa's defaults for each backend.

    Database servers get their connections checked before use (so the site recovers
    after a database restart). SQLite gets foreign keys, WAL, a busy timeout, and BEGIN
    IMMEDIATE for transactions that will write, so concurrent writers wait, not fail.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"{str(url)!r} is not a database URL: write it as "
            f"dialect+driver://user:password@host/name, e.g. sqlite:///db.sqlite3 or "
            f"postgresql+psycopg://user@localhost/mysite."
        ) from exc
    is_sqlite = parsed.get_backend_name() == "sqlite"
    # A server can restart under us; a SQLite file cannot: only servers are pinged.
    kwargs: dict[str, Any] = {"pool_pre_ping": not is_sqlite}
    if is_sqlite and parsed.database in (None, "", ":memory:"):
        # One in-memory database shared by every thread of the process.
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    elif is_sqlite:
        # Each request thread keeps its connection (RequestSessions): as many threads as
        # the server runs, never a wait for a free one. Opening a SQLite file is cheap.
        kwargs["max_overflow"] = -1
    kwargs.update(options or {})
    try:
        engine = create_engine(parsed, **kwargs)
    except NoSuchModuleError as exc:
        raise ConfigurationError(
            f"Unknown database dialect in {parsed.render_as_string()!r}: use sqlite://, "
            f"postgresql+psycopg://, mysql+pymysql:// or another SQLAlchemy dialect."
        ) from exc
    except ImportError as exc:
        name = parsed.drivername
        package = DRIVER_PACKAGES.get(name, exc.name or "the database driver")
        raise ConfigurationError(
            f"The database URL {parsed.render_as_string()!r} needs a driver that is not "
            f"installed: pip install {package}."
        ) from exc
    if is_sqlite:
        _configure_sqlite(engine, in_memory=parsed.database in (None, "", ":memory:"))
    return engine


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # pysqlite's own transaction handling is off; the "begin" hook below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE_OPTION, False)
        # Straight to the driver: SQLAlchemy's statement machinery costs more than a
        # BEGIN, and this runs once per transaction.
        statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
        dbapi = connection.dialect.loaded_dbapi
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(statement)
        except dbapi.Error as exc:
            # As SQLAlchemy would raise it: "database is locked" is an OperationalError
            # that the handler answers with 503, not a bare driver error (500).
            raise DBAPIError.instance(statement, (), exc, dbapi.Error) from exc
        finally:
            cursor.close()


class StoaSession(Session):
    """The sessions Stoa makes: SQLAlchemy's, with a quicker `get()` for the common case.

    `get(Model, pk)` of a model with a one-column primary key and no inheritance, with
    no options, runs one prepared SELECT per model instead of building the statement
    each time (about half the cost); the object lands in the identity map exactly as
    SQLAlchemy's own `get()` would put it. Anything else is SQLAlchemy's `get()`.
    """

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        if not kwargs and isinstance(entity, type) and _is_scalar_key(ident):
            plan = _get_plan(entity)
            if plan is not None and plan.key(ident) not in self.identity_map:
                return self.execute(plan.statement, {_PK_PARAM: ident}).scalar_one_or_none()
        return super().get(entity, ident, **kwargs)


_PK_PARAM = "stoa_pk"


class _GetPlan:
    """The prepared SELECT of one model by its primary key."""

    def __init__(self, mapper: Any) -> None:
        column = mapper.primary_key[0]
        self.statement = select(mapper).where(column == bindparam(_PK_PARAM))
        self.identity_class = mapper._identity_class

    def key(self, ident: Any) -> tuple[Any, ...]:
        return (self.identity_class, (ident,), None)


_get_plans: dict[type[Any], _GetPlan | None] = {}


def _get_plan(entity: type[Any]) -> _GetPlan | None:
    try:
        return _get_plans[entity]
    except KeyError:
        pass
    mapper = inspect(entity, raiseerr=False)
    plan = None
    if (
        isinstance(mapper, Mapper)
        and len(mapper.primary_key) == 1
        and mapper.inherits is None
        and mapper.polymorphic_on is None
        and not mapper.with_polymorphic
        # Joined eager loads need SQLAlchemy's uniquing of the rows: its own get() does it.
        and not any(rel.lazy == "joined" for rel in mapper.relationships)
    ):
        plan = _GetPlan(mapper)
    _get_plans[entity] = plan
    return plan


def _is_scalar_key(ident: Any) -> bool:
    # The common keys only; any other value (a tuple, a Row, a set...) is SQLAlchemy's to read.
    return type(ident) in (int, str, UUID)


class Databases:
    """The engines of one configuration, created on first use and disposed together."""

    def __init__(self, config: Mapping[str, str | Mapping[str, Any]]) -> None:
        if DEFAULT_ALIAS not in config:
            raise ConfigurationError("DATABASES has no 'default' entry.")
        self.config = dict(config)
        self._engines: dict[str, Engine] = {}
        self._factories: dict[tuple[str, bool], sessionmaker[Session]] = {}
        self._request_sessions: dict[str, RequestSessions] = {}
        self._async_engines: dict[str, AsyncEngine] = {}
        self._async_factories: dict[tuple[str, bool], async_sessionmaker[AsyncSession]] = {}

    def engine(self, alias: str = DEFAULT_ALIAS) -> Engine:
        """Return the engine of `alias`, creating it on first use."""
        engine = self._engines.get(alias)
        if engine is None:
            try:
                entry = self.config[alias]
            except KeyError:
                known = ", ".join(sorted(self.config))
                raise ConfigurationError(
                    f"No database {alias!r} in DATABASES (known: {known})."
                ) from None
            if isinstance(entry, str):
                engine = create_database_engine(entry)
            else:
                options = dict(entry)
                url = options.pop("URL", None)
                if not url:
                    raise ConfigurationError(
                        f"DATABASES[{alias!r}] is a dict without 'URL': "
                        f"use {{'URL': 'sqlite:///db.sqlite3', 'OPTIONS': {{...}}}}."
                    )
                engine = create_database_engine(url, options.pop("OPTIONS", None))
            self._engines[alias] = engine
        return engine

    def session_factory(
        self, alias: str = DEFAULT_ALIAS, *, immediate: bool = False
    ) -> sessionmaker[Session]:
        """Return the session factory of `alias` (`immediate`: its transactions will write)."""
        key = (alias, immediate)
        factory = self._factories.get(key)
        if factory is None:
            engine = self.engine(alias)
            if immediate:
                engine = engine.execution_options(**{IMMEDIATE_OPTION: True})
            factory = self._factories[key] = sessionmaker(
                bind=engine, class_=StoaSession, expire_on_commit=False
            )
        return factory

    def async_engine(self, alias: str = DEFAULT_ALIAS) -> AsyncEngine:
        """Return the async engine of `alias` (its URL on the async driver), made on first use."""
        engine = self._async_engines.get(alias)
        if engine is None:
            from orm.async_session import create_async_database_engine

            sync_engine = self.engine(alias)
            entry = self.config[alias]
            options = entry.get("OPTIONS") if isinstance(entry, Mapping) else None
            engine = self._async_engines[alias] = create_async_database_engine(
                sync_engine.url, options
            )
        return engine

    def async_session_factory(
        self, alias: str = DEFAULT_ALIAS, *, immediate: bool = False
    ) -> async_sessionmaker[AsyncSession]:
        """Return the AsyncSession factory of `alias` (`immediate`: its transactions write)."""
        key = (alias, immediate)
        factory = self._async_factories.get(key)
        if factory is None:
            from orm.async_session import async_session_factory

            factory = async_session_factory(self.async_engine(alias), immediate=immediate)
            self._async_factories[key] = factory
        return factory

    async def dispose_async(self) -> None:
        """Close the async engines' connections (on the event loop that opened them)."""
        for engine in self._async_engines.values():
            await engine.dispose()

    def request_sessions(self, alias: str = DEFAULT_ALIAS) -> RequestSessions:
        """Return the per-thread request sessions of `alias` (see RequestSessions)."""
        sessions = self._request_sessions.get(alias)
        if sessions is None:
            sessions = self._request_sessions[alias] = RequestSessions(self, alias)
        return sessions

    def dispose(self, *, close: bool = True) -> None:
        """Drop every pooled connection (`close=False` after a fork: leave the parent's be)."""
        for sessions in self._request_sessions.values():
            if close:
                sessions.close()
            else:
                sessions.forget()
        for engine in self._engines.values():
            engine.dispose(close=close)
        for async_engine in self._async_engines.values():
            # Closing an async connection needs its event loop: dispose_async() does that.
            async_engine.sync_engine.dispose(close=False)

    @property
    def engines(self) -> dict[str, Engine]:
        """The engines created so far, by alias."""
        return dict(self._engines)


_databases: Databases | None = None


def configure(config: Mapping[str, str | Mapping[str, Any]]) -> Databases:
    """Set the databases of this process (from the DATABASES setting); return them."""
    global _databases
    if _databases is not None and _databases.config == dict(config):
        return _databases
    if _databases is not None:
        _databases.dispose()
    _databases = Databases(config)
    return _databases


def databases() -> Databases:
    """Return the configured databases."""
    if _databases is None:
        raise ConfigurationError(
            "The databases are not configured: call core.setup() (manage.py and wsgi.py do), "
            "or orm.session.configure({'default': URL}) in a script."
        )
    return _databases


def get_engine(alias: str = DEFAULT_ALIAS) -> Engine:
    """Return the engine of a database alias."""
    return databases().engine(alias)


def _after_fork_in_child() -> None:
    # A pooled connection inherited from the parent must never be used by a child
    # (gunicorn --preload forks after the app is built): drop the pool, leave the
    # parent's sockets alone.
    if _databases is not None:
        _databases.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)


class RequestSessions:
    """The sessions of requests to one database: one per thread, kept from request to request.

    Creating a SQLAlchemy session, and on SQLite checking out a pooled connection and
    returning it, cost more than a simple query. So each thread (a sync worker has one)
    keeps its session, reset between requests (`Session.close()`: identity map emptied,
    transaction ended); on a SQLite file it also keeps the session's connection, idle
    between requests and outside any transaction. A database server's connections still
    go back to the pool after each request and are checked (pinged) when taken out, so a
    server restart costs no request. A request made while the thread's session is busy
    (a request inside a request) gets a session of its own.
    """

    def __init__(self, databases: Databases, alias: str = DEFAULT_ALIAS) -> None:
        self.readers = databases.session_factory(alias, immediate=False)
        self.writers = databases.session_factory(alias, immediate=True)
        # What a kept (server) session is bound to for a reader or a writer request.
        self._binds = {False: self.readers.kw["bind"], True: self.writers.kw["bind"]}
        engine = databases.engine(alias)
        url = engine.url
        # An in-memory database is one connection already shared by every thread.
        self.hold_connection = url.get_backend_name() == "sqlite" and url.database not in (
            None,
            "",
            ":memory:",
        )
        self.engine = engine
        self._local = threading.local()

    def acquire(self, *, immediate: bool) -> Session:
        """Return a session for a request (`immediate`: it may write), ready to use."""
        local = self._local
        session: Session | None = getattr(local, "session", None)
        if session is not None and local.busy:
            if not local.finished:  # a request inside a request: a session of its own
                return (self.writers if immediate else self.readers)()
            # The last request ended its transaction but its body was never closed (a
            # response replaced on the way out): leave that session to its owner.
            session = None
        if session is None:
            session = local.session = self._new_session()
            local.immediate = None
        if local.immediate is not immediate:
            local.immediate = immediate
            if self.hold_connection:
                connection = cast(Connection, session.bind)
                connection.execution_options(**{IMMEDIATE_OPTION: immediate})
                local.options = connection.get_execution_options()
            else:
                session.bind = self._binds[immediate]
        local.busy = True
        local.finished = False
        return session

    def finished(self, session: Session) -> None:
        """Note that `session`'s request has committed or rolled back (its body may remain)."""
        local = self._local
        if session is getattr(local, "session", None):
            local.finished = True

    def release(self, session: Session) -> None:
        """Close `session` after its request; keep it (and a SQLite connection) for the next."""
        session.close()
        local = self._local
        if session is not getattr(local, "session", None):
            if self.hold_connection and isinstance(session.bind, Connection):
                session.bind.close()  # a session given up on (see acquire)
            return
        local.busy = False
        session.info.clear()
        # Undo what a view may have changed on the session for its own request.
        session.autoflush = True
        session.expire_on_commit = False
        if not self.hold_connection:
            local.immediate = None  # bind again next time: the view may have changed it
            return
        connection = cast(Connection, session.bind)
        if (
            connection.invalidated
            or connection.closed
            # execution_options() set by the view (an isolation level, say) stay on a
            # connection: start the next request on a fresh one instead.
            or connection.get_execution_options() is not local.options
        ):
            local.session = None
            connection.close()
        elif connection.in_transaction():
            connection.rollback()

    def _new_session(self) -> Session:
        if not self.hold_connection:
            return self.readers()
        connection = self.engine.connect()
        return StoaSession(bind=connection, expire_on_commit=False)

    def close_thread(self) -> None:
        """Close this thread's kept session and connection; other threads keep theirs."""
        local = self._local
        session: Session | None = getattr(local, "session", None)
        if session is None or local.busy:
            return
        local.session = None
        session.close()
        if isinstance(session.bind, Connection):
            session.bind.close()

    def forget(self) -> None:
        """Drop the kept sessions without using them (in a forked child)."""
        self._local = threading.local()

    def close(self) -> None:
        """Close this thread's kept session and connection (the engine is being disposed)."""
        session: Session | None = getattr(self._local, "session", None)
        self._local = threading.local()
        if session is not None:
            session.close()
            if isinstance(session.bind, Connection):
                session.bind.close()


class SessionScope:
    """A unit of work: a session created on first use, committed or rolled back, closed.

    A request gets one; so does a script. A view that never touches the database
    never creates a session and never checks out a connection.
    """

    def __init__(
        self,
        factory: Callable[[], Session],
        *,
        request: bool = False,
        release: Callable[[Session], None] | None = None,
        finished: Callable[[Session], None] | None = None,
    ) -> None:
        self._factory = factory
        self._release = release
        self._finished = finished
        self._session: Session | None = None
        self._savepoint: SessionTransaction | None = None
        self.request = request

    @property
    def session(self) -> Session:
        """The scope's session, created on first access."""
        if self._session is None:
            if _shared is not None:
                # Under test: work in the test's session, inside a savepoint of our own.
                self._session = _shared
                self._savepoint = _shared.begin_nested()
            else:
                self._session = self._factory()
                self._session.info["stoa.request"] = self.request
        return self._session

    @property
    def active(self) -> bool:
        """Whether the session was created (so there is something to finish)."""
        return self._session is not None

    def finish(self, *, commit: bool) -> None:
        """Commit (or roll back) the work of the scope, if it did any."""
        if self._session is None:
            return
        if self._savepoint is not None:
            savepoint, self._savepoint = self._savepoint, None
            if commit and savepoint.is_active:
                savepoint.commit()
            else:
                rollback_savepoint(self._session, savepoint)
        elif commit:
            self._session.commit()
        else:
            self._session.rollback()
        if self._finished is not None:
            self._finished(self._session)

    def close(self) -> None:
        """Close the session and return its connection to the pool."""
        if self._session is not None:
            session, self._session = self._session, None
            if session is _shared:
                return
            if self._release is not None:
                self._release(session)
            else:
                session.close()


def rollback_savepoint(session: Session, savepoint: SessionTransaction) -> None:
    """Roll back a savepoint, also one a failed flush left inactive but still open."""
    if savepoint.is_active or session.get_nested_transaction() is savepoint:
        savepoint.rollback()


_shared: Session | None = None


@contextmanager
def shared_session(session: Session) -> Iterator[Session]:
    """Make every scope use `session` inside the block (the test plugin's `db` fixture).

    Each request then runs in a savepoint of it, so data a test creates is visible to
    the views it calls, and everything is rolled back with the test's transaction.
    """
    global _shared
    previous, _shared = _shared, session
    try:
        yield session
    finally:
        _shared = previous


_current: ContextVar[SessionScope | None] = ContextVar("stoa_session_scope", default=None)
_script_scope: SessionScope | None = None


def enter_scope(scope: SessionScope) -> Token[SessionScope | None]:
    """Make `scope` the current one in this context (a request); returns a reset token."""
    return _current.set(scope)


def exit_scope(token: Token[SessionScope | None]) -> None:
    """Restore the scope that was current before `enter_scope()`."""
    _current.reset(token)


def current_scope() -> SessionScope:
    """Return the scope of the current request, or the process's script scope."""
    scope = _current.get()
    if scope is not None:
        return scope
    global _script_scope
    if _script_scope is None:
        _script_scope = SessionScope(databases().session_factory(immediate=True))
    return _script_scope


def get_session() -> Session:
    """Return the current session: the request's in a view, else the script's.

    In a shell or a command, commit with `orm.atomic()` or `get_session().commit()`.
    """
    if _shared is not None and _current.get() is None:
        return _shared
    return current_scope().session


def reset_script_scope() -> None:
    """Close the script scope's session (tests and commands call this between runs)."""
    global _script_scope
    if _script_scope is not None:
        _script_scope.close()
        _script_scope = None


@contextmanager
def session_scope(*, commit: bool = True, immediate: bool = True) -> Iterator[Session]:
    """Run a block in its own session: committed at the end (rolled back on error), closed."""
    scope = SessionScope(databases().session_factory(immediate=immediate))
    token = enter_scope(scope)
    try:
        yield scope.session
        scope.finish(commit=commit)
    except BaseException:
        scope.finish(commit=False)
        raise
    finally:
        exit_scope(token)
        scope.close()
