"""core.sessions.backends.signed_cookies: key rotation, and what the cookie holds."""

from __future__ import annotations

from typing import Any

from core import signing
from core.sessions.backends.signed_cookies import SALT
from tests.core.sessions.conftest import Site, make_site

OLD_KEY = "old-secret-key-0123456789-0123456789-0123456789"
NEW_KEY = "new-secret-key-0123456789-0123456789-0123456789"


def signed_site(settings: Any, tmp_path: Any, request: Any, monkeypatch: Any) -> Site:
    return make_site("signed_cookies", settings, tmp_path, request, monkeypatch)


def test_a_cookie_signed_with_a_fallback_key_still_reads(
    settings: Any, tmp_path: Any, request: Any, monkeypatch: Any
) -> None:
    site = signed_site(settings, tmp_path, request, monkeypatch)
    client = site.client(SECRET_KEY=OLD_KEY)
    client.get("/set/", {"key": "colour", "value": "blue"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    assert client.get("/get/", {"key": "colour"}).text == "blue"


def test_a_cookie_signed_with_a_retired_key_is_anonymous(
    settings: Any, tmp_path: Any, request: Any, monkeypatch: Any
) -> None:
    site = signed_site(settings, tmp_path, request, monkeypatch)
    client = site.client(SECRET_KEY=OLD_KEY)
    client.get("/set/", {"key": "colour", "value": "blue"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, []
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert response.text == "(none)"


def test_a_saved_session_is_signed_again_with_the_new_key(
    settings: Any, tmp_path: Any, request: Any, monkeypatch: Any
) -> None:
    site = signed_site(settings, tmp_path, request, monkeypatch)
    client = site.client(SECRET_KEY=OLD_KEY)
    client.get("/set/", {"key": "colour", "value": "blue"})
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]
    client.get("/set/", {"key": "size", "value": "L"})
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get("/get/", {"key": "colour"}).text == "blue"


def test_the_cookie_is_signed_for_sessions_only(
    settings: Any, tmp_path: Any, request: Any, monkeypatch: Any
) -> None:
    site = signed_site(settings, tmp_path, request, monkeypatch)
    client = site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    client.set_cookie("sessionid", signing.dumps({"colour": "forged"}, salt="another.purpose"))
    assert client.get("/get/", {"key": "colour"}).text == "(none)"


def test_a_session_emptied_of_its_data_loses_its_cookie(
    settings: Any, tmp_path: Any, request: Any, monkeypatch: Any
) -> None:
    site = signed_site(settings, tmp_path, request, monkeypatch)
    client = site.client()
    client.set_cookie("sessionid", signing.dumps({}, salt=SALT))
    response = client.get("/get/", {"key": "colour"})
    assert "Max-Age=0" in response.headers["Set-Cookie"]
