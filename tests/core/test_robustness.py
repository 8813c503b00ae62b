"""What bad input gets (ROBUSTNESS.md): a clear 4xx, nothing internal, the worker goes on."""

from __future__ import annotations

import gc
import io
import logging
import warnings
from typing import Any

import pytest

from core.http import JsonResponse, Request, Response
from core.testing import Client
from core.urls import path
from core.views import View

LIMIT = 100


class Hello(View):
    def get(self, request: Request) -> Response:
        return Response("Hello, world")

    def post(self, request: Request) -> Response:
        return Response(f"{len(request.POST)} fields")


class Echo(View):
    def post(self, request: Request) -> Response:
        return JsonResponse({"json": request.json})

    def put(self, request: Request) -> Response:
        return Response(request.body, content_type="application/octet-stream")


class Query(View):
    def get(self, request: Request) -> Response:
        return JsonResponse(dict(request.GET))


class Where(View):
    def get(self, request: Request) -> Response:
        return JsonResponse({"host": request.get_host(), "scheme": request.scheme})


class Cookies(View):
    def get(self, request: Request) -> Response:
        return JsonResponse({"cookies": dict(request.cookies)})


class Boom(View):
    def get(self, request: Request) -> Response:
        raise RuntimeError("kaboom: internal detail")


class BadHeader(View):
    def get(self, request: Request) -> Response:
        response = Response("x")
        response.headers["X-Injected"] = "a\r\nSet-Cookie: evil=1"
        return response


urlpatterns = [
    path("hello/", Hello.as_view()),
    path("echo/", Echo.as_view()),
    path("query/", Query.as_view()),
    path("where/", Where.as_view()),
    path("cookies/", Cookies.as_view()),
    path("boom/", Boom.as_view()),
    path("bad-header/", BadHeader.as_view()),
]


