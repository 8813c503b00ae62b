"""Keep each email in `core.mail.outbox` (for tests: the `mailoutbox` fixture reads it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.mail.backends.base import BaseEmailBackend

if TYPE_CHECKING:
    from core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    """Append each message to `core.mail.outbox`, after building it as if sending it."""

    def send_messages(
        self, messages: Sequence[EmailMessage], *, fail_silently: bool | None = None
    ) -> int:
        """Record the messages; return how many were recorded."""
        from core import mail

        for message in messages:
            message.message()  # the same checks as a real send (headers, addresses)
            mail.outbox.append(message)
        return len(messages)
