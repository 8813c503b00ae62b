"""The ASGI entry point: `application = get_asgi_application()`, for uvicorn.

    uvicorn mysite.asgi:application
    gunicorn mysite.asgi:application -k uvicorn_worker.UvicornWorker

The same URLconf, middleware and views as under WSGI, through the same code: the Host
check, the body size limit, the middleware chain and the turning of exceptions into
responses are `core.handlers.BaseHandler`'s, which WSGIHandler builds on too. What
differs is the chain's kind: built async, with each sync middleware adapted by asgiref
as Django does, `async def` views awaited on the event loop and every sync part of a
request (its sync middleware, a sync view, the response body's iteration and close)
run in one worker thread of a pool, so that the request's database session is opened
and closed in that thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from webob import Response as WebObResponse

from core.conf import settings
from core.exceptions import RequestDataTooBig
from core.handlers import BaseHandler
from core.http import Request
from core.staticfiles.handlers import StaticFilesHandler, static_files_application
from core.template_response import TemplateResponse
from core.types import (
    ASGIApplication,
    OptExcInfo,
    Receive,
    Scope,
    Send,
    StartResponse,
    WSGIApplication,
    WSGIEnvironment,
)

# Request bodies above this size are spooled to a temporary file, as WebOb does under WSGI.
SPOOL_SIZE = Request.request_body_tempfile_limit
# Worker threads kept idle for the next requests; beyond this, a finished one is stopped.
IDLE_WORKERS = 32


class ClientDisconnected(Exception):
    """The client went away before its request body was all read."""


class WorkerThreads:
    """Single-thread executors, one lent to each request while it runs, kept for the next.

    A kept thread keeps its database session and SQLite connection (RequestSessions) from
    request to request, as a gunicorn thread does; a thread per request would open both
    anew each time.
    """

    def __init__(self, idle: int = IDLE_WORKERS) -> None:
        self.idle = idle
        self._free: list[ThreadPoolExecutor] = []
        self._all: set[ThreadPoolExecutor] = set()
        self._lock = threading.Lock()

    def acquire(self) -> ThreadPoolExecutor:
        """Lend a free executor, or start one."""
        with self._lock:
            if self._free:
                return self._free.pop()
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stoa-asgi")
            self._all.add(executor)
            return executor

    def release(self, executor: ThreadPoolExecutor) -> None:
        """Take an executor back; stop its thread if enough are idle already."""
        with self._lock:
            if len(self._free) < self.idle:
                self._free.append(executor)
                return
            self._all.discard(executor)
        executor.submit(_close_thread_sessions)
        executor.shutdown(wait=False)

    def shutdown(self) -> None:
        """Close each idle thread's database session, then stop every thread."""
        with self._lock:
            executors, self._free, self._all = list(self._all), [], set()
        for executor in executors:
            executor.submit(_close_thread_sessions)
            executor.shutdown(wait=True)


def _close_thread_sessions() -> None:
    from orm.session import _databases

    if _databases is not None:
        for sessions in _databases._request_sessions.values():
            sessions.close_thread()


