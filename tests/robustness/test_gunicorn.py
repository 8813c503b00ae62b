"""The same bad input over a raw socket, to a new project under real gunicorn on 127.0.0.1.

What a server adds: a Location must reach the wire as ASCII bytes (gunicorn refuses to
send a header it cannot encode), and the 400 for a bad Host and the static files are
answered before any view runs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import (
    clean_env,
    free_port,
    log_tail,
    manage,
    raw_http,
    replace_in_file,
    running_server,
    start_project,
    status_of,
    wait_for_status,
)
from tests.robustness.conftest import SECURITY_HEADERS

pytestmark = pytest.mark.slow

START_TIMEOUT = 30
STYLESHEET = "/static/mysite/site.css"
VIEWS = """

from core.shortcuts import redirect


def cafe(request):
    return redirect("/articles/café/?q=\\u3000")


def to(request):
    return redirect(request.GET["to"])
"""
URLS = """
    path("cafe/", views.cafe),
    path("café/", views.cafe),
    path("to/", views.to),
]"""


@dataclass(frozen=True)
class Server:
    """A running gunicorn and its log."""

    port: int
    log: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve a new project (migrated, static files collected) with one gunicorn worker."""
    root = start_project(tmp_path_factory.mktemp("robustness"))
    with (root / "mysite" / "views.py").open("a") as views:
        views.write(VIEWS)
    replace_in_file(root / "mysite" / "urls.py", "\n]", URLS)
    for command in (["migrate"], ["collectstatic", "--noinput"]):
        result = manage(root, *command)
        assert result.returncode == 0, result.stderr
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "mysite.wsgi"]
    log = root / "gunicorn.log"
    env = clean_env(STOA_ALLOWED_HOSTS="localhost,127.0.0.1")
    with running_server(args, root, log, env):
        wait_for_status(port, 200, START_TIMEOUT)
        yield Server(port, log)
    assert "Traceback" not in log_tail(log, 400), log_tail(log)


@pytest.fixture
def port(server: Server) -> int:
    return server.port


def send(port: int, request: str | bytes, host: str = "127.0.0.1") -> tuple[int, dict[str, bytes]]:
    """Send one request (Connection: close); return the status and the raw header values."""
    head = request if isinstance(request, bytes) else request.encode()
    raw = raw_http(port, head + f"\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    status = status_of(raw)
    assert status is not None, raw[:200]
    lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
    headers = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.decode("ascii").lower()] = value.strip()
    return status, headers


def assert_secured(headers: dict[str, bytes]) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value.encode(), (name, headers)


def test_a_non_ascii_redirect_reaches_the_wire_encoded(port: int) -> None:
    status, headers = send(port, "GET /cafe/ HTTP/1.1")

    assert status == 302
    assert headers["location"] == b"/articles/caf%C3%A9/?q=%E3%80%80"


def test_append_slash_keeps_a_non_ascii_path_encoded(port: int) -> None:
    status, headers = send(port, "GET /caf%C3%A9?q=%E2%98%83 HTTP/1.1")

    assert status == 301
    assert headers["location"] == b"/caf%C3%A9/?q=%E2%98%83"


def test_a_javascript_redirect_is_400(port: int) -> None:
    status, headers = send(port, "GET /to/?to=javascript:alert(1) HTTP/1.1")

    assert status == 400
    assert "location" not in headers
    assert_secured(headers)


@pytest.mark.parametrize("path", ["/", STYLESHEET])
def test_a_bad_host_is_400_with_the_security_headers(port: int, path: str) -> None:
    status, headers = send(port, f"GET {path} HTTP/1.1", host="evil.com")

    assert status == 400
    assert_secured(headers)


@pytest.mark.parametrize(
    ("request_line", "expected"),
    [
        ("GET /nowhere/ HTTP/1.1", 404),
        ("TRACE / HTTP/1.1", 405),
        ("POST /accounts/login/ HTTP/1.1\r\nContent-Length: 0", 403),
        ("POST / HTTP/1.1\r\nContent-Length: 99999999", 413),
    ],
)
def test_error_pages_carry_the_security_headers(
    port: int, request_line: str, expected: int
) -> None:
    status, headers = send(port, request_line)

    assert status == expected
    assert_secured(headers)


def test_a_static_file_carries_the_security_headers(port: int) -> None:
    status, headers = send(port, f"GET {STYLESHEET} HTTP/1.1")

    assert status == 200
    assert_secured(headers)


def test_the_log_names_the_refusals(server: Server) -> None:
    send(server.port, "GET /to/?to=data:text/html,x HTTP/1.1")
    send(server.port, f"GET {STYLESHEET} HTTP/1.1", host="refused.example")

    text = server.log.read_text(errors="replace")
    assert "Refusing to redirect to 'data:text/html,x'" in text
    assert "Invalid HTTP_HOST header: 'refused.example'" in text
