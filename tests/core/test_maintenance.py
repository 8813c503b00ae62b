"""Maintenance mode: the flag (file or cache), the middleware, and `down` / `up`."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from core import maintenance
from core.handlers import WSGIHandler
from core.testing import Client
from tests.helpers import call_command

STACK = [
    "core.middleware.security.SecurityMiddleware",
    "core.middleware.maintenance.MaintenanceMiddleware",
    "core.middleware.db.DatabaseMiddleware",
]


@pytest.fixture
def site(settings: Any, tmp_path: Path) -> Any:
    settings.MIDDLEWARE = STACK
    settings.MAINTENANCE_FILE = str(tmp_path / "flag.json")
    settings.MAINTENANCE_CHECK_INTERVAL = 0
    return settings


def client(**kwargs: Any) -> Client:
    return Client(WSGIHandler(), **kwargs)


def test_the_site_is_up_without_a_flag(site: Any) -> None:
    assert client().get("/hello/").status_code == 200


def test_down_answers_503_with_retry_after_and_the_message(site: Any) -> None:
    result = call_command("down", "--message", "Back at <noon> & later", "--retry-after", "300")

    response = client().get("/hello/")

    assert result.code == 0, result.err
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "300"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Back at &lt;noon&gt; &amp; later" in response.text
    assert "5 minutes" in response.text


def test_the_page_carries_the_security_headers(site: Any) -> None:
    call_command("down")

    response = client().get("/hello/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_every_method_gets_the_503(site: Any) -> None:
    call_command("down")

    assert client().post("/echo/", {"a": "1"}).status_code == 503


def test_up_brings_the_site_back(site: Any) -> None:
    call_command("down")
    result = call_command("up")

    assert result.code == 0
    assert "The site is up" in result.out
    assert client().get("/hello/").status_code == 200


def test_up_when_not_down_says_so(site: Any) -> None:
    result = call_command("up")

    assert result.code == 0
    assert "was not down" in result.out


def test_allowed_addresses_still_get_the_site(site: Any) -> None:
    call_command("down", "--allow", "10.0.0.0/8", "--allow", "192.0.2.7")

    inside = client().get("/hello/", environ={"REMOTE_ADDR": "10.1.2.3"})
    single = client().get("/hello/", environ={"REMOTE_ADDR": "192.0.2.7"})
    outside = client().get("/hello/", environ={"REMOTE_ADDR": "192.0.2.8"})

    assert (inside.status_code, single.status_code, outside.status_code) == (200, 200, 503)


def test_a_forged_forwarded_for_does_not_pass(site: Any) -> None:
    call_command("down", "--allow", "10.0.0.1")

    forged = client(headers={"X-Forwarded-For": "10.0.0.1"}).get("/hello/")

    assert forged.status_code == 503


def test_exempt_paths_stay_up(site: Any) -> None:
    site.MAINTENANCE_EXEMPT_PATHS = ["/hel"]
    call_command("down")

    assert client().get("/hello/").status_code == 200
    assert client().get("/echo/").status_code == 503


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--allow", "not-an-ip"], "not an IP address"),
        (["--retry-after", "0"], "1 second or more"),
        (["--retry-after", "soon"], "invalid int value"),
        (["--message", "two\nlines"], "one line"),
    ],
)
def test_bad_arguments_are_one_line(site: Any, args: list[str], words: str) -> None:
    result = call_command("down", *args)

    assert result.code != 0
    assert words in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert maintenance.read_flag() is None


def test_a_damaged_flag_keeps_the_site_down(site: Any) -> None:
    Path(site.MAINTENANCE_FILE).write_text("{not json", encoding="utf-8")

    response = client().get("/hello/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"


def test_the_flag_is_read_at_most_once_per_interval(site: Any) -> None:
    site.MAINTENANCE_CHECK_INTERVAL = 3600
    app = client()
    app.get("/hello/")
    call_command("down")

    assert app.get("/hello/").status_code == 200  # not looked at again yet
    assert client().get("/hello/").status_code == 503  # a new worker sees it


def test_the_flag_lives_in_the_cache_when_the_default_cache_is_redis(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": secrets.token_hex(4),
        }
    }

    assert maintenance.cache_alias() == "default"
    assert maintenance.where() == "the 'default' cache"


def test_the_flag_can_live_in_any_named_cache(site: Any) -> None:
    site.CACHES = {
        "default": {"BACKEND": "core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "core.cache.backends.locmem.LocMemCache",
            "LOCATION": secrets.token_hex(4),
        },
    }
    site.MAINTENANCE_CACHE = "shared"

    call_command("down", "-m", "cache")

    assert not Path(site.MAINTENANCE_FILE).exists()
    assert client().get("/hello/").status_code == 503
    call_command("up")
    assert client().get("/hello/").status_code == 200


def test_the_default_flag_file_is_beside_the_project(settings: Any) -> None:
    settings.MAINTENANCE_FILE = None

    assert maintenance.flag_file().name == ".maintenance.json"
    assert maintenance.flag_file().parent == Path(__file__).resolve().parents[2]


def test_down_and_up_through_a_real_redis(site: Any) -> None:
    from tests.core.cache.test_backends import REDIS_URL, redis_or_skip

    redis_or_skip()
    site.CACHES = {
        "default": {
            "BACKEND": "core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": secrets.token_hex(4),
        }
    }

    down = call_command("down", "-m", "shared by every host")
    page = client().get("/hello/")
    call_command("up")

    assert "the 'default' cache" in down.out
    assert page.status_code == 503
    assert "shared by every host" in page.text
    assert not Path(site.MAINTENANCE_FILE).exists()
    assert client().get("/hello/").status_code == 200
