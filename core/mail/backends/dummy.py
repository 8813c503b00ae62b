"""Drop every email: nothing is sent or kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from core.mail.backends.base import BaseEmailBackend

if TYPE_CHECKING:
    from core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    """Accept the messages and do nothing with them."""

    def send_messages(
        self, messages: Sequence[EmailMessage], *, fail_silently: bool | None = None
    ) -> int:
        """Return how many messages there were."""
        return len(messages)
