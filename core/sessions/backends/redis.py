"""Sessions kept in Redis (SESSION_REDIS_URL), expiring on their own after SESSION_COOKIE_AGE.

Needs the `redis` package: pip install 'stoa[redis]'. One connection pool per process
and URL; redis-py replaces it in a worker forked from the process that made it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.sessions.base import CreateError, SessionBase, UpdateError, is_valid_key, new_session_key

if TYPE_CHECKING:
    from redis import Redis

KEY_PREFIX = "stoa:session:"

_clients: dict[str, Redis] = {}


def get_client() -> Redis:
    """Return the Redis client of SESSION_REDIS_URL, made on first use."""
    url = settings.SESSION_REDIS_URL
    client = _clients.get(url)
    if client is None:
        try:
            from redis import Redis
        except ImportError:
            raise ImproperlyConfigured(
                "SESSION_ENGINE is 'core.sessions.backends.redis', which needs the redis "
                "package: pip install 'stoa[redis]' (or pip install redis)."
            ) from None
        client = _clients[url] = Redis.from_url(url)
    return client


class SessionStore(SessionBase):
    """A session stored under `stoa:session:<key>` with a time to live."""

    def load(self) -> dict[str, Any]:
        """Return the data of a live session; {} and no key for an unknown one."""
        stored = None
        if is_valid_key(self.session_key):
            stored = cast(bytes | None, get_client().get(KEY_PREFIX + str(self.session_key)))
        return self.decode_stored(stored)

    def exists(self, session_key: str) -> bool:
        """Tell whether a live session is stored under `session_key`."""
        return is_valid_key(session_key) and bool(get_client().exists(KEY_PREFIX + session_key))

    def save(self, must_create: bool = False) -> None:
        """Store the data with a fresh time to live, under a new key if there is none.

        Raise UpdateError if the key vanished meanwhile (a concurrent logout), rather
        than bring the session back.
        """
        data = json.dumps(self._session, separators=(",", ":"))
        client = get_client()
        ttl = self.get_expiry_age()
        if must_create or self.session_key is None:
            for _attempt in range(3):
                key = new_session_key()
                if client.set(KEY_PREFIX + key, data, ex=ttl, nx=True):
                    self.session_key = key
                    self.modified = True
                    return
            raise CreateError("Could not find an unused session key.")
        if not client.set(KEY_PREFIX + self.session_key, data, ex=ttl, xx=True):
            raise UpdateError("The session was deleted before the request completed.")

    def delete(self, session_key: str | None = None) -> None:
        """Delete the stored session of `session_key` (default: this session's)."""
        key = session_key if session_key is not None else self.session_key
        if is_valid_key(key):
            get_client().delete(KEY_PREFIX + str(key))
