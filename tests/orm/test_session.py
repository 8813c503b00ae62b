"""orm.session: engines with Stoa's defaults, database configuration, fork safety, scopes."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

import orm
from orm import ConfigurationError, get_engine, get_session, session_scope
from orm.session import (
    IMMEDIATE_OPTION,
    SQLITE_BUSY_TIMEOUT_MS,
    Databases,
    SessionScope,
    configure,
    create_database_engine,
    reset_script_scope,
)
from tests.dbfixtures import (
    DriverStatements,
    count_rows,
    hold_write_lock_from_elsewhere,
    isolate_orm,
)
from tests.orm.models import OrmAuthor

# create_database_engine: defaults per backend, readable errors


@pytest.fixture
def sqlite_engine(tmp_path: Any) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        yield engine
    finally:
        engine.dispose()


def pragma(engine: Engine, name: str) -> Any:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_enforces_foreign_keys(sqlite_engine: Engine) -> None:
    assert pragma(sqlite_engine, "foreign_keys") == 1


def test_sqlite_file_uses_wal(sqlite_engine: Engine) -> None:
    assert pragma(sqlite_engine, "journal_mode") == "wal"


def test_sqlite_waits_for_locks(sqlite_engine: Engine) -> None:
    assert pragma(sqlite_engine, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS


def test_sqlite_in_memory_is_one_database_with_foreign_keys() -> None:
    engine = create_database_engine("sqlite://")
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
        assert pragma(engine, "foreign_keys") == 1
    finally:
        engine.dispose()


def test_sqlite_writer_session_takes_the_write_lock_at_begin(tmp_path: Any) -> None:
    dbs = Databases({"default": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    try:
        with dbs.session_factory(immediate=True)() as session:
            session.connection()  # begins; nothing is written yet

            assert not hold_write_lock_from_elsewhere(dbs.engine())
    finally:
        dbs.dispose()


def test_sqlite_reader_session_leaves_the_write_lock_free(tmp_path: Any) -> None:
    dbs = Databases({"default": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    try:
        with dbs.session_factory(immediate=False)() as session:
            session.execute(text("SELECT 1"))

            assert hold_write_lock_from_elsewhere(dbs.engine())
    finally:
        dbs.dispose()


def test_sqlite_writer_session_sends_begin_immediate(databases: Databases, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    recorder = DriverStatements(databases.engine())
    try:
        with databases.session_factory(immediate=True)() as session:
            session.execute(text("SELECT 1"))
    finally:
        recorder.detach()

    assert recorder.starting("BEGIN") == ["BEGIN IMMEDIATE"]


def test_writer_session_is_marked_immediate_on_every_backend(databases: Databases) -> None:
    with databases.session_factory(immediate=True)() as writer:
        assert writer.connection().get_execution_options()[IMMEDIATE_OPTION] is True
    with databases.session_factory(immediate=False)() as reader:
        assert IMMEDIATE_OPTION not in reader.connection().get_execution_options()


def test_connections_to_a_server_are_checked_before_use(engine: Engine, backend: str) -> None:
    # A SQLite file has no server that could drop the connection: no ping per checkout.
    assert engine.pool._pre_ping is (backend != "sqlite")


def test_a_connection_killed_by_the_server_is_replaced(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("needs a server that can end a connection")
    with engine.connect() as connection:
        first = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = create_database_engine(engine.url)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    finally:
        admin.dispose()

    with engine.connect() as connection:
        second = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()

    assert second != first


def test_engine_options_are_passed_to_sqlalchemy(tmp_path: Any) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}", {"pool_size": 3})
    try:
        assert engine.pool.size() == 3  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_bad_url_is_a_readable_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="is not a database URL") as caught:
        create_database_engine("localhost/mysite")

    assert "sqlite:///db.sqlite3" in str(caught.value)


def test_an_unknown_dialect_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Unknown database dialect in 'nosuch://x'"):
        create_database_engine("nosuch://x")


def test_a_missing_driver_names_the_package_to_install() -> None:
    with pytest.raises(ConfigurationError, match="pip install mysqlclient"):
        create_database_engine("mysql+mysqldb://user@localhost/mysite")


def test_a_missing_driver_error_hides_the_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        create_database_engine("mysql+mysqldb://user:hunter2@localhost/mysite")

    assert "hunter2" not in str(caught.value)


# Databases and configure()


def test_databases_need_a_default() -> None:
    with pytest.raises(ConfigurationError, match="no 'default'"):
        Databases({"other": "sqlite://"})


def test_an_unknown_alias_names_the_known_ones() -> None:
    dbs = Databases({"default": "sqlite://", "reports": "sqlite://"})

    with pytest.raises(
        ConfigurationError, match=r"No database 'nope' in DATABASES \(known: default, reports\)"
    ):
        dbs.engine("nope")


def test_an_engine_is_made_once_per_alias(database_url: str) -> None:
    dbs = Databases({"default": database_url})
    try:
        assert dbs.engine() is dbs.engine("default")
        assert dbs.engines == {"default": dbs.engine()}
    finally:
        dbs.dispose()


def test_the_dict_form_takes_a_url_and_options(database_url: str) -> None:
    dbs = Databases({"default": {"URL": database_url, "OPTIONS": {"pool_size": 2}}})
    try:
        engine = dbs.engine()

        assert engine.pool.size() == 2  # type: ignore[attr-defined]
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        dbs.dispose()


def test_the_dict_form_needs_a_url() -> None:
    dbs = Databases({"default": {"OPTIONS": {}}})

    with pytest.raises(ConfigurationError, match="without 'URL'"):
        dbs.engine()


def test_the_databases_must_be_configured_before_use(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_orm(monkeypatch)

    with pytest.raises(ConfigurationError, match=r"call core\.setup\(\)"):
        get_engine()


def test_configure_keeps_the_databases_of_the_same_config(
    databases: Databases, database_url: str
) -> None:
    assert configure({"default": database_url}) is databases


def test_configure_replaces_the_databases_of_another_config(
    databases: Databases, tmp_path: Any
) -> None:
    replaced = configure({"default": f"sqlite:///{tmp_path / 'other.sqlite3'}"})

    assert replaced is not databases
    assert orm.session.databases() is replaced


# Fork safety


def wait_for_child(pid: int, timeout: float = 20) -> int:
    """Wait (bounded) for a forked child; return its exit code."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"The forked child {pid} did not finish in {timeout} s")


