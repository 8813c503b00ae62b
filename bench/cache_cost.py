"""Count the CPU instructions of a database page, uncached and served by cache_page().

    python bench/cache_cost.py [--calls N]

A project from `startproject` (full default stack, SQLite, migrated) gets a page that
reads twenty rows and renders them with a template (like the `fortunes` scenario), and
the same page behind `cache_page(60)`: in local memory, and in Redis when one answers on
127.0.0.1:6379. Counted by bench/request_cost.py; prints thousands of instructions per
request.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from request_cost import report

PROJECT = "cachesite"
SCENARIOS = ["uncached", "cached_locmem"]

VIEWS = """

from sqlalchemy import select

from core.auth.models import Group
from core.cache.decorators import cache_page
from core.shortcuts import render


def page(request):
    groups = request.db.scalars(select(Group).order_by(Group.name)).all()
    return render(request, "cachesite/groups.html", {"groups": groups})


cached_locmem = cache_page(60)(page)
cached_redis = cache_page(60, cache="redis")(page)
"""
URLS = '''"""URLs of the instruction count."""

from core.urls import path

from cachesite import views

urlpatterns = [
    path("page", views.page),
    path("cached_locmem", views.cached_locmem),
    path("cached_redis", views.cached_redis),
]
'''
TEMPLATE = """<!doctype html><title>Groups</title>
<table>{% for group in groups %}
<tr><td>{{ group.id }}</td><td>{{ group.name }}</td></tr>{% endfor %}
</table>
"""
SETTINGS = """

CACHES = {
    "default": {"BACKEND": "core.cache.backends.locmem.LocMemCache"},
    "redis": {"BACKEND": "core.cache.backends.redis.RedisCache",
              "LOCATION": "redis://127.0.0.1:6379/9", "KEY_PREFIX": "cache-cost"},
}
"""


def redis_answers() -> bool:
    """Say whether a Redis server answers on 127.0.0.1:6379."""
    try:
        import redis

        redis.Redis.from_url("redis://127.0.0.1:6379/9", socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - any failure means "no Redis"
        return False
    return True


if redis_answers():
    SCENARIOS.append("cached_redis")


def environs(app: Any, settings: Any) -> dict[str, tuple[dict[str, Any], bytes | None]]:
    """Add twenty rows and the template; return each scenario's environ."""
    from pathlib import Path

    from core.auth.models import Group
    from core.cache import caches
    from orm.session import session_scope

    from harness import make_environ

    templates = Path(settings.BASE_DIR) / PROJECT / "templates" / PROJECT
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "groups.html").write_text(TEMPLATE)
    with session_scope() as session:
        session.add_all(Group(name=f"group {n:02d} <&>") for n in range(20))
    if "cached_redis" in SCENARIOS:
        caches["redis"].clear()
    expected = b"group 19 &lt;&amp;&gt;"
    return {
        "uncached": (make_environ("/page", ""), expected),
        "cached_locmem": (make_environ("/cached_locmem", ""), expected),
        "cached_redis": (make_environ("/cached_redis", ""), expected),
    }


def main() -> None:
    """Count the scenarios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--calls", type=int, default=200, help="requests counted per scenario")
    args = parser.parse_args()
    report(sys.modules[__name__], args.calls)


if __name__ == "__main__":
    main()
