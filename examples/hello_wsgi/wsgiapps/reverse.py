"""WSGI middleware: a callable that wraps an application and rewrites its responses.

    application = ReverseBody(application)      # around any WSGI application, Stoa's too

It reverses the text of `text/plain` responses and passes every other response through
untouched. Rewriting a body means holding it back: the middleware calls the server's
start_response only once it has the whole body, with a Content-Length that matches it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from wsgiapps import hello

if TYPE_CHECKING:
    from types import TracebackType
    from wsgiref.types import StartResponse, WSGIApplication

    ExcInfo = tuple[type[BaseException], BaseException, TracebackType] | tuple[None, None, None]


class ReverseBody:
    """Reverse the characters of text/plain response bodies (a final newline stays last)."""

    def __init__(self, app: WSGIApplication, max_size: int = 1024 * 1024) -> None:
        self.app = app
        # Larger bodies are passed on as they are: reversing needs all of it in memory.
        self.max_size = max_size

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Call the application, collect its answer, and answer with the body reversed."""
        started: list[tuple[str, list[tuple[str, str]], ExcInfo | None]] = []
        written: list[bytes] = []

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: ExcInfo | None = None
        ) -> Callable[[bytes], object]:
            # PEP 3333: a second call is only allowed with exc_info, which replaces the
            # first (an error found before any body was sent).
            if started and exc_info is None:
                raise AssertionError("start_response called twice without exc_info")
            started[:] = [(status, headers, exc_info)]
            return written.append  # the legacy write() callable, buffered too

        iterable = self.app(environ, capture)
        try:
            chunks = list(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()  # PEP 3333: always, even when iterating raised
        ((status, headers, exc_info),) = started
        body = b"".join([*written, *chunks])
        charset = text_charset(headers)
        if charset is not None and len(body) <= self.max_size:
            body = reverse_text(body, charset)
            headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers, exc_info)
        return [body]


def text_charset(headers: list[tuple[str, str]]) -> str | None:
    """Return the charset of a text/plain response (UTF-8 if unnamed), or None for others."""
    for name, value in headers:
        if name.lower() == "content-type":
            media_type, *params = (part.strip() for part in value.split(";"))
            if media_type.lower() != "text/plain":
                return None
            for param in params:
                key, _, charset = param.partition("=")
                if key.strip().lower() == "charset":
                    return charset.strip().strip('"')
            return "utf-8"
    return None


def reverse_text(body: bytes, charset: str) -> bytes:
    """Reverse `body`'s characters, keeping a final newline at the end; undecodable: as is."""
    try:
        text = body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return body
    ending = "\n" if text.endswith("\n") else ""
    return (text.removesuffix(ending)[::-1] + ending).encode(charset)


# `gunicorn wsgiapps.reverse:application`: the middleware around the hello application.
application = ReverseBody(hello.application)
