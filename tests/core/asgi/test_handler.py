"""The ASGI handler in-process: the app called with scope, receive and send."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from core.asgi import ASGIHandler, asgi_environ
from core.exceptions import ImproperlyConfigured
from core.handlers import WSGIHandler
from core.testing import Client
from orm.session import RequestSessions
from tests.core.asgi import urls
from tests.core.asgi.urls import notes

URLCONF = "tests.core.asgi.urls"
DB = "core.middleware.db.DatabaseMiddleware"


class Answer:
    """What the application sent for one request."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages
        start = messages[0] if messages else {}
        self.status = start.get("status")
        self.headers = {k.decode(): v.decode() for k, v in start.get("headers", [])}
        parts = [m for m in messages[1:] if m["type"] == "http.response.body"]
        self.parts = [m.get("body", b"") for m in parts]
        self.body = b"".join(self.parts)

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def scope(method: str = "GET", path: str = "/plain/", **extra: Any) -> dict[str, Any]:
    headers = [(b"host", b"testserver"), *extra.pop("headers", [])]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        **extra,
    }


async def call(app: ASGIHandler, request_scope: dict[str, Any], bodies: list[Any]) -> Answer:
    """Run one request; `bodies` are the receive() messages (bytes, or a message dict)."""
    incoming = [
        b if isinstance(b, dict) else {"type": "http.request", "body": b, "more_body": True}
        for b in bodies
    ]
    if not incoming or incoming[-1]["type"] == "http.request":
        incoming.append({"type": "http.request", "body": b"", "more_body": False})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if incoming:
            return incoming.pop(0)
        await asyncio.Event().wait()  # nothing more: wait as a server would
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(request_scope, receive, send)
    return Answer(sent)


def request(
    app: ASGIHandler, method: str = "GET", path: str = "/plain/", *bodies: Any, **extra: Any
) -> Answer:
    return asyncio.run(call(app, scope(method, path, **extra), list(bodies)))


@pytest.fixture
def app(settings: Any) -> Iterator[ASGIHandler]:
    settings.ROOT_URLCONF = URLCONF
    settings.MIDDLEWARE = [DB]
    handler = ASGIHandler()
    yield handler
    handler.workers.shutdown()


@pytest.fixture
def table(stoa_test_database: Engine) -> Iterator[Engine]:
    urls.metadata.create_all(stoa_test_database)
    yield stoa_test_database
    urls.metadata.drop_all(stoa_test_database)


def texts(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(notes.c.text).order_by(notes.c.id)).scalars())


def test_sync_view_answers_in_a_worker_thread(app: ASGIHandler) -> None:
    answer = request(app)
    assert answer.status == 200
    assert answer.body == b"Hello, World!"
    assert answer.headers["content-type"].startswith("text/plain")
    assert urls.seen["sync_view_thread"].startswith("stoa-asgi")


def test_async_view_runs_on_the_event_loop(app: ASGIHandler) -> None:
    answer = request(app, "GET", "/async/")
    assert answer.status == 200
    assert answer.json == {"message": "Hello, World!"}
    assert urls.seen["async_view_thread"] == "MainThread"


def test_async_function_view(app: ASGIHandler) -> None:
    answer = request(app, "GET", "/function/")
    assert answer.status == 200
    assert answer.body == b"from a function"


def test_form_post_reads_the_body_in_chunks(app: ASGIHandler) -> None:
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    answer = request(app, "POST", "/plain/", b"a=1&b=", b"two", headers=headers)
    assert answer.status == 200
    assert answer.json == {"fields": [["a", "1"], ["b", "two"]]}


