"""`SessionBase`: the dict-like `request.session`, whatever keeps it between requests.

A backend's module defines `SessionStore(SessionBase)` and implements `load()`,
`exists()`, `save()` and `delete()`. The data is loaded on first access, so a request
that never touches the session costs nothing; values must be JSON-serialisable.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from core.conf import settings
from core.exceptions import SuspiciousOperation

# 32 random bytes, base64url-encoded: 43 characters.
KEY_BYTES = 32
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


class UpdateError(SuspiciousOperation):
    """The session was deleted (a logout in a concurrent request) before it could be saved.

    Saving would bring it back to life; the request gets a 400 instead.
    """


class CreateError(Exception):
    """A new session could not be created under the key chosen for it (a key collision)."""


def new_session_key() -> str:
    """Return a fresh random session key: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(KEY_BYTES)


def is_valid_key(key: object) -> bool:
    """Tell whether `key` has the shape of a key this site issues (cheap, no lookup)."""
    return isinstance(key, str) and _KEY_PATTERN.fullmatch(key) is not None


def now() -> datetime:
    """Return the current time, naive UTC (as the database columns store it)."""
    return datetime.now(UTC).replace(tzinfo=None)


class SessionBase(MutableMapping[str, Any]):
    """The session of one visitor: a mutable mapping saved by SessionMiddleware.

    `accessed` is set when the data is read or written (the response then varies on
    Cookie); `modified` when it changes (the response then saves it and sets the cookie).
    """

    # Whether `flush()` ends the session in storage, so that a copy of its cookie taken
    # earlier is worthless after it. A backend that keeps nothing on the server says no.
    revocable: ClassVar[bool] = True

    def __init__(self, session_key: str | None = None) -> None:
        self.session_key = session_key
        self.accessed = False
        self.modified = False
        self._cache: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} loaded={self._cache is not None}>"

    # The storage a backend implements.

    def load(self) -> dict[str, Any]:
        """Return the stored data of `session_key`; {} (and no key) if there is none."""
        raise NotImplementedError

    def exists(self, session_key: str) -> bool:
        """Tell whether a live session is stored under `session_key`."""
        raise NotImplementedError

    def decode_stored(self, stored: str | bytes | None) -> dict[str, Any]:
        """Return the data a backend found (JSON), or {} and no key when there is none.

        A missing, unreadable or non-object value means the key names no session: a
        key the client made up is never adopted.
        """
        try:
            data = json.loads(stored) if stored is not None else None
        except ValueError:
            data = None
        if not isinstance(data, dict):
            self.session_key = None
            return {}
        return data

    def save(self, must_create: bool = False) -> None:
        """Store the data, under a new key if there is none yet."""
        raise NotImplementedError

    def delete(self, session_key: str | None = None) -> None:
        """Delete the stored session of `session_key` (default: this one's)."""
        raise NotImplementedError

    # The mapping.

    @property
    def _session(self) -> dict[str, Any]:
        self.accessed = True
        if self._cache is None:
            self._cache = self.load() if self.session_key is not None else {}
        return self._cache

    def __getitem__(self, key: str) -> Any:
        return self._session[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._session[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._session[key]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._session))

    def __len__(self) -> int:
        return len(self._session)

    def __contains__(self, key: object) -> bool:
        return key in self._session

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value of `key`, or `default`."""
        return self._session.get(key, default)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove `key` and return its value (or `default` when it is absent)."""
        self.modified = self.modified or key in self._session
        return self._session.pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return the value of `key`, storing `default` first when it is absent."""
        if key in self._session:
            return self._session[key]
        self[key] = default
        return default

    def clear(self) -> None:
        """Empty the session, keeping its key (see `flush()` to end it)."""
        self._cache = {}
        self.accessed = self.modified = True

    # The session's life.

    def is_empty(self) -> bool:
        """Tell whether there is no session at all: no key and no data (loads nothing)."""
        return not self.session_key and not self._cache

    def get_expiry_age(self) -> int:
        """Return how many seconds the session lives after it was last saved."""
        return settings.SESSION_COOKIE_AGE

    def get_expiry_date(self) -> datetime:
        """Return when a session saved now expires (naive UTC)."""
        return now() + timedelta(seconds=self.get_expiry_age())

    def flush(self) -> None:
        """End the session: delete it from storage and empty it; a new key comes on save.

        Called at logout.
        """
        self._cache = {}
        self.accessed = self.modified = True
        if self.session_key is not None:
            self.delete()
        self.session_key = None

    def cycle_key(self) -> None:
        """Keep the data under a new key and delete the old one from storage.

        Called at login, so that a key planted before it (session fixation) is worthless.
        """
        data = self._session
        old_key = self.session_key
        self.session_key = None
        self._cache = data
        self.save(must_create=True)
        self.modified = True
        if old_key is not None:
            self.delete(old_key)

    @classmethod
    def clear_expired(cls) -> int | None:
        """Delete expired sessions from storage; None when the storage expires them itself."""
        return None
