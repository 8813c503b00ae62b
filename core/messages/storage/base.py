"""`Message` and `BaseStorage`: one-time messages queued in one request, shown in a later one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from webob import Response as WebObResponse

from core.http import Request
from core.messages import constants


@dataclass(frozen=True)
class Message:
    """One message: its level, its text and extra CSS tags; `str()` gives the text."""

    level: int
    message: str
    extra_tags: str = ""

    def __str__(self) -> str:
        return self.message

    @property
    def level_tag(self) -> str:
        """The level's name in lower case: "success", "error"..."""
        return constants.DEFAULT_TAGS.get(self.level, "")

    @property
    def tags(self) -> str:
        """The extra tags and the level tag, space-separated (for a class attribute)."""
        return " ".join(tag for tag in (self.extra_tags, self.level_tag) if tag)


def encode(messages: list[Message]) -> list[list[Any]]:
    """Return messages as JSON-ready lists."""
    return [[m.level, m.message, m.extra_tags] for m in messages]


def decode(data: object) -> list[Message]:
    """Return the messages of `encode()`'s output; anything malformed is dropped."""
    if not isinstance(data, list):
        return []
    messages = []
    for item in data:
        if (
            isinstance(item, list)
            and len(item) == 3
            and isinstance(item[0], int)
            and isinstance(item[1], str)
            and isinstance(item[2], str)
        ):
            messages.append(Message(item[0], item[1], item[2]))
    return messages


class BaseStorage:
    """The messages of one request: those stored earlier, and those added now.

    Iterating marks them all as shown; `update()` (called by MessageMiddleware after the
    response) then stores only what was added since. Messages nobody iterated are kept.
    """

    def __init__(self, request: Request) -> None:
        self.request = request
        self.level = constants.DEFAULT_MINIMUM_LEVEL
        self.used = False
        self.added_new = False
        self._queued: list[Message] = []
        self._loaded: list[Message] | None = None

    def _get(self) -> list[Message]:
        """Return the messages stored by earlier requests."""
        raise NotImplementedError

    def _store(self, messages: list[Message], response: WebObResponse) -> None:
        """Keep `messages` for the next request (none: forget them)."""
        raise NotImplementedError

    @property
    def _loaded_messages(self) -> list[Message]:
        if self._loaded is None:
            self._loaded = self._get()
        return self._loaded

    def __iter__(self) -> Iterator[Message]:
        self.used = True
        if self._queued:
            self._loaded_messages.extend(self._queued)
            self._queued = []
        return iter(list(self._loaded_messages))

    def __len__(self) -> int:
        return len(self._loaded_messages) + len(self._queued)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __contains__(self, item: object) -> bool:
        return item in self._loaded_messages or item in self._queued

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: request={self.request!r}>"

    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        """Queue a message for display, unless its level is below `self.level`."""
        if level < self.level:
            return
        self.added_new = True
        self._queued.append(Message(int(level), str(message), str(extra_tags or "")))

    def update(self, response: WebObResponse) -> None:
        """Store what still has to be shown: the new messages if these were seen, else all."""
        if self.used:
            self._store(self._queued, response)
        elif self.added_new:
            self._store([*self._loaded_messages, *self._queued], response)
