"""Messages kept in `request.session` (needs SessionMiddleware outside MessageMiddleware)."""

from __future__ import annotations

from webob import Response as WebObResponse

from core.exceptions import ImproperlyConfigured
from core.messages.storage.base import BaseStorage, Message, decode, encode
from core.sessions.base import SessionBase

SESSION_KEY = "_messages"


class SessionStorage(BaseStorage):
    """Store messages under `_messages` in the visitor's session."""

    def _session(self) -> SessionBase:
        session = getattr(self.request, "session", None)
        if not isinstance(session, SessionBase):
            raise ImproperlyConfigured(
                "core.messages.storage.SessionStorage needs request.session: list "
                "'core.middleware.sessions.SessionMiddleware' in MIDDLEWARE before "
                "'core.middleware.messages.MessageMiddleware', or set MESSAGE_STORAGE to "
                "'core.messages.storage.CookieStorage'."
            )
        return session

    def _get(self) -> list[Message]:
        return decode(self._session().get(SESSION_KEY))

    def _store(self, messages: list[Message], response: WebObResponse) -> None:
        session = self._session()
        if messages:
            session[SESSION_KEY] = encode(messages)
        else:
            session.pop(SESSION_KEY, None)
