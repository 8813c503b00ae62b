"""Where messages wait between requests: MESSAGE_STORAGE names one of these.

Each storage is imported when first named, so a project loads only the one it uses
(the cookie storage brings the signing machinery with it).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from core.messages.storage.base import BaseStorage, Message

if TYPE_CHECKING:
    from core.messages.storage.cookie import CookieStorage
    from core.messages.storage.session import SessionStorage

_LAZY = {
    "CookieStorage": "core.messages.storage.cookie",
    "SessionStorage": "core.messages.storage.session",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = ["BaseStorage", "CookieStorage", "Message", "SessionStorage"]
