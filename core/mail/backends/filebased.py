"""Write each email to a file of its own under EMAIL_FILE_PATH (one `.eml` per message)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.exceptions import ImproperlyConfigured
from core.mail.backends.base import BaseEmailBackend
from core.mail.message import as_bytes

if TYPE_CHECKING:
    from core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    """Save each message as `<time>-<random>.eml` in a directory."""

    def __init__(self, *, file_path: str | Path | None = None, **options: Any) -> None:
        super().__init__(**options)
        if file_path is None:
            from core.conf import settings

            file_path = settings.EMAIL_FILE_PATH
        if not file_path:
            raise ImproperlyConfigured(
                "The file email backend needs a directory: set EMAIL_FILE_PATH, "
                "e.g. EMAIL_FILE_PATH = BASE_DIR / 'sent-mail'."
            )
        self.directory = Path(file_path)
        if self.directory.exists() and not self.directory.is_dir():
            raise ImproperlyConfigured(
                f"EMAIL_FILE_PATH {str(self.directory)!r} is a file: name a directory."
            )

    def send_messages(
        self, messages: Sequence[EmailMessage], *, fail_silently: bool | None = None
    ) -> int:
        """Write the messages; return how many were written."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in messages:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            path = self.directory / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(as_bytes(message))
        return len(messages)