class ASGIHandler(BaseHandler):
    """The ASGI 3 application of a Stoa project (HTTP and lifespan).

    Construction does what WSGIHandler's does (settings validated, URLconf, templates,
    middleware chain), the chain built async. Lifespan startup and shutdown dispose the
    database engines; shutdown also closes the worker threads' sessions.
    """

    def __init__(self) -> None:
        self.workers = WorkerThreads()
        super().__init__()
        self.static: StaticFilesHandler | None = None
        if settings.SERVE_STATIC:
            # The WSGI static files handler, run in a worker thread; a path it does not
            # serve comes back (_PassOn) and goes on to the project.
            static = static_files_application(_pass_on, self.error_headers)
            if isinstance(static, StaticFilesHandler):
                self.static = static

    def _build_chain(self, middleware: list[str], *, is_async: bool = True) -> Any:
        return super()._build_chain(middleware, is_async=is_async)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self.handle_http(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)
        elif kind == "websocket":
            # No WebSocket routes: refuse the handshake (the server answers 403).
            await receive()
            await send({"type": "websocket.close", "code": 1008})
        else:
            raise ValueError(
                f"Stoa serves ASGI 'http' and 'lifespan' scopes, not {kind!r}: route "
                f"{kind} connections to another application."
            )

    async def lifespan(self, receive: Receive, send: Send) -> None:
        """Answer startup and shutdown, disposing the database engines at each."""
        from orm.session import databases

        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # Start on fresh connections: those made while the app was built (a check
                # at import) would sit idle in the pool. (A fork drops the parent's, see
                # orm.session.)
                databases().dispose()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def close(self) -> None:
        """Stop the worker threads and close every database connection."""
        from orm.session import databases

        await sync_to_async(self.workers.shutdown, thread_sensitive=False)()
        dbs = databases()
        await dbs.dispose_async()
        dbs.dispose()

    async def handle_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request: check it, read its body, run the chain, send the answer."""
        environ = asgi_environ(scope)
        request = Request(environ)
        body_input = environ["wsgi.input"]
        executor = self.workers.acquire()
        try:
            async with ThreadSensitiveContext(executor=executor):
                static = self.static
                if static is not None and environ["PATH_INFO"].startswith(static.raw_prefix):
                    answer = await sync_to_async(_call_wsgi)(static, environ)
                    if answer is not None:
                        await self.send_answer(*answer, send, receive)
                        return
                response = self.check_request(request)
                if response is None:
                    try:
                        response = await self.read_body(request, receive)
                    except ClientDisconnected:
                        return
                    body_input = environ["wsgi.input"]
                if response is None:
                    response = await self.chain(request)
                if isinstance(response, TemplateResponse) and not response.is_rendered:
                    # Rendering may read the database: in the request's thread.
                    response = await sync_to_async(self.finish_response)(request, response)
                else:
                    response = self.finish_response(request, response)
                await self.send_response(request, response, send, receive)
        finally:
            self.workers.release(executor)
            # WebOb may have replaced the body with a copy it can seek: close both.
            body_input.close()
            environ["wsgi.input"].close()

    async def read_body(self, request: Request, receive: Receive) -> WebObResponse | None:
        """Read the body into `wsgi.input`, to the limit; return a 413 past it, else None.

        The declared length was checked already (check_request); a body sent without one
        (chunked) is read up to DATA_UPLOAD_MAX_MEMORY_SIZE and no further.
        """
        limit = self.max_body
        body: Any = io.BytesIO()
        size = 0
        try:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnected
                chunk = message.get("body", b"")
                size += len(chunk)
                if limit is not None and size > limit:
                    body.close()
                    error = RequestDataTooBig(
                        f"The request body is over the limit of {limit} bytes "
                        f"(DATA_UPLOAD_MAX_MEMORY_SIZE)."
                    )
                    return self.response_for_exception(request, error)
                if size > SPOOL_SIZE and isinstance(body, io.BytesIO):
                    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the request)
                    spooled.write(body.getvalue())
                    body = spooled
                body.write(chunk)
                if not message.get("more_body", False):
                    break
        except BaseException:
            body.close()  # a client gone, or the server cancelling the request
            raise
        body.seek(0)
        environ = request.environ
        environ["wsgi.input"] = body
        if size or "CONTENT_LENGTH" in environ:
            environ["CONTENT_LENGTH"] = str(size)
        return None

    async def send_response(
        self, request: Request, response: WebObResponse, send: Send, receive: Receive
    ) -> None:
        """Send the response as WebOb would answer a WSGI server (HEAD, conditional, ...)."""
        answer = _call_wsgi(response, request.environ)
        assert answer is not None
        await self.send_answer(*answer, send, receive)

    async def send_answer(
        self,
        status: str,
        headers: list[tuple[str, str]],
        body: Iterable[bytes],
        send: Send,
        receive: Receive,
    ) -> None:
        """Send a WSGI answer; iterate and close a streamed body in the worker thread."""
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": int(status[:3]),
                    "headers": [
                        (name.lower().encode("latin-1"), value.encode("latin-1"))
                        for name, value in headers
                    ],
                }
            )
            chunks = _listed(body)
            if chunks is not None:
                await send({"type": "http.response.body", "body": b"".join(chunks)})
            else:
                await self._stream(body, send, receive)
        except OSError:
            pass  # the client went away mid-response: the body is still closed below
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                await sync_to_async(close)()

    async def _stream(self, body: Iterable[bytes], send: Send, receive: Receive) -> None:
        """Send a body chunk by chunk as it is made; stop making it once the client is gone."""
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        try:
            chunks = await sync_to_async(iter)(body)
            next_chunk = sync_to_async(_next_chunk)
            while not gone.is_set():
                chunk = await next_chunk(chunks)
                if chunk is None:
                    await send({"type": "http.response.body", "body": b""})
                    break
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


class _PassOn(Exception):
    """The static files handler has no file for the path: the project answers."""


def _pass_on(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise _PassOn


def _call_wsgi(
    application: WSGIApplication, environ: WSGIEnvironment
) -> tuple[str, list[tuple[str, str]], Iterable[bytes]] | None:
    """Call a WSGI application; return its status, headers and body (None: passed on)."""
    started: list[Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None
    ) -> Callable[[bytes], object]:
        started[:] = [status, headers]
        return _no_write

    try:
        body = application(environ, start_response)
    except _PassOn:
        return None
    return started[0], started[1], body


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    return next(chunks, None)


def _no_write(data: bytes) -> object:
    raise RuntimeError("Stoa's ASGI handler has no WSGI write(): return the body instead.")


def _listed(body: Iterable[bytes]) -> list[bytes] | tuple[bytes, ...] | None:
    """Return the chunks of a body held in memory; None for one to stream."""
    if isinstance(body, list | tuple):
        return body
    from core.middleware.db import ClosingIterable

    inner = body.iterable if isinstance(body, ClosingIterable) else None
    if isinstance(inner, list | tuple):
        return inner
    return None


def asgi_environ(scope: Scope) -> WSGIEnvironment:
    """Return the PEP 3333 environ of an ASGI HTTP scope, as gunicorn would build it.

    PATH_INFO comes from the raw path, percent-decoded to bytes and held as latin-1
    text, so an undecodable path is the Request's to refuse (400) as under WSGI. Header
    names with underscores are dropped (nginx and gunicorn do too): X_Forwarded_For
    would otherwise pass for X-Forwarded-For.
    """
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    path = unquote_to_bytes(raw_path.split(b"?", 1)[0])
    root = scope.get("root_path", "").encode("utf-8")
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    environ: WSGIEnvironment = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.decode("latin-1"),
        "PATH_INFO": path.decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0] if client else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "asgi.scope": scope,
    }
    for raw_name, raw_value in scope.get("headers", ()):
        if b"_" in raw_name:
            continue
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        key = name if name in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{name}"
        value = raw_value.decode("latin-1")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def get_asgi_application() -> ASGIApplication:
    """Configure the project once and return its ASGI 3 application.

    As get_wsgi_application(): settings validated, apps imported, the URLconf, templates
    and middleware chain built; a misconfiguration raises ImproperlyConfigured now.
    """
    return ASGIHandler()


__all__ = ["ASGIHandler", "get_asgi_application"]
