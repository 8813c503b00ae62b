"""`BaseCache`: the cache API every backend provides (Django's names and meanings)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# "Use the cache's TIMEOUT": distinct from None, which means "never expire".
DEFAULT_TIMEOUT: Any = object()
MAX_KEY_LENGTH = 250
# A space or a control character: what memcached refuses, and a sign of an unhashed key.
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f]")


class InvalidCacheKey(ValueError):
    """A key too long, or holding spaces or control characters (memcached's rules)."""


class BaseCache:
    """Get, set and delete values by key, each with an optional timeout in seconds.

    A timeout of None keeps the value until it is deleted or pushed out; 0 (or less)
    expires it at once. Keys are prefixed with KEY_PREFIX and a version, so several
    sites (or versions of one) can share a server.
    """

    def __init__(self, params: Mapping[str, Any]) -> None:
        timeout = params.get("TIMEOUT", 300)
        self.default_timeout: float | None = timeout
        self.key_prefix = str(params.get("KEY_PREFIX", ""))
        self.version = int(params.get("VERSION", 1))
        self.options: dict[str, Any] = dict(params.get("OPTIONS", {}) or {})

    # -- keys and timeouts --------------------------------------------------------------

    def make_key(self, key: str, version: int | None = None) -> str:
        """Return the key as stored: `<prefix>:<version>:<key>`, checked."""
        if not isinstance(key, str):
            raise InvalidCacheKey(f"Cache keys are strings, not {type(key).__name__} ({key!r}).")
        full = f"{self.key_prefix}:{self.version if version is None else version}:{key}"
        if len(full) > MAX_KEY_LENGTH:
            raise InvalidCacheKey(
                f"The cache key {full[:40]!r}... is {len(full)} characters; the most is "
                f"{MAX_KEY_LENGTH}: hash long keys (hashlib.sha256(key.encode()).hexdigest())."
            )
        if _UNPRINTABLE.search(full):
            raise InvalidCacheKey(
                f"The cache key {full!r} holds a space or a control character: "
                f"use printable characters only (or hash the key)."
            )
        return full

    def expiry(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        """Return when a value set now with `timeout` expires (time.time()), or None."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return None
        return time.time() + float(timeout)

    # -- the API --------------------------------------------------------------------------

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value of `key`, or `default` when it is missing or expired."""
        raise NotImplementedError

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Store `value` under `key` for `timeout` seconds."""
        raise NotImplementedError

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store `value` only if `key` is missing; return whether it was stored."""
        raise NotImplementedError

    def delete(self, key: str, version: int | None = None) -> bool:
        """Remove `key`; return whether it was there."""
        raise NotImplementedError

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give `key` a new timeout; return whether it was there."""
        raise NotImplementedError

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to the integer under `key` and return it; ValueError if missing."""
        raise NotImplementedError

    def clear(self) -> None:
        """Remove every key of this cache."""
        raise NotImplementedError

    def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Subtract `delta` from the integer under `key` and return it."""
        return self.incr(key, -delta, version=version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        """Say whether `key` holds a value that has not expired."""
        return self.get(key, _MISSING, version=version) is not _MISSING

    def __contains__(self, key: str) -> bool:
        return self.has_key(key)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Return {key: value} for the keys that hold a value."""
        found = {key: self.get(key, _MISSING, version=version) for key in keys}
        return {key: value for key, value in found.items() if value is not _MISSING}

    def set_many(
        self,
        data: Mapping[str, Any],
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        """Store every item; return the keys that could not be stored (none here)."""
        for key, value in data.items():
            self.set(key, value, timeout, version=version)
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Remove every key."""
        for key in keys:
            self.delete(key, version=version)

    def get_or_set(
        self,
        key: str,
        default: Any | Callable[[], Any],
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> Any:
        """Return the value of `key`; if missing, store `default` (called if callable)."""
        value = self.get(key, _MISSING, version=version)
        if value is _MISSING:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout, version=version)
                return self.get(key, value, version=version)
        return value

    def close(self) -> None:
        """Release connections (at the end of a request, for backends that hold any)."""


_MISSING: Any = object()

__all__ = ["DEFAULT_TIMEOUT", "BaseCache", "InvalidCacheKey"]
