"""A WSGI application that answers with the request as the server handed it over."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import StartResponse

# The CGI variables of PEP 3333. wsgiref copies the whole process environment into the
# environ too (secrets included), so only these, the HTTP_ headers and wsgi.* are shown.
CGI_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
    }
)
# Bodies longer than this are cut off in the echo (and not read past it).
MAX_BODY = 64 * 1024


def shown(key: str) -> bool:
    """Say whether an environ key is part of the request, not of the server's process."""
    return key in CGI_KEYS or key.startswith(("HTTP_", "wsgi."))


def read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body: CONTENT_LENGTH bytes at most, as PEP 3333 requires."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    body: bytes = environ["wsgi.input"].read(min(length, MAX_BODY))
    return body


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer with one `KEY = value` line per environ key, sorted, then the body.

    Strings in the environ hold the bytes the client sent, decoded as latin-1 (PEP
    3333's "native strings"); they are shown as received, encoded back to UTF-8 here.
    """
    lines = [f"{key} = {environ[key]!r}" for key in sorted(environ) if shown(key)]
    body = read_body(environ)
    if body:
        lines.append(f"body = {body!r}")
    payload = ("\n".join(lines) + "\n").encode("utf-8", "backslashreplace")
    start_response(
        "200 OK",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
