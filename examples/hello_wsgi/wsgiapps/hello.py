"""The smallest WSGI application: a callable taking the environ and start_response."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import StartResponse

GREETING = b"Hello, world!\n"


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Say hello to every request, in plain text.

    PEP 3333 asks for a status line and a list of (name, value) header pairs, all
    native strings, then an iterable of bytes; Content-Length lets the server keep the
    connection alive.
    """
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(GREETING))),
    ]
    start_response("200 OK", headers)
    return [GREETING]
