"""RequestSessions: one session per thread, kept from request to request (and on SQLite
its connection, idle and outside any transaction); servers get their connections back."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from orm.session import IMMEDIATE_OPTION, Databases, RequestSessions
from tests.dbfixtures import DriverStatements, count_rows, hold_write_lock_from_elsewhere
from tests.orm.models import OrmAuthor
from tests.orm.test_session import wait_for_child

THREAD_TIMEOUT = 20


@pytest.fixture
def sessions(databases: Databases) -> RequestSessions:
    return databases.request_sessions()


@pytest.fixture
def opened_in() -> Callable[[Session], int | None]:
    """Which process opened a session's connection (recorded by the `databases` engine)."""

    def pid_of(session: Session) -> int | None:
        info = session.connection().connection.info
        pid: int | None = info.get("opened_in_pid")
        return pid

    return pid_of


@pytest.fixture
def remember_openers(databases: Databases) -> None:
    @event.listens_for(databases.engine(), "connect")
    def remember(dbapi_connection: Any, record: Any) -> None:
        record.info["opened_in_pid"] = os.getpid()


def checked_out(engine: Engine) -> int:
    """The connections of `engine`'s pool in use (kept by a thread counts as in use)."""
    return int(engine.pool.checkedout())  # type: ignore[attr-defined]


def dbapi_of(session: Session) -> Any:
    """The driver's connection under `session` (begins its transaction if need be)."""
    return session.connection().connection.dbapi_connection


def kept_connection(session: Session) -> Connection:
    """The Connection a SQLite request session is bound to."""
    assert isinstance(session.bind, Connection)
    return session.bind


def request(
    sessions: RequestSessions, work: Callable[[Session], Any], *, immediate: bool = False
) -> Any:
    """Do `work` as a request would: acquire, work, release (never commit unless `work` does)."""
    session = sessions.acquire(immediate=immediate)
    try:
        return work(session)
    finally:
        sessions.release(session)


def select_one(session: Session) -> int:
    return int(session.execute(text("SELECT 1")).scalar_one())


def add_author(name: str) -> Callable[[Session], None]:
    def work(session: Session) -> None:
        session.add(OrmAuthor(name=name))
        session.commit()

    return work


