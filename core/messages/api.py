"""Add one-time messages in a view; read them in the next page's template.

from core import messages
messages.success(request, "Saved.")
"""

from __future__ import annotations

from typing import Any

from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.messages import constants
from core.messages.storage.base import BaseStorage, Message

ENVIRON_KEY = "stoa.messages"

__all__ = [
    "MessageFailure",
    "add_message",
    "debug",
    "error",
    "get_level",
    "get_messages",
    "info",
    "set_level",
    "success",
    "warning",
]


class MessageFailure(ImproperlyConfigured):
    """A message was added to a request that MessageMiddleware did not see."""


def get_storage(request: Request) -> BaseStorage | None:
    """Return the request's message storage (None without MessageMiddleware)."""
    storage: Any = request.environ.get(ENVIRON_KEY)
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, type) and issubclass(storage, BaseStorage):
        # MessageMiddleware leaves the class: the storage is made on first use.
        made = request.environ[ENVIRON_KEY] = storage(request)
        return made
    return None


def add_message(
    request: Request, level: int, message: str, extra_tags: str = "", *, fail_silently: bool = False
) -> None:
    """Queue `message` at `level` to be shown on the next page the visitor sees."""
    storage = get_storage(request)
    if storage is None:
        if fail_silently:
            return
        raise MessageFailure(
            "Cannot add a message: list 'core.middleware.messages.MessageMiddleware' in "
            "MIDDLEWARE (after SessionMiddleware)."
        )
    storage.add(level, message, extra_tags)


def get_messages(request: Request) -> BaseStorage | list[Message]:
    """Return the request's messages; iterating over them marks them as shown."""
    storage = get_storage(request)
    return storage if storage is not None else []


def get_level(request: Request) -> int:
    """Return the lowest level recorded for this request (INFO by default)."""
    storage = get_storage(request)
    return storage.level if storage is not None else constants.DEFAULT_MINIMUM_LEVEL


def set_level(request: Request, level: int) -> bool:
    """Record messages from `level` up in this request; False without MessageMiddleware."""
    storage = get_storage(request)
    if storage is None:
        return False
    storage.level = level
    return True


def debug(request: Request, message: str, extra_tags: str = "") -> None:
    """Add a DEBUG message (dropped unless set_level() lowered the level)."""
    add_message(request, constants.DEBUG, message, extra_tags)


def info(request: Request, message: str, extra_tags: str = "") -> None:
    """Add an INFO message."""
    add_message(request, constants.INFO, message, extra_tags)


def success(request: Request, message: str, extra_tags: str = "") -> None:
    """Add a SUCCESS message."""
    add_message(request, constants.SUCCESS, message, extra_tags)


def warning(request: Request, message: str, extra_tags: str = "") -> None:
    """Add a WARNING message."""
    add_message(request, constants.WARNING, message, extra_tags)


def error(request: Request, message: str, extra_tags: str = "") -> None:
    """Add an ERROR message."""
    add_message(request, constants.ERROR, message, extra_tags)
