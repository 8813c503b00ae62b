"""Messages kept in a signed cookie, `messages` (no session needed)."""

from __future__ import annotations

from typing import Literal, cast

from webob import Response as WebObResponse

from core import signing
from core.conf import settings
from core.messages.storage.base import BaseStorage, Message, decode, encode

COOKIE_NAME = "messages"
SALT = "core.messages.cookie"
# Browsers refuse cookies over 4096 bytes (name and attributes included).
MAX_COOKIE_SIZE = 2048

SameSite = Literal["Strict", "Lax", "None", "strict", "lax", "none"] | None


class CookieStorage(BaseStorage):
    """Store messages in a cookie signed with SECRET_KEY; the oldest go when it is full."""

    def _get(self) -> list[Message]:
        try:
            token = self.request.cookies.get(COOKIE_NAME)
        except (UnicodeError, ValueError):
            return []
        if not token:
            return []
        try:
            return decode(signing.loads(token, salt=SALT))
        except signing.BadSignature:
            return []  # tampered with or signed by another key: as if there were none

    def _store(self, messages: list[Message], response: WebObResponse) -> None:
        kept = list(messages)
        token = signing.dumps(encode(kept), salt=SALT, compress=True) if kept else ""
        while len(token) > MAX_COOKIE_SIZE and kept:
            kept.pop(0)
            token = signing.dumps(encode(kept), salt=SALT, compress=True) if kept else ""
        if token:
            self._set(response, token)
        elif self._sent():
            self._set(response, None)

    def _sent(self) -> bool:
        try:
            return bool(self.request.cookies.get(COOKIE_NAME))
        except (UnicodeError, ValueError):
            return False

    def _set(self, response: WebObResponse, token: str | None) -> None:
        # A browser-session cookie with the session cookie's attributes.
        response.set_cookie(
            COOKIE_NAME,
            token,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite=cast(SameSite, settings.SESSION_COOKIE_SAMESITE),
        )
