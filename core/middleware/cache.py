"""Cache whole pages for anonymous visitors: Django's pair of cache middleware.

    MIDDLEWARE = [
        "core.middleware.cache.UpdateCacheMiddleware",     # first: sees the final response
        "core.middleware.security.SecurityMiddleware",
        ...
        "core.middleware.cache.FetchFromCacheMiddleware",  # last: answers before the view
    ]

CACHE_MIDDLEWARE_SECONDS, CACHE_MIDDLEWARE_KEY_PREFIX and CACHE_MIDDLEWARE_ALIAS
choose how long, under which prefix and in which cache (see core.cache.pages for what
is stored). For one view, use `core.cache.decorators.cache_page(seconds)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.cache.pages import PageCache

if TYPE_CHECKING:
    from webob import Response as WebObResponse

    from core.http import Request
    from core.types import GetResponse


def _page_cache(seconds: float | None = None, alias: str | None = None) -> PageCache:
    from core.cache import caches
    from core.conf import settings

    return PageCache(
        caches[alias or settings.CACHE_MIDDLEWARE_ALIAS],
        settings.CACHE_MIDDLEWARE_SECONDS if seconds is None else seconds,
        key_prefix=settings.CACHE_MIDDLEWARE_KEY_PREFIX,
    )


class UpdateCacheMiddleware:
    """Store the responses that may be shared (put it first in MIDDLEWARE)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.pages = _page_cache()

    def __call__(self, request: Request) -> WebObResponse:
        response = self.get_response(request)
        if request.environ.get("stoa.cache.hit"):
            return response
        return self.pages.store(request, response)


class FetchFromCacheMiddleware:
    """Answer from the cache when a stored page fits the request (put it last)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.pages = _page_cache()

    def __call__(self, request: Request) -> WebObResponse:
        cached = self.pages.fetch(request)
        if cached is None:
            return self.get_response(request)
        request.environ["stoa.cache.hit"] = True
        return cached


class CacheMiddleware:
    """Fetch and store around one view (what `cache_page()` wraps it in)."""

    def __init__(
        self,
        get_response: GetResponse,
        *,
        seconds: float | None = None,
        alias: str | None = None,
        key_prefix: str | None = None,
        cache_authenticated: bool = False,
    ) -> None:
        self.get_response = get_response
        self.seconds, self.alias, self.key_prefix = seconds, alias, key_prefix
        self.cache_authenticated = cache_authenticated

    def pages(self) -> PageCache:
        """Return the page cache for the current settings."""
        pages = _page_cache(self.seconds, self.alias)
        if self.key_prefix is not None:
            pages.key_prefix = self.key_prefix
        pages.cache_authenticated = self.cache_authenticated
        return pages

    def __call__(self, request: Request) -> WebObResponse:
        pages = self.pages()
        cached = pages.fetch(request)
        if cached is not None:
            request.environ["stoa.cache.hit"] = True
            return cached
        return pages.store(request, self.get_response(request))