def backend_id(connection: Any, backend: str) -> Any:
    if backend == "postgresql":
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    return id(connection.connection.dbapi_connection)


def in_child(engine: Engine, backend: str, parent_id: Any) -> int:
    """What the forked child checks; its exit code says which check failed."""
    if engine.pool.checkedout() != 0:
        return 3  # the parent's pool came along
    with engine.connect() as connection:
        if connection.execute(text("SELECT 1")).scalar() != 1:
            return 4
        if backend == "postgresql" and backend_id(connection, backend) == parent_id:
            return 5  # the parent's server session
    return 0


def test_a_forked_child_gets_fresh_connections_and_leaves_the_parents_open(
    databases: Databases, backend: str
) -> None:
    engine = get_engine()
    held = engine.connect()  # one connection in use across the fork
    try:
        with engine.connect() as pooled:  # and one back in the pool before it
            pooled_id = backend_id(pooled, backend)
        parent_id = backend_id(held, backend)
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            code = 2
            try:
                code = in_child(engine, backend, parent_id)
            finally:
                os._exit(code)

        assert wait_for_child(pid) == 0
        assert held.execute(text("SELECT 1")).scalar() == 1
        assert backend_id(held, backend) == parent_id
        with engine.connect() as again:  # the same pooled connection, not a replacement
            assert backend_id(again, backend) == pooled_id
    finally:
        held.close()


# SessionScope, session_scope() and the script session


def test_a_scope_opens_nothing_until_its_session_is_used(databases: Databases) -> None:
    checkouts: list[Any] = []
    event.listen(databases.engine(), "checkout", lambda *args: checkouts.append(args))
    scope = SessionScope(databases.session_factory())

    scope.finish(commit=True)
    scope.close()

    assert not scope.active
    assert checkouts == []


def test_a_scope_creates_its_session_on_first_use(databases: Databases) -> None:
    scope = SessionScope(databases.session_factory())

    session = scope.session

    assert scope.active
    assert scope.session is session
    scope.close()
    assert not scope.active


def test_session_scope_commits_at_the_end(databases: Databases, engine: Engine) -> None:
    with session_scope() as session:
        session.add(OrmAuthor(name="Ada"))

    assert count_rows(engine, "orm_author") == 1


def test_session_scope_rolls_back_on_an_exception(databases: Databases, engine: Engine) -> None:
    def fail() -> None:
        with session_scope() as session:
            session.add(OrmAuthor(name="Ada"))
            session.flush()
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail()

    assert count_rows(engine, "orm_author") == 0


def test_session_scope_without_commit_rolls_back(databases: Databases, engine: Engine) -> None:
    with session_scope(commit=False) as session:
        session.add(OrmAuthor(name="Ada"))
        session.flush()

    assert count_rows(engine, "orm_author") == 0


def test_session_scope_returns_its_connection(databases: Databases) -> None:
    with session_scope() as session:
        session.execute(select(OrmAuthor))

    assert databases.engine().pool.checkedout() == 0


def test_get_session_is_the_scopes_inside_session_scope(databases: Databases) -> None:
    with session_scope() as session:
        assert get_session() is session


def test_get_session_outside_a_scope_is_the_script_session(databases: Databases) -> None:
    session = get_session()

    assert isinstance(session, Session)
    assert get_session() is session


def test_reset_script_scope_closes_the_script_session(databases: Databases, engine: Engine) -> None:
    session = get_session()
    session.add(OrmAuthor(name="Ada"))
    session.flush()

    reset_script_scope()

    assert get_session() is not session
    assert count_rows(engine, "orm_author") == 0
    assert databases.engine().pool.checkedout() == 0


def test_the_script_session_is_a_writer(databases: Databases) -> None:
    options = get_session().connection().get_execution_options()

    assert options[IMMEDIATE_OPTION] is True
    assert databases is orm.session.databases()


def test_more_request_threads_than_the_pool_size_never_wait_on_sqlite(tmp_path: Any) -> None:
    # Every request thread keeps its SQLite connection: the pool must not run out.
    dbs = Databases({"default": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    sessions = dbs.request_sessions()
    threads = 25  # more than pool_size + the default max_overflow (15)
    all_holding = threading.Barrier(threads)
    answered: list[int] = []

    def request() -> None:
        session = sessions.acquire(immediate=False)
        answered.append(session.execute(text("SELECT 1")).scalar_one())
        session.commit()
        sessions.release(session)
        all_holding.wait(timeout=10)  # each thread still holds its connection here

    workers = [threading.Thread(target=request) for _ in range(threads)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=20)
    finally:
        dbs.dispose()

    assert answered == [1] * threads