class UnreadableInput(io.RawIOBase):
    """A wsgi.input that fails the test if the application reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise AssertionError("the application read a body it should have refused")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the application read a body it should have refused")


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(
        ROOT_URLCONF=__name__,
        DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT,
        DATA_UPLOAD_MAX_NUMBER_FIELDS=10,
    )


@pytest.fixture
def forwarded_client(make_client: Any) -> Client:
    return make_client(ROOT_URLCONF=__name__, USE_X_FORWARDED_HOST=True)


def security_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name.startswith("stoa.security")]


# Hosts


@pytest.mark.parametrize(
    "host",
    [
        "evil.com",
        "a.com@b",
        "<x>",
        "a.com:abc",
        "localhost/x",
        "localhost?x",
        "localhost#x",
        "localhost@evil.com",
        "local host",
    ],
)
def test_bad_host_is_400(client: Client, host: str) -> None:
    response = client.get("/hello/", headers={"Host": host})

    assert response.status_code == 400
    assert "The request could not be understood" in response.text


def test_bad_host_is_logged_on_the_security_logger(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/hello/", headers={"Host": "evil.com"})

    records = security_records(caplog)
    assert len(records) == 1
    assert "evil.com" in records[0].getMessage()


def test_bad_host_is_not_echoed_to_the_client(client: Client) -> None:
    response = client.get("/hello/", headers={"Host": "<script>x</script>"})

    assert response.status_code == 400
    assert "script" not in response.text


def test_missing_host_is_400(make_client: Any, settings: Any) -> None:
    from core.handlers import WSGIHandler

    settings.ROOT_URLCONF = __name__
    client = Client(WSGIHandler(), host="")

    response = client.get("/hello/")

    assert response.status_code == 400


def test_missing_host_is_logged_on_the_security_logger(
    settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from core.handlers import WSGIHandler

    settings.ROOT_URLCONF = __name__
    Client(WSGIHandler(), host="").get("/hello/")

    assert len(security_records(caplog)) == 1


def test_bad_host_gets_no_redirect(client: Client) -> None:
    response = client.get("/hello", headers={"Host": "evil.com"})

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_redirects_are_relative_so_never_built_from_the_host(client: Client) -> None:
    response = client.get("/hello", headers={"Host": "www.example.com"})

    assert response.status_code == 301
    assert response.headers["Location"] == "/hello/"


def test_x_forwarded_host_is_ignored_by_default(client: Client) -> None:
    response = client.get("/where/", headers={"X-Forwarded-Host": "evil.com"})

    assert response.status_code == 200
    assert response.json["host"] == "localhost"


def test_x_forwarded_host_is_validated_when_trusted(forwarded_client: Client) -> None:
    response = forwarded_client.get("/where/", headers={"X-Forwarded-Host": "evil.com"})

    assert response.status_code == 400


def test_x_forwarded_host_is_used_when_trusted(forwarded_client: Client) -> None:
    response = forwarded_client.get("/where/", headers={"X-Forwarded-Host": "www.example.com"})

    assert response.status_code == 200
    assert response.json["host"] == "www.example.com"


def test_x_forwarded_proto_is_ignored_by_default(client: Client) -> None:
    response = client.get("/where/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response.json["scheme"] == "http"


def test_x_forwarded_proto_is_trusted_with_secure_proxy_ssl_header(make_client: Any) -> None:
    client = make_client(
        ROOT_URLCONF=__name__, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
    )

    response = client.get("/where/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response.json["scheme"] == "https"


# Paths and query strings


@pytest.mark.parametrize("target", ["/%ff", "/hello/%ff/", "/%c0%af", "/%e0%80%af/", "/%ed%a0%80/"])
def test_undecodable_path_is_a_client_error(client: Client, target: str) -> None:
    response = client.get(target)

    assert response.status_code in (400, 404)
    assert "Traceback" not in response.text


@pytest.mark.parametrize("query", ["a=%ff", "%ff=1", "a=%c0%af"])
def test_undecodable_query_is_400(client: Client, query: str) -> None:
    response = client.get(f"/query/?{query}")

    assert response.status_code == 400


def test_too_many_query_fields_is_400(client: Client) -> None:
    response = client.get("/query/", data={f"f{n}": "x" for n in range(11)})

    assert response.status_code == 400


# Methods


@pytest.mark.parametrize("method", ["FOO", "TRACE", "PROPFIND"])
def test_unknown_or_unsupported_method_is_405_with_allow(client: Client, method: str) -> None:
    response = client.request(method, "/hello/")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"


# Bodies


def test_declared_body_over_the_limit_is_413_without_reading_it(client: Client) -> None:
    response = client.post(
        "/echo/",
        headers={"Content-Type": "application/json"},
        environ={"wsgi.input": UnreadableInput(), "CONTENT_LENGTH": str(LIMIT * 1000)},
    )

    assert response.status_code == 413
    assert "The request is larger than this site accepts." in response.text


def test_declared_body_over_the_limit_is_413_even_on_an_unknown_path(client: Client) -> None:
    response = client.post(
        "/nowhere/",
        environ={"wsgi.input": UnreadableInput(), "CONTENT_LENGTH": str(LIMIT + 1)},
    )

    assert response.status_code == 413


def test_chunked_body_over_the_limit_is_413(client: Client) -> None:
    response = client.put(
        "/echo/",
        environ={"wsgi.input": io.BytesIO(b"x" * LIMIT * 10), "wsgi.input_terminated": True},
    )

    assert response.status_code == 413


def test_chunked_body_under_the_limit_is_served(client: Client) -> None:
    response = client.put(
        "/echo/",
        environ={"wsgi.input": io.BytesIO(b"chunked"), "wsgi.input_terminated": True},
    )

    assert response.status_code == 200
    assert response.content == b"chunked"


def test_body_shorter_than_content_length_is_400(client: Client) -> None:
    response = client.put("/echo/", data=b"0123456789", headers={"Content-Length": "50"})

    assert response.status_code == 400


def test_invalid_json_is_400(client: Client) -> None:
    response = client.post("/echo/", data=b"{oops", content_type="application/json")

    assert response.status_code == 400
    assert "Expecting" not in response.text


def test_deeply_nested_json_is_400(make_client: Any) -> None:
    client = make_client(ROOT_URLCONF=__name__)
    depth = 5_000  # far past the parser's recursion limit, under WebOb's 10 KB tempfile limit

    response = client.post(
        "/echo/", data=b"[" * depth + b"]" * depth, content_type="application/json"
    )

    assert response.status_code == 400


def test_large_body_leaves_no_file_open(make_client: Any) -> None:
    client = make_client(ROOT_URLCONF=__name__)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        status = client.put("/echo/", data=b"x" * 50_000).status_code
        gc.collect()

    assert status == 200
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_json_with_a_bogus_charset_is_400(client: Client) -> None:
    response = client.post("/echo/", data=b"{}", content_type="application/json; charset=bogus")

    assert response.status_code == 400


def test_too_many_form_fields_is_400(client: Client) -> None:
    response = client.post("/hello/", data={f"f{n}": "x" for n in range(11)})

    assert response.status_code == 400


def test_form_fields_up_to_the_limit_are_served(client: Client) -> None:
    response = client.post("/hello/", data={f"f{n}": "x" for n in range(10)})

    assert response.status_code == 200
    assert response.text == "10 fields"


def test_form_with_a_bogus_charset_is_400(client: Client) -> None:
    response = client.post(
        "/hello/", data=b"a=1", content_type="application/x-www-form-urlencoded; charset=bogus"
    )

    assert response.status_code == 400


def test_multipart_without_boundary_is_400(client: Client) -> None:
    response = client.post("/hello/", data=b"--x\r\n\r\n", content_type="multipart/form-data")

    assert response.status_code == 400


def test_multipart_part_without_a_name_is_400(client: Client) -> None:
    body = b"--xyz\r\nGarbage\r\n\r\nvalue\r\n--xyz--\r\n"

    response = client.post("/hello/", data=body, content_type="multipart/form-data; boundary=xyz")

    assert response.status_code == 400


# Cookies


@pytest.mark.parametrize(
    "cookie", ["a=%ff", "\xff\xfe=1", ";;;=;=", "a=1; a=2", "x" * 8000, "=novalue", 'q="unclosed']
)
def test_garbage_cookies_do_not_break_the_request(client: Client, cookie: str) -> None:
    response = client.get("/cookies/", headers={"Cookie": cookie})

    assert response.status_code == 200


# Responses the framework refuses to send


def test_header_with_cr_lf_set_by_a_view_is_refused(client: Client) -> None:
    response = client.get("/bad-header/")

    assert response.status_code == 500
    assert "X-Injected" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert "evil" not in response.text


def test_header_with_cr_lf_is_logged_with_the_view(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/bad-header/")

    assert f"{__name__}.BadHeader set the header 'X-Injected'" in caplog.text


def test_view_that_raises_is_a_500_without_detail(client: Client) -> None:
    response = client.get("/boom/")

    assert response.status_code == 500
    assert "kaboom" not in response.text
    assert "Traceback" not in response.text


def test_view_that_raises_is_logged_with_method_and_path(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/boom/", data={"page": "2"})

    records = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert [record.getMessage() for record in records] == ["Internal Server Error: GET /boom/"]
    assert records[0].exc_info is not None
    assert "kaboom: internal detail" in caplog.text


def test_head_of_a_server_error_has_no_body(client: Client) -> None:
    response = client.head("/boom/")

    assert response.status_code == 500
    assert response.content == b""


def test_the_worker_goes_on_serving_after_bad_input(client: Client) -> None:
    client.get("/boom/")
    client.get("/%ff")
    client.post("/echo/", data=b"{oops", content_type="application/json")

    response = client.get("/hello/")

    assert response.status_code == 200
    assert response.text == "Hello, world"
