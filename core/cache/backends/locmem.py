"""A cache in this process's memory: fast, bounded (least recently used goes first).

Each process has its own: gunicorn workers do not share it. Caches with the same
LOCATION in one process share their store.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# LOCATION -> (values: key -> (expiry, pickled), lock), for every cache of the process.
_stores: dict[str, tuple[OrderedDict[str, tuple[float | None, bytes]], threading.Lock]] = {}
_stores_lock = threading.Lock()


class LocMemCache(BaseCache):
    """Values pickled (so callers never share a mutable object) in an LRU dictionary.

    OPTIONS["MAX_ENTRIES"] (300) bounds it; a full cache drops the least recently used.
    """

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.max_entries = int(self.options.get("MAX_ENTRIES", 300))
        location = str(params.get("LOCATION", ""))
        with _stores_lock:
            if location not in _stores:
                _stores[location] = (OrderedDict(), threading.Lock())
            self._values, self._lock = _stores[location]

    def _live(self, key: str) -> tuple[float | None, bytes] | None:
        item = self._values.get(key)
        if item is None:
            return None
        if item[0] is not None and item[0] <= time.time():
            del self._values[key]
            return None
        self._values.move_to_end(key)
        return item

    def _store(self, key: str, value: Any, timeout: Any) -> None:
        self._values[key] = (self.expiry(timeout), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self._values.move_to_end(key)
        while len(self._values) > self.max_entries:
            self._values.popitem(last=False)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value of `key`, or `default`."""
        full = self.make_key(key, version)
        with self._lock:
            item = self._live(full)
        return default if item is None else pickle.loads(item[1])  # noqa: S301 - our own data

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Store `value` under `key`."""
        full = self.make_key(key, version)
        with self._lock:
            self._store(full, value, timeout)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store `value` if `key` is missing."""
        full = self.make_key(key, version)
        with self._lock:
            if self._live(full) is not None:
                return False
            self._store(full, value, timeout)
            return True

    def delete(self, key: str, version: int | None = None) -> bool:
        """Remove `key`."""
        full = self.make_key(key, version)
        with self._lock:
            return self._values.pop(full, None) is not None

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give `key` a new timeout."""
        full = self.make_key(key, version)
        with self._lock:
            item = self._live(full)
            if item is None:
                return False
            self._values[full] = (self.expiry(timeout), item[1])
            return True

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to the integer under `key`."""
        full = self.make_key(key, version)
        with self._lock:
            item = self._live(full)
            if item is None:
                raise ValueError(f"Key {key!r} is not in the cache: set it before incr().")
            value = pickle.loads(item[1]) + delta  # noqa: S301 - our own data
            self._values[full] = (item[0], pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
            return int(value)

    def clear(self) -> None:
        """Remove every key of this cache's store."""
        with self._lock:
            self._values.clear()
