"""Where messages wait between requests: MESSAGE_STORAGE names one of these."""

from __future__ import annotations

from core.messages.storage.base import BaseStorage, Message
from core.messages.storage.cookie import CookieStorage
from core.messages.storage.session import SessionStorage

__all__ = ["BaseStorage", "CookieStorage", "Message", "SessionStorage"]
