"""core.middleware.sessions through a real application, on every session backend."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from typing import Any

import pytest
from itsdangerous import TimestampSigner

import core.sessions.backends.db as db_backend
from core.middleware.sessions import SessionMiddleware
from core.sessions.base import now
from core.testing import Client
from tests.core.sessions.conftest import Site

MADE_UP_KEY = "A" * 43


def session_cookie(response: Any) -> str:
    """Return the Set-Cookie header of the session cookie."""
    cookies = [c for c in response.headers.getall("Set-Cookie") if c.startswith("sessionid=")]
    assert len(cookies) == 1, cookies
    return str(cookies[0])


def store_of(site: Site, key: str | None) -> Any:
    from core.middleware.sessions import get_session_store_class

    return get_session_store_class()(key)


def test_a_value_set_is_read_in_the_next_request(site: Site) -> None:
    client = site.client()
    assert client.get("/set/", {"key": "colour", "value": "blue"}).status_code == 200
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert response.text == "blue"


def test_a_modified_value_replaces_the_old_one(site: Site) -> None:
    client = site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    client.get("/set/", {"key": "colour", "value": "red"})
    assert client.get("/get/", {"key": "colour"}).text == "red"


def test_a_request_that_never_touches_the_session_gets_no_cookie(site: Site) -> None:
    response = site.client().get("/plain/")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers


def test_reading_the_session_varies_on_cookie_without_setting_one(site: Site) -> None:
    response = site.client().get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert "Cookie" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


def test_the_cookie_is_httponly_and_samesite_lax_by_default(site: Site) -> None:
    cookie = session_cookie(site.client().get("/set/", {"key": "a", "value": "1"}))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "secure" not in cookie.lower()
    assert "Max-Age=1209600" in cookie


def test_the_cookie_is_secure_when_configured(site: Site) -> None:
    client = site.client(SESSION_COOKIE_SECURE=True)
    cookie = session_cookie(client.get("/set/", {"key": "a", "value": "1"}))
    assert "secure" in cookie.lower()


def test_the_cookie_ends_with_the_browser_when_configured(site: Site) -> None:
    client = site.client(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
    cookie = session_cookie(client.get("/set/", {"key": "a", "value": "1"}))
    assert "Max-Age" not in cookie
    assert "expires" not in cookie.lower()


def test_flush_deletes_the_cookie_and_the_stored_session(site: Site) -> None:
    client = site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    old_key = client.cookies["sessionid"]
    response = client.get("/flush/")
    assert response.status_code == 200
    assert "Max-Age=0" in session_cookie(response)
    assert "sessionid" not in client.cookies
    if site.server_side:
        assert not store_of(site, None).exists(old_key)
    assert client.get("/get/", {"key": "colour"}).text == "(none)"


def test_cycle_key_keeps_the_data_under_a_new_key(site: Site) -> None:
    client = site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    old_key = client.cookies["sessionid"]
    time.sleep(1.01) if not site.server_side else None  # a signed cookie holds a timestamp
    assert client.get("/cycle/").status_code == 200
    assert client.cookies["sessionid"] != old_key
    assert client.get("/get/", {"key": "colour"}).text == "blue"


def test_cycle_key_deletes_the_old_key_on_the_server(site: Site) -> None:
    if not site.server_side:
        pytest.skip("a signed cookie has no server-side state to delete")
    client = site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    old_key = client.cookies["sessionid"]
    client.get("/cycle/")
    assert not store_of(site, None).exists(old_key)
    assert store_of(site, None).exists(client.cookies["sessionid"])


def test_a_tampered_cookie_is_an_anonymous_visitor(site: Site) -> None:
    client = site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    value = client.cookies["sessionid"]
    client.set_cookie("sessionid", value[:-2] + ("xy" if not value.endswith("xy") else "zz"))
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert response.text == "(none)"


@pytest.mark.parametrize("garbage", ["", "x", "A" * 5000, "%ff%fe", "..", "a.b.c"])
def test_a_garbage_cookie_is_an_anonymous_visitor(site: Site, garbage: str) -> None:
    client = site.client()
    client.set_cookie("sessionid", garbage)
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert response.text == "(none)"


def test_a_made_up_session_id_is_never_adopted(site: Site) -> None:
    client = site.client()
    client.set_cookie("sessionid", MADE_UP_KEY)
    response = client.get("/set/", {"key": "colour", "value": "blue"})
    assert response.status_code == 200
    assert client.cookies["sessionid"] != MADE_UP_KEY
    if site.server_side:
        assert not store_of(site, None).exists(MADE_UP_KEY)


def test_an_unknown_session_id_loses_its_cookie_when_read(site: Site) -> None:
    client = site.client()
    client.set_cookie("sessionid", MADE_UP_KEY)
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert "Max-Age=0" in session_cookie(response)


def test_server_side_keys_hold_32_random_bytes(site: Site) -> None:
    if not site.server_side:
        pytest.skip("a signed cookie carries the data, not a key")
    client = site.client()
    client.get("/set/", {"key": "a", "value": "1"})
    key = client.cookies["sessionid"]
    assert len(base64.urlsafe_b64decode(key + "=")) == 32


def test_an_expired_session_is_an_anonymous_visitor(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = site.client()
    later = time.time() + 14 * 24 * 3600 + 60
    if site.backend == "redis":
        site.settings.SESSION_COOKIE_AGE = 1
    client.get("/set/", {"key": "colour", "value": "blue"})
    if site.backend == "signed_cookies":
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(later))
    elif site.backend == "redis":
        time.sleep(1.2)
    else:
        monkeypatch.setattr(db_backend, "now", lambda: now() + timedelta(days=15))
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert response.text == "(none)"


def test_a_server_error_saves_nothing(site: Site) -> None:
    client = site.client()
    response = client.get("/fail/")
    assert response.status_code == 500
    assert "Set-Cookie" not in response.headers


def test_save_every_request_sends_the_cookie_again(site: Site) -> None:
    client = site.client(SESSION_SAVE_EVERY_REQUEST=True)
    client.get("/set/", {"key": "colour", "value": "blue"})
    response = client.get("/plain/")
    assert "sessionid=" in session_cookie(response)
    assert client.get("/get/", {"key": "colour"}).text == "blue"


def test_the_cookie_name_path_and_domain_come_from_settings(site: Site) -> None:
    client = site.client(
        SESSION_COOKIE_NAME="sid", SESSION_COOKIE_PATH="/app", SESSION_COOKIE_DOMAIN="example.com"
    )
    response = client.get("/set/", {"key": "a", "value": "1"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sid=")
    assert "Path=/app" in cookie
    assert "Domain=example.com" in cookie


def test_a_bad_samesite_setting_is_reported_at_startup(settings: Any) -> None:
    from core.exceptions import ImproperlyConfigured

    settings.SESSION_COOKIE_SAMESITE = "Sometimes"
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_SAMESITE"):
        SessionMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


def test_an_unknown_engine_is_reported_at_startup(settings: Any) -> None:
    from core.exceptions import ImproperlyConfigured

    settings.SESSION_ENGINE = "core.sessions.backends.memcache"
    with pytest.raises(ImproperlyConfigured, match="SESSION_ENGINE"):
        SessionMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


def test_clients_do_not_share_sessions(site: Site) -> None:
    first = site.client()
    first.get("/set/", {"key": "colour", "value": "blue"})
    second = Client(first.app, validate=False)
    assert second.get("/get/", {"key": "colour"}).text == "(none)"


def test_duplicated_session_cookies_are_an_anonymous_visitor(site: Site) -> None:
    client = site.client()
    response = client.get(
        "/get/", {"key": "colour"}, headers={"Cookie": "sessionid=one; sessionid=two"}
    )
    assert response.status_code == 200
    assert response.text == "(none)"
