"""URL configuration: `path()`, `re_path()`, `include()`, `reverse()` and converters.

from core.urls import include, path
urlpatterns = [
    path("", views.Home.as_view(), name="home"),
    path("articles/<int:pk>/", views.ArticleDetail.as_view(), name="article"),
    path("blog/", include("blog.urls")),
]
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any, TypeAlias

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.types import WSGIApplication
from core.urls.converters import register_converter
from core.urls.resolvers import (
    NoReverseMatch,
    RegexPattern,
    Resolver404,
    ResolverMatch,
    RoutePattern,
    URLPattern,
    URLResolver,
    check_view,
)

Included: TypeAlias = tuple[
    "str | ModuleType | Sequence[URLPattern | URLResolver]", str | None, str | None
]


def include(
    arg: str | ModuleType | Sequence[Any] | tuple[Sequence[Any], str],
    namespace: str | None = None,
) -> Included:
    """Refer to another URLconf: a dotted module path, a module, or a list of patterns.

    The URLconf's `app_name` (or the second item of a `(patterns, app_name)` tuple) is
    its application namespace; `namespace` names this instance of it.
    """
    app_name: str | None = None
    if isinstance(arg, tuple) and len(arg) == 2 and isinstance(arg[1], str):
        arg, app_name = arg
    urlconf: str | ModuleType | Sequence[Any] = arg
    if isinstance(urlconf, str):
        urlconf = importlib.import_module(urlconf)
    if isinstance(urlconf, ModuleType):
        app_name = getattr(urlconf, "app_name", app_name)
    if namespace and not app_name:
        raise ImproperlyConfigured(
            f"include() got namespace={namespace!r} but the included URLconf has no app_name: "
            f"set app_name in it, or pass a (patterns, app_name) tuple."
        )
    return urlconf, app_name, namespace or app_name


def path(
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
) -> URLPattern | URLResolver:
    """Map a route like `articles/<int:pk>/` to a view, or to an include()."""
    return _make(RoutePattern, route, view, kwargs, name)


def re_path(
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None = None,
    name: str | None = None,
) -> URLPattern | URLResolver:
    """Map a regular expression to a view, or to an include(); groups become arguments."""
    return _make(RegexPattern, route, view, kwargs, name)


def mount(route: str, app: WSGIApplication, name: str | None = None) -> URLPattern:
    """Serve every path under `route` with a plain PEP 3333 application.

    The application sees SCRIPT_NAME extended by the prefix and PATH_INFO as the rest.
    """
    from core.views.wsgi import WSGIAppView

    if route and not route.endswith("/"):
        raise ImproperlyConfigured(f"mount() route {route!r} must end with a slash.")
    return URLPattern(
        RoutePattern(route, is_endpoint=False), WSGIAppView(app), None, name, passes_rest=True
    )


def _make(
    pattern_class: type[RoutePattern] | type[RegexPattern],
    route: str,
    view: Any,
    kwargs: dict[str, Any] | None,
    name: str | None,
) -> URLPattern | URLResolver:
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError(f"kwargs of route {route!r} must be a dict, not {type(kwargs).__name__}.")
    if isinstance(view, tuple) and len(view) == 3:
        urlconf, app_name, namespace = view
        return URLResolver(
            pattern_class(route, is_endpoint=False), urlconf, kwargs, app_name, namespace
        )
    if isinstance(view, list):
        raise ImproperlyConfigured(f"URL route {route!r} was given a list: wrap it in include().")
    return URLPattern(pattern_class(route, is_endpoint=True), check_view(view, route), kwargs, name)


_resolvers: dict[tuple[int, str], URLResolver] = {}


def get_resolver(urlconf: str | None = None) -> URLResolver:
    """Return the root resolver of `urlconf` (default ROOT_URLCONF), built once."""
    name = urlconf or settings.ROOT_URLCONF
    if not name:
        raise ImproperlyConfigured(
            "ROOT_URLCONF is not set: name the module that holds urlpatterns, "
            "e.g. ROOT_URLCONF = 'mysite.urls'."
        )
    key = (settings.generation, name)
    resolver = _resolvers.get(key)
    if resolver is None:
        _resolvers.clear()
        resolver = URLResolver(RegexPattern(r"^/", is_endpoint=False), name)
        resolver.is_root = True
        _resolvers[key] = resolver
    return resolver


def reverse(
    viewname: str,
    args: Sequence[Any] | None = None,
    kwargs: dict[str, Any] | None = None,
    *,
    query: dict[str, Any] | Sequence[tuple[str, Any]] | None = None,
    urlconf: str | None = None,
) -> str:
    """Return the path of the URL pattern named `viewname` (`"ns:name"` for namespaces).

    `args` or `kwargs` fill in its parameters; `query` adds a query string.
    Raise NoReverseMatch when no pattern fits.
    """
    return get_resolver(urlconf).reverse(viewname, args, kwargs, query)


def resolve(path_info: str, urlconf: str | None = None) -> ResolverMatch:
    """Return the match for a path such as `/articles/1/`; raise Resolver404 if none."""
    return get_resolver(urlconf).resolve_or_404(path_info)


__all__ = [
    "NoReverseMatch",
    "Resolver404",
    "ResolverMatch",
    "URLPattern",
    "URLResolver",
    "get_resolver",
    "include",
    "mount",
    "path",
    "re_path",
    "register_converter",
    "resolve",
    "reverse",
]
