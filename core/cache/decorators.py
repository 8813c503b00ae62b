"""`cache_page(seconds)`: keep a view's responses in the cache (for anonymous visitors).

urlpatterns = [path("news/", cache_page(60 * 5)(NewsList.as_view()), name="news")]

@cache_page(60)
def sitemap(request): ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from core.http import Request
from core.types import ViewFunction


def cache_page(
    seconds: float,
    *,
    cache: str | None = None,
    key_prefix: str | None = None,
    cache_authenticated: bool = False,
) -> Callable[[ViewFunction], ViewFunction]:
    """Return a decorator that serves the view from the cache for `seconds`.

    `cache` names the cache (CACHE_MIDDLEWARE_ALIAS by default); `cache_authenticated`
    also stores pages of logged-in users (one copy per session, as the key varies on
    the cookie once the view reads the session).
    """

    def decorator(view: ViewFunction) -> ViewFunction:
        from core.middleware.cache import CacheMiddleware

        @wraps(view)
        def cached(request: Request, *args: Any, **kwargs: Any) -> Any:
            layer = CacheMiddleware(
                lambda req: view(req, *args, **kwargs),
                seconds=seconds,
                alias=cache,
                key_prefix=key_prefix,
                cache_authenticated=cache_authenticated,
            )
            return layer(request)

        return cached

    return decorator


__all__ = ["cache_page"]
