"""One-time messages ("Saved.") shown on the visitor's next page.

    from core import messages
    messages.success(request, "Saved.")

Needs core.middleware.messages.MessageMiddleware; templates get them through the
`core.context_processors.messages` context processor. See docs/topics/messages.md.
"""

from __future__ import annotations

from core.messages.api import (
    MessageFailure,
    add_message,
    debug,
    error,
    get_level,
    get_messages,
    info,
    set_level,
    success,
    warning,
)
from core.messages.constants import DEBUG, DEFAULT_LEVELS, ERROR, INFO, SUCCESS, WARNING
from core.messages.storage.base import Message

__all__ = [
    "DEBUG",
    "DEFAULT_LEVELS",
    "ERROR",
    "INFO",
    "SUCCESS",
    "WARNING",
    "Message",
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
