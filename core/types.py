"""Type aliases shared across the framework."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

if TYPE_CHECKING:
    from webob import Response

    from core.http import Request

WSGIEnvironment: TypeAlias = dict[str, Any]
ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType]
OptExcInfo: TypeAlias = ExcInfo | tuple[None, None, None]


class StartResponse(Protocol):
    """The `start_response` callable a WSGI server passes to an application."""

    def __call__(
        self,
        status: str,
        headers: list[tuple[str, str]],
        exc_info: OptExcInfo | None = ...,
        /,
    ) -> Callable[[bytes], object]: ...


WSGIApplication: TypeAlias = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

Scope: TypeAlias = MutableMapping[str, Any]
"""An ASGI connection scope (`type`, `path`, `headers`, ...)."""
Message: TypeAlias = MutableMapping[str, Any]
"""An ASGI event, received or sent (`http.request`, `http.response.start`, ...)."""
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApplication: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]

GetResponse: TypeAlias = "Callable[[Request], Response]"
"""What a middleware layer receives: the next layer, from request to response.

Responses are typed as WebOb's, so that its HTTP errors (which are responses) count too."""

AsyncGetResponse: TypeAlias = "Callable[[Request], Awaitable[Response]]"
"""The next layer of an async middleware: from request to an awaitable response."""

Middleware: TypeAlias = "Callable[[GetResponse], GetResponse]"
"""A middleware factory: takes the next layer and returns this layer."""

ViewFunction: TypeAlias = "Callable[..., Response]"
"""A view: called with the request and the keyword arguments captured from the URL."""

Context: TypeAlias = dict[str, Any]
