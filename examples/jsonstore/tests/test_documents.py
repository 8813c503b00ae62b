"""The store's API through the test client: documents, parts, errors and ETags."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from webob import Request as WebObRequest

from core.handlers import WSGIHandler
from core.testing import Client

USERS = [{"name": "Ada", "langs": ["en"]}, {"name": "Grace", "langs": ["en", "fr"]}]


@pytest.fixture
def users(client: Client) -> str:
    """Store the `users` document; return its ETag."""
    response = client.put("/store/users", json=USERS)
    assert response.status_code == 201
    return str(response.headers["ETag"])


def test_a_new_document_is_created_then_read_whole(client: Client) -> None:
    created = client.put("/store/users", json=USERS)
    response = client.get("/store/users")

    assert created.status_code == 201
    assert response.status_code == 200
    assert response.json == USERS
    assert response.headers["ETag"] == created.headers["ETag"]


def test_a_part_is_read_by_its_path(client: Client, users: str) -> None:
    response = client.get("/store/users/1/name")

    assert response.status_code == 200
    assert response.json == "Grace"
    assert response.headers["ETag"] == users


def test_put_again_replaces_the_document(client: Client, users: str) -> None:
    response = client.put("/store/users", json={"replaced": True})

    assert response.status_code == 200
    assert client.get("/store/users").json == {"replaced": True}
    assert response.headers["ETag"] != users


def test_put_at_a_path_replaces_one_part(client: Client, users: str) -> None:
    response = client.put("/store/users/0/name", json="Ada Lovelace")

    assert response.status_code == 200
    assert response.json == "Ada Lovelace"
    assert client.get("/store/users/0").json == {"name": "Ada Lovelace", "langs": ["en"]}
    assert client.get("/store/users/1/name").json == "Grace"


def test_put_at_a_new_key_or_past_the_end_adds_it(client: Client, users: str) -> None:
    key = client.put("/store/users/0/born", json=1815)
    item = client.put("/store/users/-", json={"name": "Alan"})

    assert key.status_code == 201
    assert item.status_code == 201
    assert client.get("/store/users/0/born").json == 1815
    assert client.get("/store/users/2/name").json == "Alan"


def test_patch_merges_into_one_part(client: Client, users: str) -> None:
    response = client.request(
        "PATCH",
        "/store/users/1",
        data=b'{"name": "Grace Hopper", "langs": null}',
        content_type="application/merge-patch+json",
    )

    assert response.status_code == 200
    assert response.json == {"name": "Grace Hopper"}
    assert client.get("/store/users").json[1] == {"name": "Grace Hopper"}


def test_delete_removes_one_part(client: Client, users: str) -> None:
    response = client.delete("/store/users/1/langs/0")

    assert response.status_code == 204
    assert response.headers["ETag"] != users
    assert client.get("/store/users/1/langs").json == ["fr"]


def test_delete_removes_the_document(client: Client, users: str) -> None:
    response = client.delete("/store/users")

    assert response.status_code == 204
    assert client.get("/store/users").status_code == 404


def test_the_index_lists_the_documents(client: Client, users: str) -> None:
    client.put("/store/config", json={})

    response = client.get("/store/")

    assert response.status_code == 200
    assert [entry["name"] for entry in response.json["documents"]] == ["config", "users"]
    assert response.json["documents"][1] == {"name": "users", "etag": users, "url": "/store/users"}


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/store/nobody", "No document named 'nobody'."),
        ("/store/users/5", "users/5: the array has 2 items."),
        ("/store/users/0/email", "users/0/email: no key 'email'."),
        ("/store/users/first", "users/first: 'first' is not an array index (0, 1, 2, ...)."),
        ("/store/users/0/name/x", "users/0/name is a string, which has no parts."),
    ],
)
def test_a_missing_path_is_404(client: Client, users: str, path: str, message: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.json == {"error": message}


def test_writing_inside_a_missing_document_is_404(client: Client) -> None:
    response = client.put("/store/nobody/name", json="x")

    assert response.status_code == 404
    assert "No document named 'nobody'" in response.json["error"]
    assert client.get("/store/nobody").status_code == 404


def test_a_name_too_long_is_400(client: Client) -> None:
    response = client.put("/store/" + "n" * 101, json={})

    assert response.status_code == 400
    assert response.json == {"error": "A document name has at most 100 characters."}
    assert client.get("/store/" + "n" * 101).status_code == 404


def test_deleting_a_missing_part_is_404(client: Client, users: str) -> None:
    response = client.delete("/store/users/0/email")

    assert response.status_code == 404
    assert client.get("/store/users").headers["ETag"] == users


def test_escaped_keys_follow_rfc_6901(client: Client) -> None:
    client.put("/store/paths", json={"a/b": 1, "m~n": 2})

    assert client.get("/store/paths/a~1b").json == 1
    assert client.get("/store/paths/m~0n").json == 2
    assert client.get("/store/paths/m~2n").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"name": ', "The request body is not valid JSON: Expecting value"),
        (b"[NaN]", "The request body is not valid JSON: NaN is not a JSON value"),
        (b"[-Infinity]", "The request body is not valid JSON: -Infinity is not a JSON value"),
        (b"[" * 101 + b"]" * 101, "The document nests deeper than 100 levels."),
        (b"[" * 100_000 + b"]" * 100_000, "The request body is not valid JSON"),
        (b"\xff", "The request body is not valid JSON"),
        (b'{"k": "\\udfff"}', "The document holds a lone surrogate"),
        (b'{"\\ud800": 1}', "The document holds a lone surrogate"),
    ],
)
def test_bad_json_is_400_with_the_reason(client: Client, body: bytes, message: str) -> None:
    response = client.request("PUT", "/store/bad", data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json["error"].startswith(message)
    assert client.get("/store/bad").status_code == 404


def test_a_surrogate_pair_is_one_character(client: Client) -> None:
    response = client.request(
        "PUT", "/store/emoji", data=b'"\\ud83d\\ude00"', content_type="application/json"
    )

    assert response.status_code == 201
    assert client.get("/store/emoji").json == "\U0001f600"


def test_a_body_that_is_not_json_is_415(client: Client) -> None:
    response = client.put("/store/form", data={"name": "Ada"})

    assert response.status_code == 415
    assert response.json == {"error": "Send JSON with Content-Type: application/json."}


@pytest.fixture
def small_limit(settings: object) -> None:
    """Lower DATA_UPLOAD_MAX_MEMORY_SIZE to 100 bytes for the test's application."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # type: ignore[attr-defined]


