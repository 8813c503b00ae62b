"""The cache API on every backend that keeps data: local memory, the database and Redis."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from core.cache import BaseCache, InvalidCacheKey, cache, caches
from core.cache.backends import base
from core.cache.backends.db import DatabaseCache
from core.cache.backends.dummy import DummyCache
from core.cache.backends.locmem import LocMemCache
from core.exceptions import ImproperlyConfigured

REDIS_URL = "redis://127.0.0.1:6379/9"


def redis_or_skip() -> None:
    try:
        import redis
    except ModuleNotFoundError:
        pytest.skip("the redis package is not installed (pip install 'stoa[redis]')")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis server answers at {REDIS_URL} ({exc})")


@pytest.fixture(params=["locmem", "db", "redis"])
def backend(request: pytest.FixtureRequest, db: Any) -> Iterator[BaseCache]:
    """A fresh cache of each kind (its own location, table or key prefix)."""
    kind = request.param
    name = f"t{secrets.token_hex(4)}"
    if kind == "locmem":
        yield LocMemCache({"LOCATION": name, "OPTIONS": {"MAX_ENTRIES": 50}})
    elif kind == "db":
        cache = DatabaseCache({"LOCATION": f"cache_{name}", "OPTIONS": {"MAX_ENTRIES": 50}})
        cache.create_table()
        try:
            yield cache
        finally:
            cache.table.drop(cache.engine)
    else:
        redis_or_skip()
        from core.cache.backends.redis import RedisCache

        cache = RedisCache({"LOCATION": REDIS_URL, "KEY_PREFIX": name})
        try:
            yield cache
        finally:
            cache.clear()


def later(seconds: float) -> Any:
    """Pretend `seconds` have passed (for the backends that compare with time.time())."""
    return mock.patch.object(time, "time", return_value=time.time() + seconds)


def test_set_then_get(backend: BaseCache) -> None:
    backend.set("greeting", {"text": "hello", "n": [1, 2]})

    assert backend.get("greeting") == {"text": "hello", "n": [1, 2]}
    assert backend.get("missing") is None
    assert backend.get("missing", "fallback") == "fallback"


def test_values_of_every_kind_come_back_equal(backend: BaseCache) -> None:
    values = {"int": 7, "neg": -3, "big": 2**70, "bool": True, "float": 1.5, "none": None,
              "bytes": b"\x80\x00", "text": "héllo", "tuple": (1, "a")}  # fmt: skip
    backend.set_many(values)

    assert backend.get_many([*values, "absent"]) == values


def test_add_stores_only_when_missing(backend: BaseCache) -> None:
    assert backend.add("k", 1) is True
    assert backend.add("k", 2) is False
    assert backend.get("k") == 1


def test_delete_and_has_key(backend: BaseCache) -> None:
    backend.set("k", 1)

    assert backend.has_key("k")
    assert backend.delete("k") is True
    assert backend.delete("k") is False
    assert not backend.has_key("k")


def test_incr_and_decr(backend: BaseCache) -> None:
    backend.set("hits", 10)

    assert backend.incr("hits") == 11
    assert backend.incr("hits", 5) == 16
    assert backend.decr("hits", 6) == 10
    assert backend.get("hits") == 10
    with pytest.raises(ValueError, match="not in the cache"):
        backend.incr("nothing")


def test_incr_counts_every_concurrent_increment(backend: BaseCache) -> None:
    backend.set("count", 0)

    def bump() -> None:
        for _ in range(25):
            backend.incr("count")

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert backend.get("count") == 100


def test_delete_many_and_clear(backend: BaseCache) -> None:
    backend.set_many({"a": 1, "b": 2, "c": 3})

    backend.delete_many(["a", "b"])
    assert backend.get_many(["a", "b", "c"]) == {"c": 3}
    backend.clear()
    assert backend.get("c") is None


def test_get_or_set(backend: BaseCache) -> None:
    assert backend.get_or_set("k", lambda: "made") == "made"
    assert backend.get_or_set("k", "other") == "made"


def test_a_timeout_of_zero_keeps_nothing(backend: BaseCache) -> None:
    backend.set("k", 1, 0)

    assert backend.get("k") is None


def test_versions_are_separate(backend: BaseCache) -> None:
    backend.set("k", "one", version=1)
    backend.set("k", "two", version=2)

    assert (backend.get("k", version=1), backend.get("k", version=2)) == ("one", "two")


@pytest.mark.parametrize("key", ["a key", "tab\tkey", "nul\x00", "x" * 300])
def test_a_bad_key_is_refused_with_the_fix(backend: BaseCache, key: str) -> None:
    with pytest.raises(InvalidCacheKey, match="hash"):
        backend.set(key, 1)


def test_local_memory_values_expire() -> None:
    local = LocMemCache({"LOCATION": secrets.token_hex(4)})
    local.set("k", 1, 10)
    local.set("forever", 1, None)

    assert local.get("k") == 1
    with later(11):
        assert local.get("k") is None
        assert local.get("forever") == 1


def test_touch_gives_a_new_timeout() -> None:
    local = LocMemCache({"LOCATION": secrets.token_hex(4)})
    local.set("k", 1, 10)

    assert local.touch("k", 100)
    with later(50):
        assert local.get("k") == 1
    assert not local.touch("missing")


def test_database_values_expire(db: Any) -> None:
    table = DatabaseCache({"LOCATION": f"cache_{secrets.token_hex(4)}"})
    table.create_table()
    try:
        table.set("k", 1, 10)
        assert table.get("k") == 1
        with later(11):
            assert table.get("k") is None
            assert table.add("k", 2) is True
        assert table.get("k") == 2
    finally:
        table.table.drop(table.engine)


def test_redis_values_expire_and_touch_extends() -> None:
    redis_or_skip()
    from core.cache.backends.redis import RedisCache

    shared = RedisCache({"LOCATION": REDIS_URL, "KEY_PREFIX": secrets.token_hex(4)})
    try:
        shared.set("short", 1, 0.05)
        shared.set("k", 1, 0.05)
        assert shared.touch("k", 60)
        time.sleep(0.2)
        assert shared.get("short") is None
        assert shared.get("k") == 1
        assert shared.client.ttl(shared.make_key("k")) > 50
    finally:
        shared.clear()


def test_redis_clear_leaves_other_keys_alone() -> None:
    redis_or_skip()
    from core.cache.backends.redis import RedisCache

    mine = RedisCache({"LOCATION": REDIS_URL, "KEY_PREFIX": secrets.token_hex(4)})
    theirs = RedisCache({"LOCATION": REDIS_URL, "KEY_PREFIX": secrets.token_hex(4)})
    try:
        mine.set("k", 1)
        theirs.set("k", 2)
        mine.clear()
        assert (mine.get("k"), theirs.get("k")) == (None, 2)
    finally:
        theirs.clear()


def test_the_local_memory_cache_drops_the_least_recently_used() -> None:
    local = LocMemCache({"LOCATION": secrets.token_hex(4), "OPTIONS": {"MAX_ENTRIES": 3}})
    for key in "abc":
        local.set(key, key)
    local.get("a")
    local.set("d", "d")

    assert local.get_many(["a", "b", "c", "d"]) == {"a": "a", "c": "c", "d": "d"}


def test_the_database_cache_stays_within_max_entries(db: Any) -> None:
    table = DatabaseCache(
        {"LOCATION": f"cache_{secrets.token_hex(4)}", "OPTIONS": {"MAX_ENTRIES": 5}}
    )
    table.create_table()
    try:
        for n in range(12):
            table.set(f"k{n}", n)
        assert len(table.get_many([f"k{n}" for n in range(12)])) <= 5
        assert table.get("k11") == 11
    finally:
        table.table.drop(table.engine)


def test_local_memory_values_are_copies() -> None:
    local = LocMemCache({"LOCATION": secrets.token_hex(4)})
    value = [1]
    local.set("k", value)
    value.append(2)

    assert local.get("k") == [1]


def test_the_dummy_cache_keeps_nothing() -> None:
    dummy = DummyCache({})
    dummy.set("k", 1)

    assert dummy.get("k") is None
    assert dummy.add("k", 1) is True
    with pytest.raises(ValueError, match="keeps nothing"):
        dummy.incr("k")


def test_caches_follow_the_settings(settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.backends.locmem.LocMemCache", "TIMEOUT": 60},
        "other": {"BACKEND": "core.cache.backends.dummy.DummyCache"},
    }

    assert isinstance(caches["other"], DummyCache)
    assert caches["default"].default_timeout == 60
    cache.set("via-proxy", 1)
    assert caches["default"].get("via-proxy") == 1


def test_an_unknown_cache_alias_names_the_setting(settings: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"No cache named 'nope' in CACHES"):
        caches["nope"]


def test_a_misspelt_backend_names_the_setting(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "core.cache.backends.nope.Cache"}}

    with pytest.raises(ImproperlyConfigured, match=r"CACHES\['default'\]"):
        caches["default"]


def test_the_default_timeout_applies(settings: Any) -> None:
    local = LocMemCache({"LOCATION": secrets.token_hex(4), "TIMEOUT": 5})
    local.set("k", 1)

    with later(6):
        assert local.get("k") is None
    assert base.DEFAULT_TIMEOUT is not None


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"CACHES": {"other": {"BACKEND": "x.Y"}}}, "no 'default' cache"),
        ({"CACHES": {"default": {}}}, "needs a BACKEND"),
        ({"CACHES": {"default": {"BACKEND": "x.Y", "TIMEOUT": "300"}}}, "must be seconds"),
        ({"CACHES": {"default": {"BACKEND": "x.Y", "LOCACTION": "x"}}}, "unknown keys"),
        ({"MAINTENANCE_CHECK_INTERVAL": -1}, "0 or more seconds"),
        ({"MAINTENANCE_EXEMPT_PATHS": ["admin/"]}, "start it with '/'"),
        ({"MAINTENANCE_CACHE": "shared"}, "not in CACHES"),
    ],
)
def test_cache_and_maintenance_settings_are_checked_at_start_up(
    values: dict[str, Any], words: str
) -> None:
    from core.conf.validation import validate_settings

    base = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": ["*"],
        "DATABASES": {"default": "sqlite://"},
        "CACHES": {"default": {"BACKEND": "core.cache.backends.locmem.LocMemCache"}},
    }

    problems = validate_settings({**base, **values}, set(values))

    assert any(words in problem for problem in problems), problems
