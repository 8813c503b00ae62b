"""A cache in Redis (redis-py): shared by every worker and host that uses the server.

    CACHES = {"default": {
        "BACKEND": "core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }}

Integers are stored as Redis integers, so `incr()` is Redis's atomic INCRBY; other
values are pickled. `clear()` deletes this cache's keys (its KEY_PREFIX), not the whole
database. A connection pool per process; redis-py makes a new one after a fork.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from typing import Any

from core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from core.exceptions import ImproperlyConfigured

_PICKLED = b"\x80"  # every pickle of protocol 2 or later starts so; an integer never does


class RedisCache(BaseCache):
    """Keys in one Redis database, with timeouts as Redis expiries."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        try:
            import redis
        except ModuleNotFoundError:
            raise ImproperlyConfigured(
                "The Redis cache needs redis-py: pip install 'stoa[redis]' (or redis)."
            ) from None
        location = params.get("LOCATION") or "redis://127.0.0.1:6379/0"
        options = {"socket_timeout": 5, "socket_connect_timeout": 5, **self.options}
        # Typed loosely: redis-py's stubs mix the sync and async clients' return types.
        self.client: Any = redis.Redis.from_url(str(location), **options)

    def _ttl(self, timeout: Any) -> int | None:
        expiry = self.expiry(timeout)
        if expiry is None:
            return None
        import time

        return round((expiry - time.time()) * 1000)

    @staticmethod
    def _dump(value: Any) -> bytes | int:
        if type(value) is int:
            return value
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def _load(data: bytes | None, default: Any) -> Any:
        if data is None:
            return default
        if data.startswith(_PICKLED):
            return pickle.loads(data)  # noqa: S301 - written by this backend
        return int(data)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value of `key`, or `default`."""
        return self._load(self.client.get(self.make_key(key, version)), default)

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Store `value` under `key`."""
        full = self.make_key(key, version)
        ttl = self._ttl(timeout)
        if ttl is not None and ttl <= 0:
            self.client.delete(full)
            return
        self.client.set(full, self._dump(value), px=ttl)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store `value` if `key` is missing (SET NX)."""
        full = self.make_key(key, version)
        ttl = self._ttl(timeout)
        if ttl is not None and ttl <= 0:
            return not self.client.exists(full)
        return bool(self.client.set(full, self._dump(value), px=ttl, nx=True))

    def delete(self, key: str, version: int | None = None) -> bool:
        """Remove `key`."""
        return bool(self.client.delete(self.make_key(key, version)))

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give `key` a new timeout."""
        full = self.make_key(key, version)
        ttl = self._ttl(timeout)
        if ttl is None:
            return bool(self.client.persist(full)) or bool(self.client.exists(full))
        return bool(self.client.pexpire(full, max(ttl, 1)))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` atomically (INCRBY), keeping the key's expiry."""
        full = self.make_key(key, version)
        script = (
            "if redis.call('EXISTS', KEYS[1]) == 1 then "
            "return redis.call('INCRBY', KEYS[1], ARGV[1]) else return nil end"
        )
        try:
            value = self.client.eval(script, 1, full, delta)
        except Exception as exc:
            if "not an integer" in str(exc):
                raise ValueError(f"Key {key!r} does not hold an integer.") from None
            raise
        if value is None:
            raise ValueError(f"Key {key!r} is not in the cache: set it before incr().")
        return int(value)

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Return the values of the keys that have one (one MGET)."""
        wanted = list(keys)
        if not wanted:
            return {}
        values = self.client.mget([self.make_key(key, version) for key in wanted])
        missing = object()
        found = {key: self._load(data, missing) for key, data in zip(wanted, values, strict=True)}
        return {key: value for key, value in found.items() if value is not missing}

    def set_many(
        self,
        data: Mapping[str, Any],
        timeout: Any = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        """Store every item in one round trip (a pipeline)."""
        ttl = self._ttl(timeout)
        with self.client.pipeline() as pipe:
            for key, value in data.items():
                full = self.make_key(key, version)
                if ttl is not None and ttl <= 0:
                    pipe.delete(full)
                else:
                    pipe.set(full, self._dump(value), px=ttl)
            pipe.execute()
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Remove every key (one DEL)."""
        names = [self.make_key(key, version) for key in keys]
        if names:
            self.client.delete(*names)

    def clear(self) -> None:
        """Delete this cache's keys (those under its KEY_PREFIX), in batches."""
        pattern = f"{_glob_escape(self.key_prefix)}:*"
        batch: list[bytes] = []
        for name in self.client.scan_iter(match=pattern, count=500):
            batch.append(name)
            if len(batch) >= 500:
                self.client.delete(*batch)
                batch.clear()
        if batch:
            self.client.delete(*batch)

    def close(self) -> None:
        """Nothing to do per request: the pool keeps its connections."""


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
