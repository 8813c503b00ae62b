"""Whole-page caching: what may be stored, under which key, and for how long.

A response is stored only when it is safe to give to another visitor: a GET or HEAD
answered 200, not streamed, setting no cookie, not `Cache-Control: private`, `no-cache`
or `no-store`, not `Vary: *`, and not for a logged-in user (unless the view asks for
it). The key covers the method's class (GET and HEAD share), the host, the full path
with its query, and every request header the response varies on (learned from the
response's `Vary`, as Django does).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from webob import Response as WebObResponse

if TYPE_CHECKING:
    from core.cache.backends.base import BaseCache
    from core.http import Request

UNCACHEABLE = {"private", "no-cache", "no-store"}


class PageCache:
    """Fetch and store whole responses in one cache, for a given time."""

    def __init__(
        self,
        cache: BaseCache,
        seconds: float,
        *,
        key_prefix: str = "",
        cache_authenticated: bool = False,
    ) -> None:
        self.cache = cache
        self.seconds = seconds
        self.key_prefix = key_prefix
        self.cache_authenticated = cache_authenticated

    # -- keys ------------------------------------------------------------------------------

    def _url_hash(self, request: Request) -> str:
        url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        return hashlib.sha256(url.encode()).hexdigest()

    def _vary_key(self, url: str) -> str:
        return f"page.vary.{self.key_prefix}.{url}"

    def _page_key(self, request: Request, url: str, vary: list[str]) -> str:
        values = hashlib.sha256()
        for header in vary:
            values.update(header.lower().encode() + b"\0")
            value = request.headers.get(header, "")
            values.update(value.encode("latin-1", "replace") + b"\0")
        return f"page.{self.key_prefix}.{url}.{values.hexdigest()}"

    # -- fetching --------------------------------------------------------------------------

    def fetch(self, request: Request) -> WebObResponse | None:
        """Return the stored response for this request, or None."""
        if request.method not in ("GET", "HEAD"):
            return None
        url = self._url_hash(request)
        vary = self.cache.get(self._vary_key(url))
        if vary is None:
            return None
        stored = self.cache.get(self._page_key(request, url, vary))
        if stored is None:
            return None
        status, headerlist, body = stored
        return WebObResponse(status=status, headerlist=list(headerlist), body=body)

    # -- storing ---------------------------------------------------------------------------

    def store(self, request: Request, response: WebObResponse) -> WebObResponse:
        """Store the response when it is safe to share; return it (with max-age added)."""
        timeout = self._timeout(request, response)
        if timeout is None:
            return response
        if "max-age" not in (response.headers.get("Cache-Control") or ""):
            response.cache_control.max_age = int(timeout)
        vary = _varies(request, response)
        body = response.body
        headers = [(name, value) for name, value in response.headerlist]
        url = self._url_hash(request)
        self.cache.set(self._vary_key(url), vary, timeout)
        stored = (response.status, headers, body)
        self.cache.set(self._page_key(request, url, vary), stored, timeout)
        return response

    def _timeout(self, request: Request, response: WebObResponse) -> float | None:
        """Return how long to keep the response, or None when it must not be kept."""
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return None
        if not isinstance(response.app_iter, list | tuple) or "Set-Cookie" in response.headers:
            return None
        if "*" in (response.vary or ()):
            return None
        directives = _directives(response.headers.get("Cache-Control", ""))
        if directives.keys() & UNCACHEABLE:
            return None
        if not self.cache_authenticated and _logged_in(request):
            return None
        if "max-age" in directives:
            try:
                seconds = int(directives["max-age"])
            except ValueError:
                return None
            return float(seconds) if seconds > 0 else None
        return self.seconds if self.seconds > 0 else None


def _directives(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            found[name.lower()] = value.strip().strip('"')
    return found


def _logged_in(request: Request) -> bool:
    user: Any = getattr(request, "user", None)
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _varies(request: Request, response: WebObResponse) -> list[str]:
    vary = [header for header in (response.vary or ()) if header]
    session: Any = getattr(request, "session", None)
    # Inside the session middleware (cache_page), a view that read the session varies on
    # the cookie even though the middleware adds `Vary: Cookie` only later.
    if getattr(session, "accessed", False) and "cookie" not in {h.lower() for h in vary}:
        vary.append("Cookie")
    return vary


__all__ = ["PageCache"]
