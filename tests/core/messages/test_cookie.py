"""core.messages.storage.CookieStorage: a signed cookie, refused when tampered with."""

from __future__ import annotations

from typing import Any

import pytest

from core import signing
from core.handlers import WSGIHandler
from core.testing import Client
from tests.core.messages.conftest import MIDDLEWARE


@pytest.fixture
def client(settings: Any) -> Client:
    settings.ROOT_URLCONF = "tests.core.messages.urls"
    settings.MIDDLEWARE = MIDDLEWARE
    settings.MESSAGE_STORAGE = "core.messages.storage.CookieStorage"
    return Client(WSGIHandler())


def test_messages_travel_in_a_signed_httponly_cookie(client: Client) -> None:
    response = client.get("/add/", {"text": "Saved."})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("messages=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_a_tampered_cookie_is_ignored(client: Client) -> None:
    client.get("/add/", {"text": "Saved."})
    client.set_cookie("messages", client.cookies["messages"][:-3] + "abc")
    response = client.get("/show/")
    assert response.status_code == 200
    assert response.text == ""


def test_a_forged_cookie_signed_for_another_purpose_is_ignored(client: Client) -> None:
    client.set_cookie("messages", signing.dumps([[25, "Forged.", ""]], salt="core.sessions.x"))
    assert client.get("/show/").text == ""


@pytest.mark.parametrize("garbage", ["x", "%ff", "a.b.c", "A" * 3000])
def test_a_garbage_cookie_is_ignored(client: Client, garbage: str) -> None:
    client.set_cookie("messages", garbage)
    response = client.get("/show/")
    assert response.status_code == 200
    assert response.text == ""


def test_the_oldest_messages_go_when_the_cookie_would_be_too_big(client: Client) -> None:
    import secrets

    for index in range(40):
        client.get("/add/", {"text": f"{index}:{secrets.token_hex(40)}"})
    shown = client.get("/show/").text.split(" | ")
    assert 0 < len(shown) < 40
    assert shown[-1].startswith("success:39:")
