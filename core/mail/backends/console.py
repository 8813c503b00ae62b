"""Write each email to standard output (the default with DEBUG on): nothing is sent."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from core.mail.backends.base import BaseEmailBackend

if TYPE_CHECKING:
    from core.mail.message import EmailMessage

SEPARATOR = "-" * 79


class EmailBackend(BaseEmailBackend):
    """Print each message, headers and body, followed by a line of dashes."""

    def __init__(self, *, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream
        self._lock = threading.Lock()

    def send_messages(
        self, messages: Sequence[EmailMessage], *, fail_silently: bool | None = None
    ) -> int:
        """Write the messages to the stream; return how many were written."""
        stream = self.stream or sys.stdout
        with self._lock:
            for message in messages:
                stream.write(message.message(readable=True).as_string())
                stream.write(f"\n{SEPARATOR}\n")
            stream.flush()
        return len(messages)