def test_a_body_over_the_limit_is_413_unread(small_limit: None, client: Client) -> None:
    response = client.put("/store/big", json=["x" * 200])

    assert response.status_code == 413
    assert client.get("/store/big").status_code == 404


def test_a_document_may_not_grow_past_the_limit(small_limit: None, client: Client) -> None:
    client.put("/store/log", json=[])
    for _ in range(4):
        assert client.put("/store/log/-", json="x" * 20).status_code == 201

    response = client.put("/store/log/-", json="x" * 20)

    assert response.status_code == 413
    assert response.json["error"].startswith("The document would be 116 bytes; the limit is 100")
    assert len(client.get("/store/log").json) == 4


def test_get_answers_304_while_the_etag_matches(client: Client, users: str) -> None:
    fresh = client.get("/store/users", headers={"If-None-Match": users})
    client.put("/store/users/0/name", json="Ada Lovelace")
    stale = client.get("/store/users", headers={"If-None-Match": users})

    assert fresh.status_code == 304
    assert fresh.content == b""
    assert stale.status_code == 200


def test_a_write_with_the_current_etag_succeeds(client: Client, users: str) -> None:
    response = client.put("/store/users/0/name", json="Ada L.", headers={"If-Match": users})

    assert response.status_code == 200


def test_a_write_with_a_stale_etag_is_412(client: Client, users: str) -> None:
    current = client.put("/store/users/0/name", json="Ada L.").headers["ETag"]

    stale = [
        client.put("/store/users", json=[], headers={"If-Match": users}),
        client.patch("/store/users/0", json={"name": "A"}, headers={"If-Match": users}),
        client.delete("/store/users", headers={"If-Match": users}),
    ]

    assert [response.status_code for response in stale] == [412, 412, 412]
    assert stale[0].headers["ETag"] == current
    assert "The document changed" in stale[0].json["error"]
    assert client.get("/store/users/0/name").json == "Ada L."


def test_if_match_on_a_missing_document_is_412(client: Client) -> None:
    response = client.put("/store/new", json={}, headers={"If-Match": "*"})

    assert response.status_code == 412
    assert client.get("/store/new").status_code == 404


def test_if_none_match_star_creates_only(client: Client, users: str) -> None:
    created = client.put("/store/fresh", json=1, headers={"If-None-Match": "*"})
    again = client.put("/store/users", json=[], headers={"If-None-Match": "*"})

    assert created.status_code == 201
    assert again.status_code == 412
    assert client.get("/store/users").json == USERS


def test_the_home_page_redirects_to_the_index(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/store/"


def test_a_chunked_body_over_the_limit_is_413_with_the_reason(
    small_limit: None, app: WSGIHandler
) -> None:
    # No Content-Length, as gunicorn hands over a chunked body (wsgi.input_terminated):
    # the body is read up to the limit and no further, and the view says why it stopped.
    environ = WebObRequest.blank(
        "/store/big",
        method="PUT",
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        POST=None,
    ).environ
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    environ["wsgi.input"] = io.BytesIO(b'"' + b"x" * 500 + b'"')
    status: list[str] = []

    def start_response(
        line: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], object]:
        status.append(line)
        return lambda data: None

    body = b"".join(app(environ, start_response))

    assert status == ["413 Request Entity Too Large"]
    assert json.loads(body) == {
        "error": "The request body is over the limit of 100 bytes (DATA_UPLOAD_MAX_MEMORY_SIZE)."
    }
