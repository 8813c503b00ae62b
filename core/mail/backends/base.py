"""`BaseEmailBackend`: the interface every email backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.mail.message import EmailMessage


class MailError(Exception):
    """An email could not be sent: the message says where it failed and what to check."""


class BaseEmailBackend:
    """Send messages; usable as a context manager that opens and closes one connection."""

    def __init__(self, *, fail_silently: bool = False, **options: Any) -> None:
        self.fail_silently = fail_silently

    def open(self) -> bool:
        """Open a connection if the backend has one; return True if this call opened it."""
        return False

    def close(self) -> None:
        """Close the connection, if one is open."""

    def send_messages(
        self, messages: Sequence[EmailMessage], *, fail_silently: bool | None = None
    ) -> int:
        """Send the messages; return how many were sent."""
        raise NotImplementedError(
            f"{type(self).__name__} must define send_messages(messages, fail_silently=None)."
        )

    def __enter__(self) -> BaseEmailBackend:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
