"""The WSGI handler: the middleware chain, URL resolution, and exceptions turned into responses.

Built once per process by `core.wsgi.get_wsgi_application()`. BaseHandler holds all of it
but the PEP 3333 call, and `core.asgi.ASGIHandler` builds on it too.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from webob import Response as WebObResponse
from webob.exc import HTTPError, WSGIHTTPException

import core
from core.conf import settings
from core.exceptions import (
    BadRequest,
    ImproperlyConfigured,
    MiddlewareNotUsed,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from core.http import Request, Response
from core.log import request_logger
from core.template_response import TemplateResponse
from core.templating import get_engine
from core.types import AsyncGetResponse, GetResponse, StartResponse, WSGIEnvironment
from core.urls import Resolver404, ResolverMatch, get_resolver
from core.utils import import_string

_UNSAFE_HEADER = re.compile(r"[\r\n\x00]")

ERROR_TITLES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    500: "Server Error",
    503: "Service Unavailable",
}


class BaseHandler:
    """What the WSGI and the ASGI handler share: the chain, the checks, errors as responses.

    Construction validates the settings and builds everything a request needs: the
    URL resolver, the template engine and the middleware chain. Any problem is raised
    there, as one ImproperlyConfigured, rather than on the first request.
    """

    def __init__(self) -> None:
        core.setup()
        self.debug = settings.DEBUG
        self.append_slash = settings.APPEND_SLASH
        self.max_body = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self.use_x_forwarded_host = settings.USE_X_FORWARDED_HOST
        # None unless a proxy setting is used: the request path then pays one test.
        self.forwarded = _forwarded_headers(
            settings.TRUSTED_PROXIES, settings.SECURE_PROXY_SSL_HEADER, self.use_x_forwarded_host
        )
        self.resolver = get_resolver()
        self.resolver.reverse_dict()
        self.templates = get_engine()
        # The headers the middleware adds to every response, for the responses made here.
        self.error_headers: tuple[tuple[str, str], ...] = ()
        self.chain = self._build_chain(settings.MIDDLEWARE)

    def _build_chain(self, middleware: list[str], *, is_async: bool = False) -> Any:
        """Wrap the innermost layer in each middleware, outermost last.

        Django's rules for sync and async middleware: a factory says what it can be with
        `sync_capable` (default True) and `async_capable` (default False). One that can
        be both gets the kind of the layer inside it; otherwise the layer inside is
        adapted (asgiref's sync_to_async or async_to_sync) where the kind changes. The
        chain comes out sync for WSGI, async (`is_async`) for ASGI.
        """
        handler: Any
        if is_async:
            handler = self._guard_async(self.get_response_async)
        else:
            handler = self._guard(self.get_response)
        handler_is_async = is_async
        innermost = True
        for path in reversed(middleware):
            factory = import_string(path, setting="MIDDLEWARE")
            layer_is_async = _middleware_is_async(factory, path, handler_is_async)
            if innermost and handler_is_async and not layer_is_async:
                # A sync layer right around the view: give it the sync innermost layer
                # rather than the async one adapted, which would cost two more thread
                # hops per request. A sync view then runs in the layer's thread, an async
                # one goes to the event loop (get_response awaits it through asgiref).
                inner: Any = self._guard(self.get_response)
            else:
                inner = _adapt(handler, handler_is_async, layer_is_async)
            try:
                layer = factory(inner)
            except MiddlewareNotUsed:
                continue
            innermost = False
            if layer is None or not callable(layer):
                raise ImproperlyConfigured(
                    f"Middleware {path!r} returned {layer!r}: a middleware factory takes "
                    f"get_response and returns a callable from request to response."
                )
            self.error_headers = (*_security_headers(layer), *self.error_headers)
            handler = self._guard_async(layer) if layer_is_async else self._guard(layer)
            handler_is_async = layer_is_async
        return _adapt(handler, handler_is_async, is_async)

    def secure(self, response: WebObResponse) -> WebObResponse:
        """Add the security headers the middleware gives every response, unless set.

        For the responses made here (400 for a bad Host, 413, the error pages): some are
        made before the middleware runs, some raised by a layer outside the one that adds
        a header; each carries the same headers as a page would.
        """
        headerlist = response.headerlist
        names = {name.lower() for name, _ in headerlist}
        headerlist.extend(header for header in self.error_headers if header[0].lower() not in names)
        return response

    def _guard(self, get_response: GetResponse) -> GetResponse:
        # Every layer answers with a response, so outer layers never see an exception.
        def layer(request: Request) -> WebObResponse:
            try:
                return get_response(request)
            except Exception as exc:  # noqa: BLE001 (each kind is mapped to a status)
                return self.response_for_exception(request, exc)

        return layer

    def _guard_async(self, get_response: AsyncGetResponse) -> AsyncGetResponse:
        async def layer(request: Request) -> WebObResponse:
            try:
                return await get_response(request)
            except Exception as exc:  # noqa: BLE001 (each kind is mapped to a status)
                return self.response_for_exception(request, exc)

        return layer

    async def get_response_async(self, request: Request) -> WebObResponse:
        """Resolve the path and call the view: the innermost layer of an async chain.

        An `async def` view is awaited on the event loop. Anything else (a sync view, a
        missing route, the APPEND_SLASH redirect) is the sync innermost layer's, run in
        the request's worker thread (thread-sensitive sync_to_async), where the sync
        middleware runs too, so the database session is opened and closed in one thread.
        """
        match = self.resolver.resolve(request.path_info)
        if match is None or not _is_async_view(match.func):
            from asgiref.sync import sync_to_async

            return await sync_to_async(self.get_response)(request)
        request.resolver_match = match
        result = match.func(request, *match.args, **match.kwargs)
        if inspect.isawaitable(result):
            result = await result
        return self.check_view_result(match, result)

    def check_request(self, request: Request) -> WebObResponse | None:
        """Apply the proxy settings, check the Host and the declared body size.

        Return the error response for a request that must go no further, else None.
        """
        environ = request.environ
        if self.forwarded:
            self.forwarded(environ)
        try:
            host = request.get_host()
            if self.use_x_forwarded_host:
                # Every URL WebOb builds (request.url, host_url) then names the public host.
                environ["HTTP_HOST"] = host
            if self.max_body is not None and _declared_length(environ) > self.max_body:
                request.check_body_size()
        except Exception as exc:  # noqa: BLE001
            return self.response_for_exception(request, exc)
        return None

    def finish_response(self, request: Request, response: WebObResponse) -> WebObResponse:
        """Render a template response not rendered yet; refuse a header with CR or LF."""
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            try:
                response.render()
            except Exception as exc:  # noqa: BLE001 (a template error is a 500 like any other)
                response = self.server_error(request, exc)
        if _has_unsafe_header(response):
            response = self._unsafe_header_response(request, response)
        return response

    def get_response(self, request: Request) -> WebObResponse:
        """Resolve the path and call the view: the innermost layer of the chain."""
        path = request.path_info
        match = self.resolver.resolve(path)
        if match is None:
            redirect = self._append_slash(request, path)
            if redirect is not None:
                return redirect
            raise Resolver404(path)
        request.resolver_match = match
        response: object = match.func(request, *match.args, **match.kwargs)
        if not isinstance(response, WebObResponse):
            return self.sync_view_result(match, response)
        return response

    def sync_view_result(self, match: ResolverMatch, result: object) -> WebObResponse:
        """Finish what a view returned other than a response: await an `async def` view."""
        if inspect.isawaitable(result):
            # An async view in a sync layer: asgiref runs it on the server's event loop
            # under ASGI, and on an event loop of its own under WSGI.
            from asgiref.sync import async_to_sync

            return self.check_view_result(match, async_to_sync(_awaited)(result))
        return self.check_view_result(match, result)

    def check_view_result(self, match: ResolverMatch, result: object) -> WebObResponse:
        """Return `result` if it is a response; raise the error that names the view if not."""
        if not isinstance(result, WebObResponse):
            raise TypeError(
                f"The view {match.view_path} returned {type(result).__name__} instead of a "
                f"Response: return a Response (or raise an HTTP error) on every path of it."
            )
        return result

    def _append_slash(self, request: Request, path: str) -> Response | None:
        if (
            not self.append_slash
            or path.endswith("/")
            or request.method not in ("GET", "HEAD")
            or self.resolver.resolve(path + "/") is None
        ):
            return None
        location = request.get_full_path(force_append_slash=True)
        if location.startswith("//"):
            # Never a protocol-relative URL: //evil.example/ would leave the site.
            location = "/%2F" + location[2:]
        return Response(status=301, location=location)

    def response_for_exception(self, request: Request, exc: Exception) -> WebObResponse:
        """Turn an exception raised while handling `request` into a response."""
        from core import debug

        if isinstance(exc, WSGIHTTPException):
            if not isinstance(exc, HTTPError) or exc.has_body:
                response: WebObResponse = exc
                return response
            if self.debug and exc.code == 404:
                return self.secure(debug.technical_404_response(request, exc, self.resolver))
            return self.error_response(request, exc.code, exc.headerlist)
        if isinstance(exc, Resolver404):
            if self.debug:
                return self.secure(debug.technical_404_response(request, exc, self.resolver))
            return self.error_response(request, 404)
        if isinstance(exc, SuspiciousOperation):
            logging.getLogger(f"stoa.security.{type(exc).__name__}").warning(
                "%s", exc, extra={"status": 400}
            )
            return self._client_error(request, 400, exc)
        if isinstance(exc, BadRequest):
            request_logger.warning("Bad Request: %s", exc, extra={"status": 400})
            return self._client_error(request, 400, exc)
        if isinstance(exc, RequestDataTooBig):
            request_logger.warning("Content Too Large: %s", exc, extra={"status": 413})
            return self._client_error(request, 413, exc)
        if _database_unavailable(exc):
            request_logger.error(
                "Service Unavailable: the database cannot be reached (%s) for %s %s",
                type(exc).__name__,
                request.method,
                _safe_path(request),
                extra={"status": 503},
            )
            return self.error_response(request, 503, [("Retry-After", "5")])
        if isinstance(exc, PermissionDenied):
            request_logger.warning(
                "Forbidden (%s): %s", exc, _safe_path(request), extra={"status": 403}
            )
            return self._client_error(request, 403, exc)
        return self.server_error(request, exc)

    def server_error(self, request: Request, exc: BaseException) -> WebObResponse:
        """Log the exception with its traceback and answer 500."""
        from core import debug

        request_logger.error(
            "Internal Server Error: %s %s",
            request.method,
            _safe_path(request),
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"status": 500},
        )
        if self.debug:
            return self.secure(debug.technical_500_response(request, exc))
        return self.error_response(request, 500)

    def _client_error(self, request: Request, status: int, exc: Exception) -> WebObResponse:
        from core import debug

        if self.debug:
            response = debug.technical_error_response(request, status, ERROR_TITLES[status], exc)
            return self.secure(response)
        return self.error_response(request, status)

    def error_response(
        self, request: Request, status: int, headers: list[tuple[str, str]] | None = None
    ) -> Response:
        """Render the project's (or Stoa's) `<status>.html`, saying nothing about internals."""
        title = ERROR_TITLES.get(status, "Error")
        context = {"status": status, "title": title}
        try:
            body = self.templates.render([f"{status}.html", "stoa/error.html"], context)
        except Exception:  # noqa: BLE001 (a broken error template must not hide the error)
            request_logger.exception("The %s.html error template failed to render", status)
            body = f"<!doctype html><title>{status} {title}</title><h1>{status} {title}</h1>"
        response = Response(body, status=status)
        for name, value in headers or ():
            if name.lower() in ("allow", "www-authenticate", "retry-after"):
                response.headers[name] = value
        self.secure(response)
        return response

    def _unsafe_header_response(self, request: Request, response: WebObResponse) -> WebObResponse:
        names = [name for name, value in response.headerlist if _UNSAFE_HEADER.search(name + value)]
        view = request.resolver_match.view_path if request.resolver_match else "a middleware"
        error = ValueError(
            f"{view} set the header {names[0]!r} to a value containing CR, LF or NUL; "
            f"header values must be a single line."
        )
        return self.server_error(request, error)


class WSGIHandler(BaseHandler):
    """The PEP 3333 application of a Stoa project (see BaseHandler)."""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        body_input = environ.get("wsgi.input")
        response = self.check_request(request)
        if response is None:
            response = self.chain(request)
        response = self.finish_response(request, response)
        replaced: Any = environ.get("wsgi.input")
        if replaced is not body_input and replaced is not None:
            # WebOb spooled a large body to a temporary file: release it now.
            replaced.close()
        result: Iterable[bytes] = response(environ, start_response)
        return result


def _forwarded_headers(
    trusted_proxies: list[str], ssl_header: tuple[str, str] | None, forwarded_host: bool
) -> Callable[[WSGIEnvironment], None] | None:
    """Return what applies the proxy settings to an environ, or None if none is used."""
    if trusted_proxies:
        from core.proxies import TrustedProxies

        return TrustedProxies(trusted_proxies, ssl_header=ssl_header, forwarded_host=forwarded_host)
    if ssl_header is None:
        return None
    key, value = ssl_header

    def mark_https(environ: WSGIEnvironment) -> None:
        # No TRUSTED_PROXIES: the header is believed from any peer (Django's behaviour).
        if environ.get(key) == value:
            environ["wsgi.url_scheme"] = "https"

    return mark_https


def _middleware_is_async(factory: Any, path: str, inner_is_async: bool) -> bool:
    """Say whether a middleware is to be given, and to be, an async layer."""
    sync_capable = getattr(factory, "sync_capable", True)
    async_capable = getattr(factory, "async_capable", False)
    if not sync_capable and not async_capable:
        raise ImproperlyConfigured(
            f"Middleware {path!r} is neither sync_capable nor async_capable: set one of "
            f"them to True on it."
        )
    return bool(async_capable and (inner_is_async or not sync_capable))


def _is_async_view(func: Any) -> bool:
    """Say whether a view is `async def` (a function, or a View whose handlers are)."""
    return bool(getattr(func, "view_is_async", False)) or inspect.iscoroutinefunction(func)


def _adapt(handler: Any, is_async: bool, to_async: bool) -> Any:
    """Return `handler` as a sync or async callable (asgiref's adapters), as asked."""
    if is_async == to_async:
        return handler
    from asgiref.sync import async_to_sync, sync_to_async

    return sync_to_async(handler) if to_async else async_to_sync(handler)


def _security_headers(layer: object) -> tuple[tuple[str, str], ...]:
    """Return the headers a middleware layer adds to every response: none for most."""
    from core.middleware.clickjacking import XFrameOptionsMiddleware
    from core.middleware.security import SecurityMiddleware

    if isinstance(layer, SecurityMiddleware):
        return layer.headers
    if isinstance(layer, XFrameOptionsMiddleware):
        return (("X-Frame-Options", layer.value),)
    return ()


def _database_unavailable(exc: Exception) -> bool:
    """Say whether `exc` means the database is down or busy, rather than a bug."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or exc.statement is None:
        return True  # a lost connection, or one that could not be opened
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def _has_unsafe_header(response: WebObResponse) -> bool:
    # One search over all names and values: this runs on every response.
    return _UNSAFE_HEADER.search("".join(chain.from_iterable(response.headerlist))) is not None


def _declared_length(environ: WSGIEnvironment) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


async def _awaited(result: Awaitable[object]) -> object:
    return await result


def _safe_path(request: Request) -> str:
    try:
        return str(request.path)
    except Exception:  # noqa: BLE001 (an undecodable path is logged as raw text)
        return str(request.environ.get("PATH_INFO", ""))
