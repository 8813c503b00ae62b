"""X-Frame-Options, so that other sites cannot frame this one's pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from webob import Response as WebObResponse

from core.conf import settings
from core.http import Request
from core.types import GetResponse

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


class XFrameOptionsMiddleware:
    """Send X-Frame-Options (X_FRAME_OPTIONS, default DENY) unless the view set it or opted out."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.value = settings.X_FRAME_OPTIONS.upper()

    def __call__(self, request: Request) -> WebObResponse:
        response = self.get_response(request)
        headerlist = response.headerlist
        for name, _ in headerlist:
            if name.lower() == "x-frame-options":
                return response
        match = request.resolver_match
        # The function's own attributes: a plain dict lookup, no AttributeError raised.
        if match is not None and getattr(match.func, "__dict__", {}).get("xframe_options_exempt"):
            return response
        headerlist.append(("X-Frame-Options", self.value))
        return response


def xframe_options_exempt(view: ViewT) -> ViewT:
    """Let the pages of this view be framed by any site."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapped.xframe_options_exempt = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]
