"""A cache that keeps nothing: every get misses (for development, or to switch caching off)."""

from __future__ import annotations

from typing import Any

from core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


class DummyCache(BaseCache):
    """Accept every call, store nothing."""

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return `default`."""
        self.make_key(key, version)
        return default

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Store nothing."""
        self.make_key(key, version)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store nothing; say it was stored."""
        self.make_key(key, version)
        return True

    def delete(self, key: str, version: int | None = None) -> bool:
        """Nothing to delete."""
        self.make_key(key, version)
        return False

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Nothing to touch."""
        self.make_key(key, version)
        return False

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Always missing."""
        self.make_key(key, version)
        raise ValueError(f"Key {key!r} is not in the cache (the dummy cache keeps nothing).")

    def clear(self) -> None:
        """Nothing to clear."""
