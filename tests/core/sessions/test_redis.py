"""core.sessions.backends.redis: time to live, and a clear error without the package."""

from __future__ import annotations

import sys
from typing import Any

import pytest

import core.sessions.backends.redis as redis_backend
from core.exceptions import ImproperlyConfigured
from tests.core.sessions.conftest import REDIS_URL, redis_or_skip


def test_a_missing_redis_package_is_reported_clearly(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SESSION_REDIS_URL = "redis://127.0.0.1:1/0"
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setattr(redis_backend, "_clients", {})
    with pytest.raises(ImproperlyConfigured, match=r"pip install 'stoa\[redis\]'"):
        redis_backend.SessionStore().save()


def test_the_time_to_live_is_the_cookie_age(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    redis_or_skip()
    settings.SESSION_REDIS_URL = REDIS_URL
    settings.SESSION_COOKIE_AGE = 300
    store = redis_backend.SessionStore()
    store["colour"] = "blue"
    store.save()
    client = redis_backend.get_client()
    key = redis_backend.KEY_PREFIX + str(store.session_key)
    try:
        assert 290 < int(client.ttl(key)) <= 300  # type: ignore[arg-type]
    finally:
        client.delete(key)
