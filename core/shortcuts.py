"""Shortcuts for the common cases of views: render a template, redirect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.exceptions import DisallowedRedirect
from core.http import Request, Response
from core.templating import render_to_string
from core.urls import NoReverseMatch, reverse

_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


def render(
    request: Request,
    template_name: str | Sequence[str],
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    content_type: str | None = None,
) -> Response:
    """Render a template with the request's context into a Response."""
    body = render_to_string(template_name, context, request)
    response = Response(body, status=status)
    if content_type:
        response.content_type = content_type
    return response


def redirect(to: str, *args: Any, permanent: bool = False, **kwargs: Any) -> Response:
    """Redirect to a URL pattern's name (with arguments) or to a URL.

    `redirect("article", pk=1)` reverses the name; `redirect("/path/")` is used as it is.
    """
    try:
        url = reverse(to, args or None, kwargs or None)
    except NoReverseMatch:
        if args or kwargs or ("/" not in to and "." not in to):
            raise
        url = to
    if url.strip().lower().startswith(_UNSAFE_SCHEMES):
        raise DisallowedRedirect(f"Refusing to redirect to {url[:40]!r}: unsafe scheme.")
    return Response(status=301 if permanent else 302, location=url)