def test_body_over_the_limit_declared_is_413_unread(app: ASGIHandler, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    handler = ASGIHandler()
    headers = [(b"content-length", b"11")]
    # A receive() that fails shows the body is never read.
    answer = request(handler, "PUT", "/echo/", {"type": "unexpected"}, headers=headers)
    assert answer.status == 413
    handler.workers.shutdown()


def test_chunked_body_over_the_limit_is_413(app: ASGIHandler, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    handler = ASGIHandler()
    answer = request(handler, "PUT", "/echo/", b"123456", b"789012", {"type": "unexpected"})
    assert answer.status == 413
    handler.workers.shutdown()


def test_body_at_the_limit_is_read(app: ASGIHandler, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    handler = ASGIHandler()
    answer = request(handler, "PUT", "/echo/", b"12345", b"67890")
    assert answer.status == 200
    assert answer.body == b"1234567890"
    handler.workers.shutdown()


def test_large_body_is_spooled_and_read_whole(app: ASGIHandler, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    handler = ASGIHandler()
    chunk = b"x" * (600 * 1024)
    answer = request(handler, "PUT", "/echo/", chunk, chunk)
    assert answer.status == 200
    assert len(answer.body) == 2 * len(chunk)
    handler.workers.shutdown()


def test_client_gone_mid_body_gets_no_answer_and_no_error(
    app: ASGIHandler, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        answer = request(app, "PUT", "/echo/", b"half", {"type": "http.disconnect"})
    assert answer.messages == []
    assert caplog.records == []


def test_bad_host_is_400(app: ASGIHandler) -> None:
    answer = asyncio.run(call(app, {**scope(), "headers": [(b"host", b"evil.com")]}, []))
    assert answer.status == 400
    assert b"evil.com" not in answer.body


def test_undecodable_path_is_400(app: ASGIHandler) -> None:
    answer = request(app, "GET", "/plain/%ff/", raw_path=b"/plain/%ff/")
    assert answer.status in (400, 404)


def test_missing_route_is_404(app: ASGIHandler) -> None:
    answer = request(app, "GET", "/nowhere/")
    assert answer.status == 404


def test_async_view_errors_become_responses(app: ASGIHandler) -> None:
    assert request(app, "GET", "/forbidden/").status == 403
    answer = request(app, "GET", "/boom/")
    assert answer.status == 500
    assert b"kaboom" not in answer.body


def test_head_sends_no_body(app: ASGIHandler) -> None:
    answer = request(app, "HEAD", "/plain/")
    assert answer.status == 200
    assert answer.body == b""
    assert answer.headers["content-length"] == "13"


def test_streaming_response_is_sent_chunk_by_chunk(app: ASGIHandler) -> None:
    answer = request(app, "GET", "/stream/")
    assert answer.status == 200
    assert answer.parts[:3] == [b"one,", b"two,", b"three"]
    assert answer.body == b"one,two,three"
    assert urls.seen["stream_thread"].startswith("stoa-asgi")


def test_slow_async_view_does_not_hold_up_another_request(app: ASGIHandler) -> None:
    async def both() -> tuple[Answer, Answer]:
        urls.seen["release"] = asyncio.Event()
        held = asyncio.create_task(call(app, scope("GET", "/held/"), []))
        quick = await asyncio.wait_for(call(app, scope("GET", "/plain/"), []), 30)
        assert not held.done()
        urls.seen["release"].set()
        return await asyncio.wait_for(held, 30), quick

    held, quick = asyncio.run(both())
    assert quick.status == 200
    assert held.body == b"released"


def test_sync_view_database_session_opens_and_closes_in_its_thread(
    app: ASGIHandler, table: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[tuple[str, str]] = []
    acquire, release = RequestSessions.acquire, RequestSessions.release

    def spied_acquire(self: RequestSessions, *, immediate: bool) -> Any:
        threads.append(("open", threading.current_thread().name))
        return acquire(self, immediate=immediate)

    def spied_release(self: RequestSessions, session: Any) -> None:
        threads.append(("close", threading.current_thread().name))
        release(self, session)

    monkeypatch.setattr(RequestSessions, "acquire", spied_acquire)
    monkeypatch.setattr(RequestSessions, "release", spied_release)
    answer = request(app, "GET", "/notes/")
    assert answer.status == 200
    assert answer.json == {"count": 0}
    (opened, thread), (closed, same_thread) = threads
    assert (opened, closed) == ("open", "close")
    assert thread == same_thread == urls.seen["db_thread"]
    assert thread.startswith("stoa-asgi")


def test_sync_view_writes_are_committed_or_rolled_back(app: ASGIHandler, table: Engine) -> None:
    form = [(b"content-type", b"application/x-www-form-urlencoded")]
    assert request(app, "POST", "/notes/", b"text=kept", headers=form).status == 201
    assert request(app, "POST", "/notes/", b"text=dropped&fail=1", headers=form).status == 400
    assert texts(table) == ["kept"]


def test_async_view_reads_and_writes_with_request_adb(app: ASGIHandler, table: Engine) -> None:
    form = [(b"content-type", b"application/x-www-form-urlencoded")]
    assert request(app, "POST", "/anotes/", b"text=first", headers=form).status == 201
    assert request(app, "POST", "/anotes/", b"text=lost&fail=1", headers=form).status == 500
    answer = request(app, "GET", "/anotes/")
    assert answer.status == 200
    assert answer.json == {"texts": ["first"]}
    assert texts(table) == ["first"]
    asyncio.run(app.close())


def test_request_adb_needs_asgi(
    settings: Any, table: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ROOT_URLCONF = URLCONF
    settings.MIDDLEWARE = [DB]
    response = Client(WSGIHandler()).get("/anotes/")
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.exc_info]
    assert isinstance(record.exc_info[1], ImproperlyConfigured)
    assert "under WSGI use request.db" in str(record.exc_info[1])


def test_async_view_under_wsgi_is_awaited(settings: Any) -> None:
    settings.ROOT_URLCONF = URLCONF
    response = Client(WSGIHandler()).get("/async/")
    assert response.status_code == 200
    assert response.json == {"message": "Hello, World!"}


def test_view_with_async_and_sync_handlers_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"async handlers \(get\) and sync ones"):
        urls.Mixed.as_view()


def test_sync_and_async_middleware_are_adapted_under_asgi(settings: Any) -> None:
    settings.ROOT_URLCONF = URLCONF
    settings.MIDDLEWARE = ["tests.core.asgi.urls.sync_header", "tests.core.asgi.urls.AsyncHeader"]
    handler = ASGIHandler()
    answer = request(handler, "GET", "/async/")
    handler.workers.shutdown()
    assert answer.status == 200
    assert answer.headers["x-async"] == "yes"
    assert answer.headers["x-sync"] == "yes"
    assert urls.seen["async_middleware_thread"] == "MainThread"
    assert urls.seen["sync_middleware_thread"].startswith("stoa-asgi")


def test_async_middleware_is_adapted_under_wsgi(settings: Any) -> None:
    settings.ROOT_URLCONF = URLCONF
    settings.MIDDLEWARE = ["tests.core.asgi.urls.AsyncHeader"]
    response = Client(WSGIHandler()).get("/plain/")
    assert response.status_code == 200
    assert response.headers["X-Async"] == "yes"


def test_middleware_neither_sync_nor_async_is_refused(settings: Any) -> None:
    class Neither:
        sync_capable = False

    urls.Neither = Neither  # type: ignore[attr-defined]
    settings.MIDDLEWARE = ["tests.core.asgi.urls.Neither"]
    with pytest.raises(ImproperlyConfigured, match="neither sync_capable nor async_capable"):
        ASGIHandler()


def test_lifespan_disposes_the_engines(app: ASGIHandler, table: Engine) -> None:
    async def run() -> tuple[list[str], int]:
        events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        sent: list[str] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message["type"])

        await events.put({"type": "lifespan.startup"})
        lifespan = asyncio.create_task(app({"type": "lifespan"}, events.get, send))
        while not sent:
            await asyncio.sleep(0)
        assert (await call(app, scope("GET", "/notes/"), [])).status == 200
        pool = table.pool
        held = pool.checkedout() + pool.checkedin()
        await events.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(lifespan, 30)
        assert pool.checkedout() == 0  # the worker thread's kept session let go
        assert pool.checkedin() == 0  # and the pool closed
        return sent, held

    sent, held = asyncio.run(run())
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert held >= 1


def test_websocket_handshake_is_refused(app: ASGIHandler) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "websocket", "path": "/"}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_other_scopes_are_refused_with_the_reason(app: ASGIHandler) -> None:
    async def nothing() -> dict[str, Any]:
        return {}

    async def ignore(message: Any) -> None:
        return None

    with pytest.raises(ValueError, match="not 'custom'"):
        asyncio.run(app({"type": "custom"}, nothing, ignore))


def test_stream_stops_once_the_client_is_gone(app: ASGIHandler) -> None:
    async def run() -> Answer:
        sent: list[dict[str, Any]] = []
        first_chunk = asyncio.Event()
        incoming = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, Any]:
            if incoming:
                return incoming.pop(0)
            await first_chunk.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message.get("more_body"):
                first_chunk.set()
                await asyncio.sleep(0)  # the watcher takes the disconnect meanwhile

        await asyncio.wait_for(app(scope("GET", "/endless/"), receive, send), 30)
        return Answer(sent)

    answer = asyncio.run(run())
    assert answer.status == 200
    assert 1 <= len(answer.parts) < 1000
    assert urls.seen["endless_closed"] is True


def test_environ_is_built_as_gunicorn_would() -> None:
    environ = asgi_environ(
        scope(
            "GET",
            "/caf%C3%A9/",
            raw_path=b"/caf%C3%A9/",
            query_string=b"q=1",
            headers=[(b"x-a", b"1"), (b"x-a", b"2"), (b"x_b", b"3"), (b"content-type", b"t/p")],
        )
    )
    assert environ["PATH_INFO"] == "/café/".encode().decode("latin-1")
    assert environ["QUERY_STRING"] == "q=1"
    assert environ["HTTP_X_A"] == "1,2"
    assert "HTTP_X_B" not in environ
    assert environ["CONTENT_TYPE"] == "t/p"
    assert environ["REMOTE_ADDR"] == "127.0.0.1"


def test_static_files_are_served_and_other_paths_go_on(settings: Any, tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("body { color: teal }")
    settings.ROOT_URLCONF = URLCONF
    settings.STATIC_ROOT = str(tmp_path)
    handler = ASGIHandler()
    answer = request(handler, "GET", "/static/site.css")
    missing = request(handler, "GET", "/static/missing.css")
    handler.workers.shutdown()
    assert answer.status == 200
    assert answer.body == b"body { color: teal }"
    assert answer.headers["content-type"].startswith("text/css")
    assert missing.status == 404


def test_async_chain_runs_sync_views_and_misses_in_a_worker_thread(settings: Any) -> None:
    settings.ROOT_URLCONF = URLCONF
    settings.MIDDLEWARE = ["tests.core.asgi.urls.AsyncHeader"]
    handler = ASGIHandler()
    plain = request(handler, "GET", "/plain/")
    no_slash = request(handler, "GET", "/plain")
    missing = request(handler, "GET", "/nowhere/")
    handler.workers.shutdown()
    assert plain.status == 200
    assert plain.headers["x-async"] == "yes"
    assert urls.seen["sync_view_thread"].startswith("stoa-asgi")
    assert no_slash.status == 301
    assert no_slash.headers["location"] == "/plain/"
    assert missing.status == 404


def test_root_path_becomes_script_name(app: ASGIHandler) -> None:
    environ = asgi_environ(scope("GET", "/app/plain/", root_path="/app"))
    assert environ["SCRIPT_NAME"] == "/app"
    assert environ["PATH_INFO"] == "/plain/"
    answer = request(app, "GET", "/app/plain/", root_path="/app")
    assert answer.status == 200
    assert answer.body == b"Hello, World!"


def test_spooled_body_over_the_limit_is_413_and_released(app: ASGIHandler, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
    handler = ASGIHandler()
    chunk = b"x" * (1024 * 1024)
    # Past the 1 MB spool size, then past the limit: the temporary file is closed
    # (pytest's warnings as errors would report it left open).
    answer = request(handler, "PUT", "/echo/", chunk, chunk, chunk, chunk, {"type": "unexpected"})
    gone = request(handler, "PUT", "/echo/", chunk, chunk, {"type": "http.disconnect"})
    handler.workers.shutdown()
    assert answer.status == 413
    assert gone.messages == []


def test_middleware_that_can_be_both_gets_the_kind_of_the_layer_inside(settings: Any) -> None:
    settings.ROOT_URLCONF = URLCONF
    settings.MIDDLEWARE = ["tests.core.asgi.urls.Both"]
    handler = ASGIHandler()
    assert request(handler, "GET", "/async/").status == 200
    handler.workers.shutdown()
    assert urls.seen["both_mode"] == "async"
    assert Client(WSGIHandler()).get("/plain/").status_code == 200
    assert urls.seen["both_mode"] == "sync"
