"""JSON a client sends: what is not JSON is a 400, and what is JSON never becomes a 500."""

from __future__ import annotations

from typing import Any

import pytest

from core.handlers import WSGIHandler
from core.testing import Client


@pytest.fixture
def client(site: Any) -> Client:
    return Client(WSGIHandler())


def send(client: Client, body: bytes) -> Any:
    return client.request("POST", "/echo-json/", data=body, content_type="application/json")


@pytest.mark.parametrize("body", [b"NaN", b'{"a": Infinity}', b"[-Infinity]"])
def test_nan_and_infinity_are_not_json(client: Client, body: bytes) -> None:
    response = send(client, body)

    assert response.status_code == 400


def test_a_lone_surrogate_is_echoed_escaped_not_a_500(client: Client) -> None:
    response = send(client, b'"\\ud800 and \\udfff"')

    assert response.status_code == 200
    assert response.text == '{"got":"\\ud800 and \\udfff"}'


def test_ordinary_unicode_stays_as_it_is(client: Client) -> None:
    response = send(client, '"café ☕"'.encode())

    assert response.status_code == 200
    assert response.json == {"got": "café ☕"}
