"""A new project served through asgi.py by a real uvicorn, and by gunicorn's uvicorn worker.

Each server runs on 127.0.0.1 with one worker, is stopped after the module, and is
bounded in time: every request has a timeout, and no assertion depends on how long
anything took.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import (
    PYTHON,
    clean_env,
    free_port,
    http_request,
    log_tail,
    manage,
    raw_http,
    replace_in_file,
    running_server,
    start_project,
    status_of,
    wait_for,
    wait_for_status,
)

pytest.importorskip("uvicorn", reason="uvicorn is not installed: pip install 'stoa[asgi]'")

pytestmark = pytest.mark.slow

START_TIMEOUT = 30
REQUEST_TIMEOUT = 15
BIN = Path(PYTHON).parent

VIEWS = """

import asyncio
import threading

from sqlalchemy import func, select

from core.auth.models import User
from core.csrf import get_token
from core.http import JsonResponse, Response
from core.views import View

released = asyncio.Event()
sync_released = threading.Event()


def plaintext(request):
    return Response(b"Hello, World!", content_type="text/plain")


class Json(View):
    async def get(self, request):
        return JsonResponse({"message": "Hello, World!"})


class Users(View):
    def get(self, request):
        count = request.db.execute(select(func.count()).select_from(User)).scalar_one()
        return JsonResponse({"users": count})


class AsyncUsers(View):
    async def get(self, request):
        result = await request.adb.execute(select(func.count()).select_from(User))
        return JsonResponse({"users": result.scalar_one()})


class Form(View):
    def get(self, request):
        return Response(get_token(request), content_type="text/plain")

    def post(self, request):
        return Response(f"hello {request.POST['name']}", content_type="text/plain")


def stream(request):
    def chunks():
        for number in range(3):
            yield f"chunk {number}\\n".encode()

    return Response(app_iter=chunks(), content_type="text/plain")


waiting = {"async": 0, "sync": 0}


class Held(View):
    async def get(self, request):
        waiting["async"] += 1
        await released.wait()
        released.clear()
        waiting["async"] -= 1
        return Response("released", content_type="text/plain")


class Release(View):
    async def get(self, request):
        released.set()
        return Response("ok", content_type="text/plain")


def held_sync(request):
    waiting["sync"] += 1
    sync_released.wait(30)
    sync_released.clear()
    waiting["sync"] -= 1
    return Response("released", content_type="text/plain")


def release_sync(request):
    sync_released.set()
    return Response("ok", content_type="text/plain")


def waiters(request, kind):
    return Response(str(waiting[kind]), content_type="text/plain")
