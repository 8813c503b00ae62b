"""Model signals, bridged from SQLAlchemy's mapper events.

    from orm.signals import post_save

    @post_save.connect(sender=Article)
    def index_article(sender, instance, created, **kwargs): ...

They fire during the session's flush, inside the transaction; use `on_commit()` for work
that must only happen once the data is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Mapper

from orm.models import Model

Receiver = Callable[..., Any]
R = TypeVar("R", bound=Receiver)


class Signal:
    """A list of receivers, each for every model or for one model class (and subclasses)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[tuple[Receiver, type[Any] | None]] = []

    def __repr__(self) -> str:
        return f"<Signal {self.name}>"

    def connect(self, receiver: Receiver | None = None, *, sender: type[Any] | None = None) -> Any:
        """Register `receiver` (also usable as a decorator: `@signal.connect(sender=Model)`)."""

        def register(function: R) -> R:
            if (function, sender) not in self._receivers:
                self._receivers.append((function, sender))
            return function

        return register(receiver) if receiver is not None else register

    def disconnect(self, receiver: Receiver, *, sender: type[Any] | None = None) -> None:
        """Remove a receiver registered with the same sender."""
        self._receivers = [entry for entry in self._receivers if entry != (receiver, sender)]

    def send(self, sender: type[Any], **kwargs: Any) -> None:
        """Call every receiver registered for `sender` (or for every model)."""
        for receiver, wanted in list(self._receivers):
            if wanted is None or issubclass(sender, wanted):
                receiver(sender=sender, signal=self, **kwargs)


pre_save = Signal("pre_save")
post_save = Signal("post_save")
pre_delete = Signal("pre_delete")
post_delete = Signal("post_delete")


def _bridge(sqlalchemy_event: str, signal: Signal, **extra: Any) -> None:
    def listener(mapper: Mapper[Any], connection: Any, target: Any) -> None:
        signal.send(type(target), instance=target, **extra)

    event.listen(Model, sqlalchemy_event, listener, propagate=True)


_bridge("before_insert", pre_save, created=True)
_bridge("before_update", pre_save, created=False)
_bridge("after_insert", post_save, created=True)
_bridge("after_update", post_save, created=False)
_bridge("before_delete", pre_delete)
_bridge("after_delete", post_delete)
