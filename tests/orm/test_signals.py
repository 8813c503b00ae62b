"""orm.signals: pre_save, post_save, pre_delete, post_delete, bridged from mapper events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from orm import post_delete, post_save, pre_delete, pre_save
from orm.signals import Signal
from tests.orm.models import OrmAuthor, OrmBook

Call = tuple[str, type[Any], Any, dict[str, Any]]


class Recorder:
    """Receivers that record their calls; disconnected after the test."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._connected: list[tuple[Signal, Any, type[Any] | None]] = []

    def listen(self, signal: Signal, sender: type[Any] | None = None) -> Any:
        def receiver(sender: type[Any], signal: Signal, instance: Any, **kwargs: Any) -> None:
            self.calls.append((signal.name, sender, instance, kwargs))

        signal.connect(receiver, sender=sender)
        self._connected.append((signal, receiver, sender))
        return receiver

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]

    def disconnect_all(self) -> None:
        for signal, receiver, sender in self._connected:
            signal.disconnect(receiver, sender=sender)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recorder = Recorder()
    try:
        yield recorder
    finally:
        recorder.disconnect_all()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def test_insert_sends_pre_and_post_save_with_created(recorder: Recorder, session: Session) -> None:
    recorder.listen(pre_save)
    recorder.listen(post_save)
    author = OrmAuthor(name="Ada")

    session.add(author)
    session.flush()

    assert recorder.calls == [
        ("pre_save", OrmAuthor, author, {"created": True}),
        ("post_save", OrmAuthor, author, {"created": True}),
    ]


def test_update_sends_save_signals_with_created_false(recorder: Recorder, session: Session) -> None:
    author = OrmAuthor(name="Ada")
    session.add(author)
    session.flush()
    recorder.listen(pre_save)
    recorder.listen(post_save)

    author.name = "Ada Lovelace"
    session.flush()

    assert [(name, kwargs) for name, _, _, kwargs in recorder.calls] == [
        ("pre_save", {"created": False}),
        ("post_save", {"created": False}),
    ]


def test_post_save_sees_the_generated_key(session: Session) -> None:
    keys: list[int | None] = []

    def remember_key(sender: type[Any], instance: OrmAuthor, **kwargs: Any) -> None:
        keys.append(instance.id)

    post_save.connect(remember_key, sender=OrmAuthor)
    try:
        session.add(OrmAuthor(name="Ada"))
        session.flush()
    finally:
        post_save.disconnect(remember_key, sender=OrmAuthor)

    assert len(keys) == 1
    assert keys[0] is not None


def test_delete_sends_pre_and_post_delete(recorder: Recorder, session: Session) -> None:
    author = OrmAuthor(name="Ada")
    session.add(author)
    session.flush()
    recorder.listen(pre_delete)
    recorder.listen(post_delete)

    session.delete(author)
    session.flush()

    assert recorder.calls == [
        ("pre_delete", OrmAuthor, author, {}),
        ("post_delete", OrmAuthor, author, {}),
    ]


def test_a_receiver_for_one_sender_ignores_other_models(
    recorder: Recorder, session: Session
) -> None:
    recorder.listen(post_save, sender=OrmBook)

    session.add(OrmAuthor(name="Ada", books=[OrmBook(title="Notes")]))
    session.flush()

    assert [(name, sender) for name, sender, _, _ in recorder.calls] == [("post_save", OrmBook)]


def test_a_receiver_connected_as_a_decorator_is_called(session: Session) -> None:
    seen: list[str] = []

    @pre_save.connect(sender=OrmAuthor)
    def on_author(sender: type[Any], instance: OrmAuthor, **kwargs: Any) -> None:
        seen.append(instance.name)

    try:
        session.add(OrmAuthor(name="Ada"))
        session.flush()
    finally:
        pre_save.disconnect(on_author, sender=OrmAuthor)

    assert seen == ["Ada"]


def test_a_disconnected_receiver_is_not_called(recorder: Recorder, session: Session) -> None:
    receiver = recorder.listen(post_save, sender=OrmAuthor)
    post_save.disconnect(receiver, sender=OrmAuthor)

    session.add(OrmAuthor(name="Ada"))
    session.flush()

    assert recorder.calls == []


def test_disconnect_needs_the_same_sender(recorder: Recorder, session: Session) -> None:
    receiver = recorder.listen(post_save, sender=OrmAuthor)
    post_save.disconnect(receiver)  # registered for OrmAuthor, not for every model

    session.add(OrmAuthor(name="Ada"))
    session.flush()

    assert recorder.names() == ["post_save"]


def test_connecting_twice_calls_once(recorder: Recorder, session: Session) -> None:
    receiver = recorder.listen(post_save)
    post_save.connect(receiver)

    session.add(OrmAuthor(name="Ada"))
    session.flush()

    assert recorder.names() == ["post_save"]


def test_signals_fire_inside_the_transaction(
    recorder: Recorder, session: Session, engine: Engine
) -> None:
    recorder.listen(post_save, sender=OrmAuthor)

    session.add(OrmAuthor(name="Ada"))
    session.flush()
    session.rollback()

    assert recorder.names() == ["post_save"]  # sent, though nothing was saved in the end


def test_signal_repr_names_it() -> None:
    assert repr(pre_save) == "<Signal pre_save>"