"""
URLS = """
    path("plaintext", views.plaintext),
    path("json", views.Json.as_view()),
    path("db", views.Users.as_view()),
    path("adb", views.AsyncUsers.as_view()),
    path("form", views.Form.as_view()),
    path("stream", views.stream),
    path("held", views.Held.as_view()),
    path("release", views.Release.as_view()),
    path("held-sync", views.held_sync),
    path("release-sync", views.release_sync),
    path("waiting/<str:kind>", views.waiters),
]"""


@dataclass(frozen=True)
class Server:
    """A running server of the project."""

    port: int
    log: Path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project with the views above, migrated (SQLite file)."""
    root = start_project(tmp_path_factory.mktemp("asgi"))
    with (root / "mysite" / "views.py").open("a") as views:
        views.write(VIEWS)
    replace_in_file(root / "mysite" / "urls.py", "\n]", URLS)
    migrated = manage(root, "migrate", timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    return root


COMMANDS = {
    "uvicorn": lambda port: [
        str(BIN / "uvicorn"), "mysite.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--lifespan", "on",
    ],
    "gunicorn": lambda port: [
        str(BIN / "gunicorn"), "mysite.asgi:application",
        "--worker-class", "uvicorn_worker.UvicornWorker",
        "--bind", f"127.0.0.1:{port}", "--workers", "1",
    ],
}  # fmt: skip


@pytest.fixture(scope="module", params=sorted(COMMANDS))
def server(
    request: pytest.FixtureRequest, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The project under uvicorn, then under gunicorn with uvicorn's worker."""
    if request.param == "gunicorn":
        pytest.importorskip("uvicorn_worker", reason="pip install uvicorn-worker")
    log = tmp_path_factory.mktemp(request.param) / "server.log"
    port = free_port()
    env = clean_env(HOME=str(log.parent), STOA_ALLOWED_HOSTS="127.0.0.1")
    with running_server(COMMANDS[request.param](port), project, log, env):
        try:
            wait_for_status(port, 200, START_TIMEOUT, path="/plaintext")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{log_tail(log)}") from None
        yield Server(port, log)
    assert "Traceback" not in log.read_text(), log_tail(log)


def get(server: Server, path: str) -> tuple[int, str]:
    result = http_request(server.port, path, timeout=REQUEST_TIMEOUT)
    return result.status, result.text


def test_plaintext(server: Server) -> None:
    assert get(server, "/plaintext") == (200, "Hello, World!")


def test_json_from_an_async_view(server: Server) -> None:
    status, text = get(server, "/json")
    assert status == 200
    assert json.loads(text) == {"message": "Hello, World!"}


def test_database_page_sync_and_async(server: Server) -> None:
    status, text = get(server, "/db")
    assert status == 200
    assert json.loads(text) == {"users": 0}
    status, text = get(server, "/adb")
    assert status == 200
    assert json.loads(text) == {"users": 0}


def test_form_post_with_csrf(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", "/form")
        response = connection.getresponse()
        token = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
        body = urlencode({"name": "Ada", "csrfmiddlewaretoken": token})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection.request("POST", "/form", body=body, headers=headers)
        response = connection.getresponse()
        assert response.status == 200
        assert response.read() == b"hello Ada"
        connection.request("POST", "/form", body=urlencode({"name": "Ada"}), headers=headers)
        response = connection.getresponse()
        assert response.status == 403
        response.read()
    finally:
        connection.close()


def test_streaming_response_is_chunked(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", "/stream")
        response = connection.getresponse()
        assert response.status == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        assert response.read() == b"chunk 0\nchunk 1\nchunk 2\n"
    finally:
        connection.close()


def test_body_over_the_limit_is_413(server: Server) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT)
    try:
        body = b"x" * (3 * 1024 * 1024)
        headers = {"Content-Type": "application/octet-stream"}
        connection.request("POST", "/form", body=body, headers=headers)
        response = connection.getresponse()
        assert response.status == 413
        assert re.search(r"413", response.read().decode())
    finally:
        connection.close()


@pytest.mark.parametrize("kind", ["async", "sync"])
def test_slow_view_does_not_block_other_requests(server: Server, kind: str) -> None:
    suffix = "" if kind == "async" else "-sync"
    held = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT)
    try:
        held.request("GET", f"/held{suffix}")
        wait_for(
            lambda: get(server, f"/waiting/{kind}"),
            lambda answer: answer == (200, "1"),
            REQUEST_TIMEOUT,
            f"the {kind} view to hold its request",
        )
        # Served while the held request is still inside its view: it blocks nothing.
        assert get(server, "/plaintext") == (200, "Hello, World!")
        assert get(server, "/db")[0] == 200
        assert get(server, f"/release{suffix}") == (200, "ok")
        response = held.getresponse()
        assert response.status == 200
        assert response.read() == b"released"
    finally:
        held.close()


def test_client_gone_mid_body_is_not_an_error(server: Server) -> None:
    head = (
        "POST /form HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
    )
    answer = raw_http(server.port, head.encode() + b"name=Ada", shutdown=True)
    assert b" 500 " not in answer
    assert get(server, "/plaintext") == (200, "Hello, World!")
    assert "Exception in ASGI application" not in server.log.read_text()


@pytest.mark.parametrize(
    ("request_line", "host", "statuses"),
    [
        ("GET /plaintext HTTP/1.1", "evil.example", {400}),
        ("GET /plaintext HTTP/1.1", "a.com@b", {400}),
        ("GET /%ff/ HTTP/1.1", "127.0.0.1", {400, 404}),
        ("FOO /json HTTP/1.1", "127.0.0.1", {405, 501}),
    ],
)
def test_bad_input_over_a_raw_socket_is_a_4xx(
    server: Server, request_line: str, host: str, statuses: set[int]
) -> None:
    data = f"{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    answer = raw_http(server.port, data)
    assert status_of(answer) in statuses, answer[:200]
    assert b"Traceback" not in answer
