"""The WSGI handler: the middleware chain, URL resolution, and exceptions turned into responses.

Built once per process by `core.wsgi.get_wsgi_application()`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
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
from core.types import GetResponse, StartResponse, WSGIEnvironment
from core.urls import Resolver404, get_resolver
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


class WSGIHandler:
    """The PEP 3333 application of a Stoa project.

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

    def _build_chain(self, middleware: list[str]) -> GetResponse:
        handler: GetResponse = self._guard(self.get_response)
        for path in reversed(middleware):
            factory = import_string(path, setting="MIDDLEWARE")
            try:
                layer = factory(handler)
            except MiddlewareNotUsed:
                continue
            if layer is None or not callable(layer):
                raise ImproperlyConfigured(
                    f"Middleware {path!r} returned {layer!r}: a middleware factory takes "
                    f"get_response and returns a callable from request to response."
                )
            self.error_headers = (*_security_headers(layer), *self.error_headers)
            handler = self._guard(layer)
        return handler

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

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        body_input = environ.get("wsgi.input")
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
            response = self.response_for_exception(request, exc)
        else:
            response = self.chain(request)
        if isinstance(response, TemplateResponse) and not response.is_rendered:
            try:
                response.render()
            except Exception as exc:  # noqa: BLE001 (a template error is a 500 like any other)
                response = self.server_error(request, exc)
        if _has_unsafe_header(response):
            response = self._unsafe_header_response(request, response)
        replaced: Any = environ.get("wsgi.input")
        if replaced is not body_input and replaced is not None:
            # WebOb spooled a large body to a temporary file: release it now.
            replaced.close()
        result: Iterable[bytes] = response(environ, start_response)
        return result

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
        response = match.func(request, *match.args, **match.kwargs)
        if not isinstance(response, WebObResponse):
            raise TypeError(
                f"The view {match.view_path} returned {type(response).__name__} instead of a "
                f"Response: return a Response (or raise an HTTP error) on every path of it."
            )
        return response

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


def _safe_path(request: Request) -> str:
    try:
        return str(request.path)
    except Exception:  # noqa: BLE001 (an undecodable path is logged as raw text)
        return str(request.environ.get("PATH_INFO", ""))
