"""The cache framework: `caches["default"]`, `cache`, page caching and fragment caching.

    from core.cache import cache

    cache.set("greeting", "hello", 30)      # seconds; None keeps it, 0 drops it
    cache.get("greeting")                   # "hello", or None once expired

CACHES names the caches; the default is local memory (per process). See
`core.cache.backends` for Redis (shared by workers and hosts), the database and dummy.
Nothing here is imported unless a project uses it.
"""

from __future__ import annotations

import threading
from typing import Any

from core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache, InvalidCacheKey
from core.exceptions import ImproperlyConfigured

DEFAULT_CACHE_ALIAS = "default"


class CacheHandler:
    """Give `caches[alias]`: one backend instance per alias, made on first use.

    Instances are remade when the settings change (tests), and are shared by a
    process's threads (every backend is thread-safe).
    """

    def __init__(self) -> None:
        self._instances: dict[str, BaseCache] = {}
        self._generation = -1
        self._lock = threading.Lock()

    def __getitem__(self, alias: str) -> BaseCache:
        from core.conf import settings

        with self._lock:
            if self._generation != settings.generation:
                self._instances, self._generation = {}, settings.generation
            found = self._instances.get(alias)
            if found is None:
                found = self._instances[alias] = self._create(alias, settings.CACHES)
        return found

    def _create(self, alias: str, configured: dict[str, Any]) -> BaseCache:
        from core.utils import import_string

        params = configured.get(alias)
        if params is None:
            names = ", ".join(sorted(configured)) or "none"
            raise ImproperlyConfigured(
                f"No cache named {alias!r} in CACHES (it has: {names}): add "
                f"CACHES[{alias!r}] = {{'BACKEND': ...}} to your settings."
            )
        backend = import_string(str(params.get("BACKEND", "")), setting=f"CACHES[{alias!r}]")
        instance: BaseCache = backend(params)
        return instance

    def all(self) -> list[BaseCache]:
        """Return the caches made so far."""
        return list(self._instances.values())


caches = CacheHandler()


class _DefaultCache:
    """`cache`: the default cache, looked up on each use (so it follows the settings)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(caches[DEFAULT_CACHE_ALIAS], name)

    def __contains__(self, key: str) -> bool:
        return key in caches[DEFAULT_CACHE_ALIAS]


cache: Any = _DefaultCache()

__all__ = [
    "DEFAULT_CACHE_ALIAS",
    "DEFAULT_TIMEOUT",
    "BaseCache",
    "CacheHandler",
    "InvalidCacheKey",
    "cache",
    "caches",
]
