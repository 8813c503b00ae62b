"""Maintenance mode: `manage.py down` makes every worker answer 503 until `manage.py up`.

The flag is a small JSON document (message, allowed addresses, Retry-After) kept where
every worker sees it: the cache named by MAINTENANCE_CACHE, else the default cache when
it is Redis (so every host sharing it goes down together), else a file
(MAINTENANCE_FILE, by default `.maintenance.json` beside manage.py). Workers look at it
at most once per MAINTENANCE_CHECK_INTERVAL seconds, so it takes effect without a
restart, within that interval.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.conf import settings
from core.exceptions import ImproperlyConfigured

CACHE_KEY = "stoa.maintenance"
REDIS_BACKEND = "core.cache.backends.redis.RedisCache"


@dataclass(frozen=True)
class Flag:
    """What `down` said: the message, who may still pass, and when to come back."""

    message: str = ""
    allow: list[str] = field(default_factory=list)
    retry_after: int = 60
    since: str = ""

    def allows(self, address: str | None) -> bool:
        """Say whether a client at `address` may pass (it is in one of the networks)."""
        if not address or not self.allow:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(network, strict=False) for network in self.allow)


def check_networks(values: list[str]) -> list[str]:
    """Return the addresses or networks, normalised; ValueError naming a bad one."""
    checked = []
    for value in values:
        try:
            checked.append(str(ipaddress.ip_network(value, strict=False)))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an IP address or network (e.g. 203.0.113.7 or 10.0.0.0/8)."
            ) from None
    return checked


# -- where the flag lives ------------------------------------------------------------------


def cache_alias() -> str | None:
    """Return the cache that holds the flag, or None when it is a file."""
    if settings.MAINTENANCE_CACHE:
        return str(settings.MAINTENANCE_CACHE)
    default = settings.CACHES.get("default", {})
    if isinstance(default, dict) and default.get("BACKEND") == REDIS_BACKEND:
        return "default"
    return None


def flag_file() -> Path:
    """Return MAINTENANCE_FILE, or `.maintenance.json` in the project's directory."""
    if settings.MAINTENANCE_FILE:
        return Path(settings.MAINTENANCE_FILE)
    top = settings.module_name.partition(".")[0]
    spec = importlib.util.find_spec(top) if top else None
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured(
            "Cannot tell where the maintenance flag lives: set MAINTENANCE_FILE (a path "
            "every worker can read) or MAINTENANCE_CACHE (a shared cache) in your settings."
        )
    return Path(next(iter(spec.submodule_search_locations))).resolve().parent / (
        ".maintenance.json"
    )


def where() -> str:
    """Describe where the flag lives, for the commands' output."""
    alias = cache_alias()
    return f"the {alias!r} cache" if alias else str(flag_file())


# -- reading and writing -------------------------------------------------------------------


def read_flag() -> Flag | None:
    """Return the flag, or None when the site is up (an unreadable flag counts as down)."""
    alias = cache_alias()
    if alias is not None:
        from core.cache import caches

        raw = caches[alias].get(CACHE_KEY)
    else:
        try:
            raw = flag_file().read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            return Flag()
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        return Flag(
            message=str(data.get("message", "")),
            allow=[str(network) for network in data.get("allow", [])],
            retry_after=int(data.get("retry_after", 60)),
            since=str(data.get("since", "")),
        )
    except (ValueError, TypeError, AttributeError):
        return Flag()  # half-written or edited by hand: down, with the defaults


def write_flag(flag: Flag) -> None:
    """Put the site down with `flag` (atomically: a worker never reads half of it)."""
    stamped = Flag(flag.message, flag.allow, flag.retry_after, datetime.now(UTC).isoformat())
    raw = json.dumps(asdict(stamped))
    alias = cache_alias()
    if alias is not None:
        from core.cache import caches

        caches[alias].set(CACHE_KEY, raw, None)
        return
    path = flag_file()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(raw, encoding="utf-8")
    temporary.replace(path)


def remove_flag() -> bool:
    """Bring the site up; return whether it was down."""
    alias = cache_alias()
    if alias is not None:
        from core.cache import caches

        return caches[alias].delete(CACHE_KEY)
    try:
        flag_file().unlink()
    except FileNotFoundError:
        return False
    return True


def flag_as_dict(flag: Flag) -> dict[str, Any]:
    """Return the flag as the commands show it."""
    return asdict(flag)


__all__ = ["Flag", "check_networks", "read_flag", "remove_flag", "where", "write_flag"]
