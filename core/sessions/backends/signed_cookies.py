"""Sessions kept whole in a signed cookie: no server state (the default engine).

The cookie is signed with SECRET_KEY (and verifies with SECRET_KEY_FALLBACKS), carries
the time it was made, and is refused after SESSION_COOKIE_AGE. Its content is readable
by the visitor, never forgeable. A cookie cannot be revoked: `flush()` and `cycle_key()`
replace the visitor's cookie, but a copy taken earlier stays valid until it expires.
That is why `logout()` ends a user's sessions through the user row instead (see
core.auth.api.end_sessions).
"""

from __future__ import annotations

from typing import Any

from core import signing
from core.sessions.base import SessionBase

SALT = "core.sessions.signed_cookies"


class SessionStore(SessionBase):
    """A session whose `session_key` is the signed cookie value itself."""

    revocable = False

    def load(self) -> dict[str, Any]:
        """Return the data of a genuine, unexpired cookie; else {} (a new visitor)."""
        try:
            data = signing.loads(self.session_key or "", salt=SALT, max_age=self.get_expiry_age())
        except signing.BadSignature:
            data = None
        if not isinstance(data, dict):
            self.session_key = None
            return {}
        return data

    def is_empty(self) -> bool:
        """Tell whether there is nothing to keep: a cookie holding no data is no session."""
        if self._cache is not None:
            return not self._cache
        return not self.session_key

    def exists(self, session_key: str) -> bool:
        """Return False: there is nothing on the server a key could collide with."""
        return False

    def save(self, must_create: bool = False) -> None:
        """Sign the data into a new cookie value."""
        self.session_key = signing.dumps(self._session, salt=SALT, compress=True)
        self.modified = True

    def delete(self, session_key: str | None = None) -> None:
        """Forget the cookie value (nothing is stored on the server)."""
        if session_key is None:
            self._cache = {}
            self.session_key = None
            self.modified = True
