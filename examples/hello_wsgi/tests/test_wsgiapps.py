"""The plain WSGI applications and the middleware, called in-process.

`Client` wraps every application in `wsgiref.validate.validator`, so each of these
tests also checks that the answer keeps to PEP 3333.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from core.testing import Client
from wsgiapps import echo, hello, reverse

if TYPE_CHECKING:
    from wsgiref.types import StartResponse


def test_hello_says_hello() -> None:
    response = Client(hello.application).get("/anything")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == "Hello, world!\n"


def test_echo_shows_the_request() -> None:
    response = Client(echo.application).request(
        "POST", "/a/b?x=1", data=b"ping", headers={"X-Custom": "yes"}
    )

    assert response.status_code == 200
    lines = response.text.splitlines()
    assert "REQUEST_METHOD = 'POST'" in lines
    assert "PATH_INFO = '/a/b'" in lines
    assert "QUERY_STRING = 'x=1'" in lines
    assert "HTTP_X_CUSTOM = 'yes'" in lines
    assert "CONTENT_LENGTH = '4'" in lines
    assert lines[-1] == "body = b'ping'"


def test_echo_leaves_out_what_is_not_the_request() -> None:
    response = Client(echo.application).get("/", environ={"SECRET_TOKEN": "hunter2"})

    assert "SECRET_TOKEN" not in response.text
    assert "wsgi.url_scheme = 'http'" in response.text


def test_echo_reads_no_further_than_its_limit() -> None:
    response = Client(echo.application).request("POST", "/", data=b"x" * (echo.MAX_BODY + 10))

    assert response.text.splitlines()[-1] == f"body = b'{'x' * echo.MAX_BODY}'"


def test_reverse_body_reverses_text() -> None:
    response = Client(reverse.application).get("/")

    assert response.status_code == 200
    assert response.text == "!dlrow ,olleH\n"
    assert response.headers["Content-Length"] == str(len(response.content))


def text_app(body: bytes, content_type: str) -> Any:
    """Return a WSGI application answering `body` with `content_type`."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", content_type)])
        return [body]

    return app


def test_reverse_body_reverses_characters_not_bytes() -> None:
    app = reverse.ReverseBody(text_app("café ☕".encode(), "text/plain"))

    assert Client(app).get("/").text == "☕ éfac"


def test_reverse_body_uses_the_declared_charset() -> None:
    app = reverse.ReverseBody(text_app("né".encode("latin-1"), "text/plain; charset=latin-1"))

    assert Client(app).get("/").content == "én".encode("latin-1")


def test_reverse_body_leaves_other_types_alone() -> None:
    app = reverse.ReverseBody(text_app(b"<p>hi</p>", "text/html"))

    assert Client(app).get("/").text == "<p>hi</p>"


def test_reverse_body_leaves_large_bodies_alone() -> None:
    app = reverse.ReverseBody(text_app(b"abc", "text/plain"), max_size=2)

    assert Client(app).get("/").text == "abc"


def test_reverse_body_collects_write_calls() -> None:
    def legacy(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"ab")
        return [b"cd"]

    assert Client(reverse.ReverseBody(legacy)).get("/").text == "dcba"


class Body:
    """A response iterable that records whether the server closed it."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"abc"

    def close(self) -> None:
        self.closed = True


def test_reverse_body_closes_the_applications_iterable() -> None:
    body = Body()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    response = Client(reverse.ReverseBody(app)).get("/")

    assert response.text == "cba"
    assert body.closed


def test_reverse_body_passes_exc_info_on() -> None:
    def failing(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise RuntimeError("found before the body was sent")
        except RuntimeError:
            import sys

            start_response(
                "500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info()
            )
        return [b"rorre"]

    response = Client(reverse.ReverseBody(failing)).get("/")

    assert response.status_code == 500
    assert response.text == "error"
