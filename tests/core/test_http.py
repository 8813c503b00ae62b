"""Requests and responses: limits, strict decoding, JSON and HTML defaults."""

from __future__ import annotations

import io
from typing import Any

import pytest

from core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
)
from core.http import JsonResponse, Request, Response
from core.testing import Client


class UnreadableInput(io.RawIOBase):
    """A wsgi.input that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body was read")

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")


def post(body: bytes, content_type: str, **environ: Any) -> Request:
    return Request.blank(
        "/", method="POST", body=body, content_type=content_type, environ=environ or None
    )


def chunked(body: bytes) -> Request:
    request = Request.blank("/", method="PUT")
    request.environ.pop("CONTENT_LENGTH", None)
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["wsgi.input_terminated"] = True
    return request


@pytest.fixture
def small_body_limit(settings: Any) -> int:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    return 100


def test_response_defaults_to_utf8_html() -> None:
    response = Response("café")

    assert response.content_type == "text/html"
    assert response.charset.lower() == "utf-8"
    assert response.body == "café".encode()


def test_response_keeps_a_relative_location_as_set() -> None:
    client = Client(Response(status=302, location="/next/"))

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/next/"


def test_json_response_encodes_a_dict_compactly() -> None:
    response = JsonResponse({"a": 1, "b": [1, 2]})

    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.body == b'{"a":1,"b":[1,2]}'


def test_json_response_keeps_non_ascii_as_utf8() -> None:
    response = JsonResponse({"name": "café"})

    assert response.body == '{"name":"café"}'.encode()


def test_json_response_refuses_a_list_unless_safe_is_off() -> None:
    with pytest.raises(TypeError, match="safe=False"):
        JsonResponse([1, 2])


def test_json_response_sends_a_list_with_safe_off() -> None:
    response = JsonResponse([1, 2], safe=False)

    assert response.body == b"[1,2]"


def test_json_response_takes_a_status() -> None:
    response = JsonResponse({"error": "gone"}, status=410)

    assert response.status_code == 410


def test_undecodable_path_is_a_bad_request() -> None:
    request = Request.blank("/%ff")

    with pytest.raises(BadRequest, match="PATH_INFO"):
        _ = request.path_info


def test_overlong_utf8_in_path_is_a_bad_request() -> None:
    request = Request.blank("/%c0%af")

    with pytest.raises(BadRequest):
        _ = request.path_info


def test_undecodable_query_string_is_a_bad_request() -> None:
    request = Request.blank("/?a=%ff")

    with pytest.raises(BadRequest, match="query string"):
        _ = request.GET


def test_query_string_is_decoded_as_utf8() -> None:
    request = Request.blank("/?name=caf%C3%A9")

    assert request.GET["name"] == "café"


def test_too_many_query_fields_are_refused(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    request = Request.blank("/?a=1&b=2&c=3")

    with pytest.raises(TooManyFieldsSent):
        _ = request.GET


def test_fields_up_to_the_limit_are_accepted(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    request = Request.blank("/?a=1&b=2")

    assert dict(request.GET) == {"a": "1", "b": "2"}


def test_too_many_form_fields_are_refused(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    request = post(b"a=1&b=2&c=3", "application/x-www-form-urlencoded")

    with pytest.raises(TooManyFieldsSent):
        _ = request.POST


def test_form_with_a_bogus_charset_is_a_bad_request() -> None:
    request = post(b"a=1", "application/x-www-form-urlencoded; charset=bogus")

    with pytest.raises(BadRequest):
        _ = request.POST


def test_multipart_without_boundary_is_a_bad_request() -> None:
    request = post(b"--x\r\n\r\n", "multipart/form-data")

    with pytest.raises(BadRequest):
        _ = request.POST


def test_multipart_part_without_a_name_is_a_bad_request() -> None:
    body = b"--xyz\r\nGarbage\r\n\r\nvalue\r\n--xyz--\r\n"
    request = post(body, "multipart/form-data; boundary=xyz")

    with pytest.raises(BadRequest):
        _ = request.POST


def test_json_body_is_parsed() -> None:
    request = post(b'{"a": [1, 2]}', "application/json")

    assert request.json == {"a": [1, 2]}


def test_invalid_json_is_a_bad_request() -> None:
    request = post(b"{not json", "application/json")

    with pytest.raises(BadRequest, match="not valid JSON"):
        _ = request.json


def test_deeply_nested_json_is_a_bad_request() -> None:
    depth = 100_000
    request = post(b"[" * depth + b"]" * depth, "application/json")

    with pytest.raises(BadRequest):
        _ = request.json


def test_json_that_is_not_utf8_is_a_bad_request() -> None:
    request = post(b"\xff\xfe", "application/json")

    with pytest.raises(BadRequest):
        _ = request.json


def test_json_with_a_bogus_charset_is_a_bad_request() -> None:
    request = post(b'{"a": 1}', "application/json; charset=bogus")

    with pytest.raises(BadRequest):
        _ = request.json


def test_body_shorter_than_its_content_length_is_a_bad_request() -> None:
    request = Request.blank("/", method="POST", content_type="application/octet-stream")
    request.environ["CONTENT_LENGTH"] = "100"
    request.environ["wsgi.input"] = io.BytesIO(b"0123456789")

    with pytest.raises(BadRequest, match="shorter"):
        _ = request.body


def test_declared_body_over_the_limit_is_refused_without_reading(small_body_limit: int) -> None:
    request = Request.blank("/", method="POST")
    request.environ["CONTENT_LENGTH"] = str(small_body_limit + 1)
    request.environ["wsgi.input"] = UnreadableInput()

    with pytest.raises(RequestDataTooBig, match="DATA_UPLOAD_MAX_MEMORY_SIZE"):
        request.check_body_size()


def test_declared_body_at_the_limit_is_read(small_body_limit: int) -> None:
    request = post(b"x" * small_body_limit, "application/octet-stream")

    assert request.body == b"x" * small_body_limit


def test_chunked_body_over_the_limit_is_refused(small_body_limit: int) -> None:
    request = chunked(b"x" * (small_body_limit * 10))

    with pytest.raises(RequestDataTooBig):
        _ = request.body


def test_chunked_body_over_the_limit_is_read_only_up_to_the_limit(small_body_limit: int) -> None:
    stream = io.BytesIO(b"x" * (small_body_limit * 10))
    request = chunked(b"")
    request.environ["wsgi.input"] = stream

    with pytest.raises(RequestDataTooBig):
        request.check_body_size()
    assert stream.tell() == small_body_limit + 1


def test_chunked_body_under_the_limit_is_read(small_body_limit: int) -> None:
    request = chunked(b"hello")

    assert request.body == b"hello"


def test_no_limit_reads_any_body(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    request = post(b"x" * 10_000, "application/octet-stream")

    assert len(request.body) == 10_000


def test_get_host_returns_an_allowed_host() -> None:
    request = Request.blank("/", headers={"Host": "www.example.com:8000"})

    assert request.get_host() == "www.example.com:8000"


def test_get_host_refuses_a_host_not_allowed() -> None:
    request = Request.blank("/", headers={"Host": "evil.com"})

    with pytest.raises(DisallowedHost, match="ALLOWED_HOSTS"):
        request.get_host()
