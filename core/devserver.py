"""The development server: wsgiref with threads, request logging and a fallback error page.

Never for production: use gunicorn with the project's wsgi.py (or uvicorn with asgi.py).
`runserver --asgi` serves the ASGI handler under uvicorn (serve_asgi) instead.
"""

from __future__ import annotations

import logging
import socket
import socketserver
import sys
import traceback
from collections.abc import Iterable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from core.types import (
    ASGIApplication,
    Receive,
    Scope,
    Send,
    StartResponse,
    WSGIApplication,
    WSGIEnvironment,
)

logger = logging.getLogger("stoa.server")


class DevServer(socketserver.ThreadingMixIn, WSGIServer):
    """A threaded WSGI server that binds IPv4 or IPv6 and reuses the port on restart."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], ipv6: bool = False) -> None:
        if ipv6:
            self.address_family = socket.AF_INET6
        super().__init__(address, RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-response is routine, not worth a traceback.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | BrokenPipeError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class RequestHandler(WSGIRequestHandler):
    """Log one line per request: `"GET / HTTP/1.1" 200 1234`."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        sys.stderr.write(f"[{self.log_date_time_string()}] {format % args}\n")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.log_message('"%s" %s %s', self.requestline, str(code), str(size))

    def get_environ(self) -> WSGIEnvironment:
        # Headers with underscores would be indistinguishable from those with dashes
        # (X_Forwarded_For is HTTP_X_FORWARDED_FOR too): drop them, as nginx does.
        for name in [name for name in self.headers if "_" in name]:
            del self.headers[name]
        environ: WSGIEnvironment = super().get_environ()
        return environ


class StartupErrorApp:
    """Answer every request with the error that stopped the project from loading.

    The reloader restarts the server once a file changes, so fixing the error recovers.
    """

    def __init__(self, error: BaseException, show_details: bool) -> None:
        self.error = error
        self.show_details = show_details

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.show_details:
            from core.debug import technical_500_response

            response = technical_500_response(None, self.error)
        else:
            from core.http import Response

            response = Response("<h1>Server Error (500)</h1>", status=500)
        result: Iterable[bytes] = response(environ, start_response)
        return result


def load_application(show_details: bool) -> WSGIApplication:
    """Build the project's application; on failure print the error and serve it instead."""
    try:
        from core.wsgi import get_wsgi_application

        return get_wsgi_application()
    except Exception as exc:  # noqa: BLE001 (shown on the console and the page until fixed)
        sys.stderr.write("".join(traceback.format_exception(exc)))
        sys.stderr.write(
            "\nThe project failed to load; fix the error and save: the server reloads.\n"
        )
        return StartupErrorApp(exc, show_details)


class StartupErrorASGIApp:
    """StartupErrorApp over ASGI: the error page for HTTP, and lifespan answered."""

    def __init__(self, error: BaseException, show_details: bool) -> None:
        from asgiref.wsgi import WsgiToAsgi

        self.page = WsgiToAsgi(StartupErrorApp(error, show_details))  # type: ignore[no-untyped-call]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.page(scope, receive, send)
            return
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


def load_asgi_application(show_details: bool) -> ASGIApplication:
    """Build the project's ASGI application; on failure serve the error, as load_application."""
    try:
        from core.asgi import get_asgi_application

        return get_asgi_application()
    except Exception as exc:  # noqa: BLE001 (shown on the console and the page until fixed)
        sys.stderr.write("".join(traceback.format_exception(exc)))
        sys.stderr.write(
            "\nThe project failed to load; fix the error and save: the server reloads.\n"
        )
        return StartupErrorASGIApp(exc, show_details)


def serve_asgi(app: ASGIApplication, host: str, port: int) -> None:
    """Serve an ASGI `app` with uvicorn until interrupted (one line logged per request)."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, lifespan="on", log_level="info")
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise OSError(f"uvicorn could not start on {host}:{port}: see the lines above.")


def serve(app: WSGIApplication, host: str, port: int, ipv6: bool = False) -> None:
    """Serve `app` until interrupted."""
    with DevServer((host, port), ipv6=ipv6) as server:
        server.set_app(app)
        server.serve_forever(poll_interval=0.2)
