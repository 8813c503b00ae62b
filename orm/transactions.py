"""`atomic()` blocks (savepoints when nested) and `on_commit()` callbacks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ContextDecorator
from types import TracebackType
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from orm.session import get_session, rollback_savepoint

logger = logging.getLogger("stoa.db")

_DEPTH = "stoa.atomic_depth"
_CALLBACKS = "stoa.on_commit"


class atomic(ContextDecorator):  # noqa: N801 (used like a function, as in Django)
    """Run a block in a transaction: all of it is saved, or none of it.

        with atomic():
            session.add(order)
            session.add(payment)

    The outermost block of a script commits at its end; a block inside a request or
    inside another block is a savepoint, rolled back alone if it raises. It works as a
    decorator too (`@atomic()`).

    A transaction does not stop two requests from reading the same value: to change a
    value from its current one (a counter, a stock level), let the database do it,
    `update(Page).values(views=Page.views + 1)`, or read the row `with_for_update()`.
    """

    def __init__(self, session: Session | None = None) -> None:
        self._given = session
        self._stack: list[tuple[Session, SessionTransaction | None, int]] = []

    def __enter__(self) -> Session:
        session = self._given or get_session()
        depth = int(session.info.get(_DEPTH, 0))
        outermost = depth == 0 and not session.info.get("stoa.request", False)
        savepoint = None if outermost else session.begin_nested()
        session.info[_DEPTH] = depth + 1
        self._stack.append((session, savepoint, len(_callbacks(session))))
        return session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, savepoint, mark = self._stack.pop()
        session.info[_DEPTH] = int(session.info[_DEPTH]) - 1
        if savepoint is None:
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
            return
        if exc_type is None:
            savepoint.commit()
        else:
            rollback_savepoint(session, savepoint)
            # Callbacks registered inside a rolled-back savepoint never run.
            del _callbacks(session)[mark:]


def on_commit(callback: Callable[[], Any], session: Session | None = None) -> None:
    """Run `callback` after the current transaction commits; never if it rolls back."""
    session = session or get_session()
    if not session.in_transaction():
        callback()
        return
    _callbacks(session).append(callback)


def _callbacks(session: Session) -> list[Callable[[], Any]]:
    callbacks: list[Callable[[], Any]] = session.info.setdefault(_CALLBACKS, [])
    return callbacks


@event.listens_for(Session, "after_commit")
def _run_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a released savepoint is not a commit: the outer transaction may still fail
    callbacks = session.info.pop(_CALLBACKS, [])
    for callback in callbacks:
        try:
            callback()
        except Exception:
            logger.exception("An on_commit() callback failed: %r", callback)


@event.listens_for(Session, "after_rollback")
def _drop_on_commit(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_CALLBACKS, None)