def in_thread(action: Callable[[], Any]) -> Any:
    """Run `action` in a new thread; return what it returned (or raise what it raised)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # noqa: BLE001 (raised again below)
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(THREAD_TIMEOUT)
    assert not thread.is_alive()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# One session per thread


def test_two_threads_at_once_get_different_sessions_and_connections(
    sessions: RequestSessions,
) -> None:
    both_inside = threading.Barrier(2, timeout=THREAD_TIMEOUT)
    seen: dict[str, tuple[Session, Any]] = {}

    def work(session: Session) -> None:
        seen[threading.current_thread().name] = (session, dbapi_of(session))
        both_inside.wait()

    threads = [threading.Thread(target=request, args=(sessions, work), name=name) for name in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)

    assert set(seen) == {"a", "b"}
    (session_a, dbapi_a), (session_b, dbapi_b) = seen["a"], seen["b"]
    assert session_a is not session_b
    assert dbapi_a is not dbapi_b


def test_each_thread_keeps_its_own_session(sessions: RequestSessions, backend: str) -> None:
    mine = request(sessions, lambda session: (session, dbapi_of(session)))
    theirs = in_thread(lambda: request(sessions, lambda session: (session, dbapi_of(session))))
    mine_again = request(sessions, lambda session: (session, dbapi_of(session)))

    assert mine[0] is mine_again[0]
    assert theirs[0] is not mine[0]
    if backend == "sqlite":
        assert mine[1] is mine_again[1]  # the kept connection
        assert theirs[1] is not mine[1]


def test_a_thread_gets_its_session_back_reset(sessions: RequestSessions) -> None:
    def first(session: Session) -> tuple[Session, OrmAuthor]:
        session.info["user"] = "ada"
        session.add(OrmAuthor(name="Ada"))
        session.commit()
        loaded = session.scalars(select(OrmAuthor)).one()
        assert len(session.identity_map) == 1
        return session, loaded

    session, ada = request(sessions, first)

    again = sessions.acquire(immediate=False)
    try:
        assert again is session
        assert len(again.identity_map) == 0
        assert again.info == {}
        assert not again.new
        assert not again.dirty
        assert not again.in_transaction()
        assert inspect(ada).detached
        reloaded = again.get(OrmAuthor, ada.id)
        assert reloaded is not ada
        assert reloaded is not None
        assert reloaded.name == "Ada"
    finally:
        sessions.release(again)


def test_uncommitted_work_of_a_request_is_rolled_back(
    sessions: RequestSessions, engine: Engine
) -> None:
    def write(session: Session) -> None:
        session.add(OrmAuthor(name="Ada"))
        session.flush()

    request(sessions, write, immediate=True)

    assert count_rows(engine, "orm_author") == 0
    assert request(sessions, lambda session: session.scalars(select(OrmAuthor)).all()) == []


def test_sqlite_keeps_the_connection_and_a_server_gets_it_back(
    sessions: RequestSessions, databases: Databases, backend: str
) -> None:
    pool_engine = databases.engine()
    checkouts: list[Any] = []
    event.listen(pool_engine, "checkout", lambda *args: checkouts.append(args))

    for immediate in (False, True, False, True, False):
        assert request(sessions, select_one, immediate=immediate) == 1
        if backend == "sqlite":
            assert checked_out(pool_engine) == 1
        else:
            assert checked_out(pool_engine) == 0

    assert len(checkouts) == (1 if backend == "sqlite" else 5)


# Reader and writer requests


def test_each_request_is_marked_reader_or_writer(sessions: RequestSessions) -> None:
    def marked(session: Session) -> bool:
        return bool(session.connection().get_execution_options().get(IMMEDIATE_OPTION, False))

    marks = [
        request(sessions, marked, immediate=immediate) for immediate in (True, True, False, True)
    ]

    assert marks == [True, True, False, True]


def test_on_sqlite_a_writer_begins_immediate_and_a_reader_not(
    databases: Databases, sessions: RequestSessions, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    recorder = DriverStatements(databases.engine())  # before the kept connection is checked out
    try:
        for immediate in (True, False, False, True):
            request(sessions, select_one, immediate=immediate)
    finally:
        recorder.detach()

    assert recorder.starting("BEGIN") == ["BEGIN IMMEDIATE", "BEGIN", "BEGIN", "BEGIN IMMEDIATE"]


def test_on_sqlite_only_a_writer_holds_the_write_lock(
    databases: Databases, sessions: RequestSessions, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    engine = databases.engine()

    def lock_free(session: Session) -> bool:
        select_one(session)
        return hold_write_lock_from_elsewhere(engine)

    assert request(sessions, lock_free, immediate=True) is False
    assert request(sessions, lock_free, immediate=False) is True
    assert request(sessions, lock_free, immediate=True) is False


# Between requests: no transaction open


def test_after_a_request_no_transaction_is_open(
    databases: Databases, sessions: RequestSessions, backend: str
) -> None:
    session = sessions.acquire(immediate=True)
    session.add(OrmAuthor(name="Ada"))
    session.flush()  # written, not committed
    sessions.release(session)

    assert not session.in_transaction()
    engine = databases.engine()
    if backend == "sqlite":
        assert not kept_connection(session).in_transaction()
        assert hold_write_lock_from_elsewhere(engine)
    else:
        assert checked_out(engine) == 0
    assert count_rows(engine, "orm_author") == 0


def test_after_a_committed_request_no_transaction_is_open(
    databases: Databases, sessions: RequestSessions, backend: str
) -> None:
    request(sessions, add_author("Ada"), immediate=True)

    engine = databases.engine()
    if backend == "sqlite":
        assert hold_write_lock_from_elsewhere(engine)
    else:
        assert checked_out(engine) == 0
    assert count_rows(engine, "orm_author") == 1


def test_after_a_request_that_began_again_after_its_commit_no_transaction_is_open(
    databases: Databases, sessions: RequestSessions, backend: str
) -> None:
    def commit_then_read(session: Session) -> None:
        add_author("Ada")(session)
        session.scalars(select(OrmAuthor)).all()  # a new transaction, left open

    request(sessions, commit_then_read, immediate=True)

    if backend == "sqlite":
        assert hold_write_lock_from_elsewhere(databases.engine())
    else:
        assert checked_out(databases.engine()) == 0


@pytest.mark.parametrize("immediate", [False, True], ids=["reader", "writer"])
def test_a_server_sees_no_transaction_left_open(
    sessions: RequestSessions, engine: Engine, backend: str, immediate: bool
) -> None:
    if backend != "postgresql":
        pytest.skip("pg_stat_activity is PostgreSQL's")
    pid = request(
        sessions,
        lambda session: session.execute(text("SELECT pg_backend_pid()")).scalar_one(),
        immediate=immediate,
    )

    with engine.connect() as connection:  # another pool: another connection
        state = connection.execute(
            text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
        ).scalar_one()

    assert state == "idle"


# Errors inside a request


def test_an_integrity_error_leaves_the_next_request_usable(
    sessions: RequestSessions, databases: Databases, backend: str
) -> None:
    request(sessions, add_author("Ada"), immediate=True)

    def duplicate(session: Session) -> None:
        session.add(OrmAuthor(name="Ada"))
        with pytest.raises(IntegrityError):
            session.flush()

    request(sessions, duplicate, immediate=True)

    request(sessions, add_author("Grace"), immediate=True)
    names = request(sessions, lambda session: session.scalars(select(OrmAuthor.name)).all())
    assert sorted(names) == ["Ada", "Grace"]
    if backend == "sqlite":
        assert hold_write_lock_from_elsewhere(databases.engine())


def test_an_exception_in_a_view_leaves_the_next_request_usable(
    sessions: RequestSessions, engine: Engine
) -> None:
    def fail(session: Session) -> None:
        session.add(OrmAuthor(name="Ada"))
        session.flush()
        raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError):
        request(sessions, fail, immediate=True)

    request(sessions, add_author("Grace"), immediate=True)
    assert count_rows(engine, "orm_author") == 1


def test_a_failed_sql_statement_leaves_the_next_request_usable(
    sessions: RequestSessions,
) -> None:
    def bad_sql(session: Session) -> None:
        with pytest.raises(DBAPIError):
            session.execute(text("SELECT * FROM no_such_table"))

    request(sessions, bad_sql)
    request(sessions, bad_sql, immediate=True)

    assert request(sessions, select_one) == 1
    assert request(sessions, select_one, immediate=True) == 1


@pytest.fixture
def impatient(sessions: RequestSessions, backend: str) -> Iterator[sqlite3.Connection]:
    """On SQLite: the thread's kept connection waits for no lock; another connection to lock."""
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    session = sessions.acquire(immediate=False)
    driver: Any = kept_connection(session).connection.dbapi_connection
    driver.execute("PRAGMA busy_timeout=0")
    sessions.release(session)
    other = sqlite3.connect(sessions.engine.url.database or "", timeout=0, isolation_level=None)
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def test_a_write_lock_held_elsewhere_fails_the_request_and_not_the_next(
    sessions: RequestSessions, impatient: sqlite3.Connection, engine: Engine
) -> None:
    impatient.execute("BEGIN IMMEDIATE")

    with pytest.raises(Exception, match="database is locked"):
        request(sessions, add_author("Ada"), immediate=True)

    impatient.execute("ROLLBACK")
    request(sessions, add_author("Grace"), immediate=True)
    assert count_rows(engine, "orm_author") == 1
    assert hold_write_lock_from_elsewhere(engine)


