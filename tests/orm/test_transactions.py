"""orm.transactions: atomic() blocks and savepoints, on_commit() callbacks (script sessions)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from orm import atomic, get_session, on_commit, session_scope
from orm.session import Databases
from tests.dbfixtures import count_rows
from tests.orm.models import OrmAuthor


class Boom(Exception):
    pass


def add_author(name: str) -> None:
    session = get_session()
    session.add(OrmAuthor(name=name))
    session.flush()


Step = Callable[[], object]


def run_atomic(*steps: Step) -> None:
    """Run `steps` in an atomic() block."""
    with atomic():
        for step in steps:
            step()


def fail_atomic(*steps: Step) -> None:
    """Run `steps` in an atomic() block that then raises Boom."""
    with atomic():
        for step in steps:
            step()
        raise Boom


def adding(name: str) -> Step:
    return lambda: add_author(name)


def names(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return {author.name for author in session.query(OrmAuthor)}


# atomic()


def test_outermost_atomic_commits_at_its_end(databases: Databases, engine: Engine) -> None:
    with atomic():
        add_author("Ada")

    assert count_rows(engine, "orm_author") == 1


def test_outermost_atomic_rolls_back_when_it_raises(databases: Databases, engine: Engine) -> None:
    with pytest.raises(Boom):
        fail_atomic(adding("Ada"))

    assert count_rows(engine, "orm_author") == 0


def test_atomic_yields_the_current_session(databases: Databases) -> None:
    with atomic() as session:
        assert session is get_session()


def test_atomic_takes_a_session(databases: Databases, engine: Engine) -> None:
    with Session(engine) as session, atomic(session) as used:
        used.add(OrmAuthor(name="Ada"))

        assert used is session
    assert count_rows(engine, "orm_author") == 1


def test_atomic_as_a_decorator_commits_each_call(databases: Databases, engine: Engine) -> None:
    @atomic()
    def create(name: str) -> None:
        add_author(name)

    create("Ada")
    create("Grace")

    assert names(engine) == {"Ada", "Grace"}


def test_atomic_as_a_decorator_rolls_back_a_call_that_raises(
    databases: Databases, engine: Engine
) -> None:
    @atomic()
    def create(name: str) -> None:
        add_author(name)
        if name == "Grace":
            raise Boom

    create("Ada")
    with pytest.raises(Boom):
        create("Grace")

    assert names(engine) == {"Ada"}


def test_a_nested_block_that_raises_is_rolled_back_alone(
    databases: Databases, engine: Engine
) -> None:
    with atomic():
        add_author("Ada")
        with pytest.raises(Boom):
            fail_atomic(adding("Grace"))
        add_author("Edsger")

    assert names(engine) == {"Ada", "Edsger"}


def test_a_nested_block_commits_with_the_outer_one(databases: Databases, engine: Engine) -> None:
    with atomic():
        with atomic():
            add_author("Grace")
        assert count_rows(engine, "orm_author") == 0  # a savepoint, not a commit

    assert names(engine) == {"Grace"}


def test_an_outer_rollback_undoes_a_released_savepoint(
    databases: Databases, engine: Engine
) -> None:
    with pytest.raises(Boom):
        fail_atomic(lambda: run_atomic(adding("Grace")))

    assert count_rows(engine, "orm_author") == 0


def test_savepoints_nest_several_levels(databases: Databases, engine: Engine) -> None:
    with atomic():
        add_author("a")
        with atomic():
            add_author("b")
            with pytest.raises(Boom):
                fail_atomic(adding("c"))
            add_author("d")

    assert names(engine) == {"a", "b", "d"}


def test_atomic_in_session_scope_commits_its_block(databases: Databases, engine: Engine) -> None:
    with session_scope(commit=False):
        with atomic():
            add_author("Ada")
        add_author("Grace")  # after the block: rolled back with the scope

    assert names(engine) == {"Ada"}


def test_an_integrity_error_in_a_savepoint_leaves_the_outer_block_usable(
    databases: Databases, engine: Engine
) -> None:
    from sqlalchemy.exc import IntegrityError

    with atomic():
        add_author("Ada")
        with pytest.raises(IntegrityError), atomic():
            add_author("Ada")
        add_author("Grace")

    assert names(engine) == {"Ada", "Grace"}


# on_commit()


@pytest.fixture
def calls() -> list[str]:
    return []


def record(calls: list[str], name: str) -> Callable[[], None]:
    return lambda: calls.append(name)


def test_on_commit_runs_after_the_commit(
    databases: Databases, engine: Engine, calls: list[str]
) -> None:
    seen: list[int] = []
    with atomic():
        add_author("Ada")
        on_commit(lambda: seen.append(count_rows(engine, "orm_author")))

        assert seen == []
    assert seen == [1]  # the row was visible to others when the callback ran


def test_on_commit_does_not_run_after_a_rollback(databases: Databases, calls: list[str]) -> None:
    with pytest.raises(Boom):
        fail_atomic(adding("Ada"), lambda: on_commit(record(calls, "after")))

    assert calls == []


def test_a_rolled_back_callback_does_not_run_at_a_later_commit(
    databases: Databases, calls: list[str]
) -> None:
    with pytest.raises(Boom):
        fail_atomic(adding("Ada"), lambda: on_commit(record(calls, "lost")))
    with atomic():
        add_author("Grace")
        on_commit(record(calls, "kept"))

    assert calls == ["kept"]


def test_on_commit_skips_callbacks_of_a_rolled_back_savepoint(
    databases: Databases, calls: list[str]
) -> None:
    with atomic():
        add_author("Ada")
        on_commit(record(calls, "outer"))
        with pytest.raises(Boom):
            fail_atomic(lambda: on_commit(record(calls, "inner")))
        on_commit(record(calls, "later"))

    assert calls == ["outer", "later"]


def test_on_commit_keeps_callbacks_of_a_released_savepoint(
    databases: Databases, calls: list[str]
) -> None:
    with atomic():
        add_author("Ada")
        with atomic():
            on_commit(record(calls, "inner"))
        assert calls == []

    assert calls == ["inner"]


def test_on_commit_of_a_released_savepoint_does_not_run_if_the_outer_block_rolls_back(
    databases: Databases, calls: list[str]
) -> None:
    with pytest.raises(Boom):
        fail_atomic(adding("Ada"), lambda: run_atomic(lambda: on_commit(record(calls, "inner"))))

    assert calls == []


def test_on_commit_outside_a_transaction_runs_at_once(
    databases: Databases, calls: list[str]
) -> None:
    with session_scope():
        on_commit(record(calls, "now"))

        assert calls == ["now"]


def test_on_commit_runs_each_callback_once(databases: Databases, calls: list[str]) -> None:
    with atomic():
        add_author("Ada")
        on_commit(record(calls, "once"))
    with atomic():
        add_author("Grace")

    assert calls == ["once"]


def test_a_failing_callback_is_logged_and_the_others_run(
    databases: Databases, calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    def fail() -> None:
        raise Boom("callback failed")

    with caplog.at_level(logging.ERROR, logger="stoa.db"), atomic():
        add_author("Ada")
        on_commit(fail)
        on_commit(record(calls, "second"))

    assert calls == ["second"]
    assert "on_commit() callback failed" in caplog.text