def test_a_write_lock_held_elsewhere_is_sqlalchemys_operational_error(
    sessions: RequestSessions, impatient: sqlite3.Connection
) -> None:
    impatient.execute("BEGIN IMMEDIATE")

    with pytest.raises(DBAPIError, match="database is locked"):
        request(sessions, select_one, immediate=True)


def test_an_invalidated_connection_is_replaced(
    sessions: RequestSessions, databases: Databases, backend: str
) -> None:
    def invalidate(session: Session) -> Any:
        dbapi = dbapi_of(session)
        session.connection().invalidate()
        return dbapi

    broken = request(sessions, invalidate, immediate=True)

    fresh = sessions.acquire(immediate=True)
    try:
        assert select_one(fresh) == 1
        assert dbapi_of(fresh) is not broken
        add_author("Ada")(fresh)
    finally:
        sessions.release(fresh)
    assert request(sessions, lambda session: len(session.scalars(select(OrmAuthor)).all())) == 1
    expected = 1 if backend == "sqlite" else 0
    assert checked_out(databases.engine()) == expected


def test_a_connection_closed_during_a_request_is_replaced(
    sessions: RequestSessions, databases: Databases, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("only SQLite's request sessions keep their connection")

    def close(session: Session) -> None:
        select_one(session)
        session.close()
        kept_connection(session).close()

    request(sessions, close)

    assert request(sessions, select_one) == 1
    assert checked_out(databases.engine()) == 1


# dispose() and fork


def test_dispose_closes_the_kept_connection(
    sessions: RequestSessions, databases: Databases, backend: str
) -> None:
    session, dbapi = request(sessions, lambda session: (session, dbapi_of(session)))

    databases.dispose()

    engine = databases.engine()
    assert checked_out(engine) == 0
    if backend == "sqlite":
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            dbapi.execute("SELECT 1")
    again = sessions.acquire(immediate=True)
    try:
        assert again is not session
        assert dbapi_of(again) is not dbapi
        add_author("Ada")(again)
    finally:
        sessions.release(again)
    assert count_rows(engine, "orm_author") == 1


def test_dispose_without_closing_forgets_the_kept_session(
    sessions: RequestSessions, databases: Databases, backend: str
) -> None:
    session, dbapi = request(sessions, lambda session: (session, dbapi_of(session)))
    old_pool = databases.engine().pool

    databases.dispose(close=False)
    try:
        again = sessions.acquire(immediate=False)
        try:
            assert again is not session
            assert dbapi_of(again) is not dbapi
            assert select_one(again) == 1
        finally:
            sessions.release(again)
        if backend == "sqlite":
            assert dbapi.execute("SELECT 1").fetchone() == (1,)  # left open, not used
    finally:
        if isinstance(session.bind, Connection):
            session.bind.close()
        old_pool.dispose()


def test_request_sessions_are_made_once_per_alias(
    databases: Databases,
) -> None:
    assert databases.request_sessions() is databases.request_sessions()
    assert databases.request_sessions("default") is databases.request_sessions()


def in_child(
    sessions: RequestSessions,
    parent: Session,
    parent_dbapi: Any,
    opened_in: Callable[[Session], int | None],
) -> int:
    """What the forked child checks; its exit code says which check failed."""
    session = sessions.acquire(immediate=True)
    if session is parent:
        return 3  # the parent's session came along
    if dbapi_of(session) is parent_dbapi:
        return 4  # and its connection
    if opened_in(session) != os.getpid():
        return 5  # a connection the child did not open
    session.add(OrmAuthor(name="Child"))
    session.commit()
    sessions.release(session)
    if sessions.acquire(immediate=False) is not session:
        return 6  # the child keeps its own from request to request
    return 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork()")
def test_a_forked_child_gets_its_own_session_and_connection(
    sessions: RequestSessions,
    databases: Databases,
    remember_openers: None,
    opened_in: Callable[[Session], int | None],
) -> None:
    parent, parent_dbapi = request(sessions, lambda session: (session, dbapi_of(session)))

    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        code = 2
        try:
            code = in_child(sessions, parent, parent_dbapi, opened_in)
        finally:
            os._exit(code)

    assert wait_for_child(pid) == 0
    # The parent's session and connection are still its own, and work.
    session = sessions.acquire(immediate=False)
    try:
        assert session is parent
        assert opened_in(session) == os.getpid()
        names = session.scalars(select(OrmAuthor.name)).all()
    finally:
        sessions.release(session)
    assert names == ["Child"]


def test_session_info_is_cleared_even_when_the_database_was_not_used(
    sessions: RequestSessions,
) -> None:
    session = sessions.acquire(immediate=False)
    session.info["note"] = "untouched request"
    sessions.release(session)

    again = sessions.acquire(immediate=False)
    try:
        assert again is session
        assert again.info == {}
    finally:
        sessions.release(again)


def test_a_view_turning_autoflush_off_does_not_carry_it_to_the_next_request(
    sessions: RequestSessions,
) -> None:
    session = sessions.acquire(immediate=False)
    session.autoflush = False
    sessions.release(session)

    assert sessions.acquire(immediate=False).autoflush is True


def test_execution_options_a_view_set_do_not_reach_the_next_request(
    sessions: RequestSessions, backend: str
) -> None:
    session = sessions.acquire(immediate=False)
    session.connection(execution_options={IMMEDIATE_OPTION: True})
    session.commit()
    sessions.release(session)

    following = sessions.acquire(immediate=False)
    options = following.connection().get_execution_options()
    assert options.get(IMMEDIATE_OPTION, False) is False
    following.commit()
    sessions.release(following)
    if backend == "sqlite":
        # The kept connection carried the view's options: it was let go for a fresh one.
        assert following is not session
