"""Requests and responses: thin subclasses of WebOb's, plus its HTTP errors.

from core.http import Request, Response, JsonResponse, HTTPNotFound
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import webob.exc
from webob import Response as WebObResponse
from webob.exc import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPError,
    HTTPException,
    HTTPForbidden,
    HTTPGone,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPNotFound,
    HTTPNotImplemented,
    HTTPNotModified,
    HTTPRedirection,
    HTTPRequestEntityTooLarge,
    HTTPServiceUnavailable,
    HTTPTooManyRequests,
    HTTPUnauthorized,
    HTTPUnprocessableEntity,
)
from webob.multidict import GetDict, MultiDict, NoVars
from webob.request import BaseRequest, DisconnectionError
from webob.util import status_reasons

from core.conf import settings
from core.encoding import escape_uri_path, iri_to_uri
from core.exceptions import BadRequest, DisallowedRedirect, RequestDataTooBig, TooManyFieldsSent
from core.hosts import validate_host

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

    from core.types import WSGIEnvironment
    from core.urls.resolvers import ResolverMatch

Http404 = HTTPNotFound

_BODY_CHECKED = "stoa.body_checked"
_UNSET: Any = object()
HOST_KEY = "stoa.host"
# What browsers skip or drop before they read a URL's scheme.
_URL_BLANKS = "".join(map(chr, range(0x21)))
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


class Request(BaseRequest):
    """One HTTP request: WebOb's request with limits and strict decoding.

    Undecodable paths and query strings, truncated bodies, invalid JSON and oversized
    bodies raise BadRequest or RequestDataTooBig, which become 400 and 413 responses.
    """

    resolver_match: ResolverMatch | None = None
    # Set by middleware: SessionMiddleware (session), AuthenticationMiddleware (user),
    # SecurityMiddleware with a Content-Security-Policy (csp_nonce).
    session: Any
    user: Any
    csp_nonce: str | None = None
    # Bodies are capped by DATA_UPLOAD_MAX_MEMORY_SIZE; below this they stay in memory.
    request_body_tempfile_limit = 1024 * 1024

    def encget(self, key: str, default: Any = ..., encattr: str | None = None) -> Any:
        """Read an environ value, decoded; an undecodable one is the client's error (400)."""
        try:
            if default is ...:
                return super().encget(key, encattr=encattr)
            return super().encget(key, default, encattr=encattr)
        except UnicodeDecodeError:
            raise BadRequest(f"{key} is not valid UTF-8.") from None

    @property
    def db(self) -> Session:
        """The request's database session, created on first use (see DatabaseMiddleware)."""
        scope = self.environ.get("stoa.db_scope")
        if scope is None:
            from core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(
                "request.db needs 'core.middleware.db.DatabaseMiddleware' in MIDDLEWARE."
            )
        session: Session = scope.session
        return session

    @property
    def adb(self) -> AsyncSession:
        """The request's AsyncSession under ASGI, created on first use (see DatabaseMiddleware).

        For `async def` views: `await request.adb.execute(select(...))`. Committed when the
        view answers with a non-error response, rolled back otherwise, like request.db.
        """
        scope = self.environ.get("stoa.adb_scope")
        if scope is None:
            from core.middleware.db import open_async_scope

            scope = open_async_scope(self)
        session: AsyncSession = scope.session
        return session

    def get_host(self) -> str:
        """Return the Host the client asked for, once it is checked against ALLOWED_HOSTS."""
        host = self.environ.get(HOST_KEY)
        if host is None:
            host = self.environ[HOST_KEY] = validate_host(self.environ)
        return str(host)

    def get_full_path(self, force_append_slash: bool = False) -> str:
        """Return the path and query string as a URI: `/caf%C3%A9/?q=%E2%98%83`.

        The path is encoded from its decoded form, the query from the bytes the client
        sent, so the result is fit for a Location header or a `?next=` value.
        """
        path = self.script_name + self.path_info
        if force_append_slash and not path.endswith("/"):
            path += "/"
        full_path = escape_uri_path(path)
        query = self.environ.get("QUERY_STRING")
        if query:
            # PEP 3333: the server's bytes, each as one latin-1 character.
            full_path += "?" + iri_to_uri(query.encode("latin-1", "replace"))
        return full_path

    @property
    def client_addr(self) -> str | None:
        """The client's address: REMOTE_ADDR, never a header that a client could forge.

        (WebOb's own reads X-Forwarded-For from anyone.) Behind a proxy, TRUSTED_PROXIES
        sets REMOTE_ADDR to the address the proxy saw.
        """
        return self.remote_addr

    @property
    def GET(self) -> GetDict:  # noqa: N802 (WebOb's name)
        """The query string's fields."""
        try:
            fields: GetDict = super().GET
        except UnicodeDecodeError:
            raise BadRequest("The query string is not valid UTF-8.") from None
        _check_field_count(fields)
        return fields

    @property
    def POST(self) -> MultiDict[str, Any] | NoVars:  # noqa: N802 (WebOb's name)
        """The fields of a url-encoded or multipart form body."""
        self.check_body_size()
        try:
            fields: MultiDict[str, Any] | NoVars = super().POST
        except (DisconnectionError, UnicodeDecodeError, ValueError, DeprecationWarning) as exc:
            raise BadRequest(f"The form body cannot be parsed: {exc}") from None
        if any(not isinstance(key, str) for key in fields):
            raise BadRequest("A part of the multipart body has no field name.")
        _check_field_count(fields)
        return fields

    def _get_body(self) -> bytes:
        self.check_body_size()
        try:
            body: bytes = super().body
            return body
        except DisconnectionError:
            raise BadRequest("The request body is shorter than its Content-Length.") from None

    def _set_body(self, value: bytes) -> None:
        BaseRequest.body.fset(self, value)  # type: ignore[attr-defined]
        self.environ[_BODY_CHECKED] = True

    body = property(_get_body, _set_body, doc="The request body, read at most once.")

    def _get_json(self) -> Any:
        body = self.body
        try:
            return json.loads(body.decode(self.charset or "utf-8"), parse_constant=_not_json)
        except (ValueError, RecursionError, LookupError) as exc:
            raise BadRequest(f"The request body is not valid JSON: {exc}") from None

    json = json_body = property(_get_json, doc="The request body parsed as JSON (400 if invalid).")

    def check_body_size(self) -> None:
        """Raise RequestDataTooBig when the body is over DATA_UPLOAD_MAX_MEMORY_SIZE.

        A declared Content-Length is checked without reading; a body without one
        (chunked) is read up to the limit and no further.
        """
        env = self.environ
        if env.get(_BODY_CHECKED):
            return
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        env[_BODY_CHECKED] = True
        if limit is None or not self.is_body_readable:
            return
        length = self.content_length
        if length is not None:
            if length > limit:
                raise RequestDataTooBig(
                    f"The request body is {length} bytes; the limit is {limit} "
                    f"(DATA_UPLOAD_MAX_MEMORY_SIZE)."
                )
            return
        data = _read_at_most(env["wsgi.input"], limit + 1)
        if len(data) > limit:
            raise RequestDataTooBig(
                f"The request body is over the limit of {limit} bytes "
                f"(DATA_UPLOAD_MAX_MEMORY_SIZE)."
            )
        BaseRequest.body.fset(self, data)  # type: ignore[attr-defined]


def _read_at_most(stream: Any, size: int) -> bytes:
    buffer = io.BytesIO()
    while buffer.tell() < size:
        chunk = stream.read(min(65536, size - buffer.tell()))
        if not chunk:
            break
        buffer.write(chunk)
    return buffer.getvalue()


def _check_field_count(fields: MultiDict[str, Any] | NoVars) -> None:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and len(fields) > limit:
        raise TooManyFieldsSent(
            f"The request has more than {limit} fields (DATA_UPLOAD_MAX_NUMBER_FIELDS)."
        )


def url_scheme(url: str) -> str | None:
    """Return the scheme a browser reads in `url`, in lower case; None for a relative URL.

    Browsers skip leading blanks and drop tabs and newlines first: `"\tjava\nscript:x"`
    is a javascript: URL to them.
    """
    scheme = _SCHEME.match(url.lstrip(_URL_BLANKS).translate(_URL_DROPPED))
    return scheme.group(1).lower() if scheme is not None else None


def location_header(url: str, allowed_schemes: frozenset[str]) -> str:
    """Return `url` as a Location header value: an IRI encoded to a URI, its scheme checked.

    Raise DisallowedRedirect (a 400, logged on the security logger) when the URL names a
    scheme not in `allowed_schemes`, as `javascript:` or `data:` would.
    """
    scheme = url_scheme(url)
    if scheme is not None and scheme not in allowed_schemes:
        raise DisallowedRedirect(
            f"Refusing to redirect to {url[:40]!r}: the scheme {scheme[:20]!r} is not one "
            f"of {', '.join(sorted(allowed_schemes))} (a response class may allow more in "
            f"its allowed_schemes)."
        )
    return iri_to_uri(url)


def _get_location(response: WebObResponse) -> str | None:
    value: str | None = response.headers.get("Location")
    return value


def _set_location(response: WebObResponse, value: str | None) -> None:
    if value is None:
        _del_location(response)
        return
    allowed: frozenset[str] = getattr(response, "allowed_schemes", ALLOWED_SCHEMES)
    response.headers["Location"] = location_header(str(value), allowed)


def _del_location(response: WebObResponse) -> None:
    if "Location" in response.headers:
        del response.headers["Location"]


# The schemes a redirect may name; a relative reference (no scheme) is always allowed.
ALLOWED_SCHEMES = frozenset({"http", "https"})
# The Location of every response class of the framework: encoded, its scheme checked.
LOCATION = property(_get_location, _set_location, _del_location, "The Location header.")


class Response(WebObResponse):
    """An HTTP response: WebOb's, HTML and UTF-8 by default.

    A Location is sent as set, except that what a URI cannot hold is percent-encoded
    (`/café/` goes out as `/caf%C3%A9/`) and a scheme outside `allowed_schemes` is
    refused with DisallowedRedirect. RFC 9110 allows relative references, and so no
    absolute URL is ever built from the client's Host header.
    """

    default_content_type = "text/html"
    default_charset = "UTF-8"
    # The schemes a Location may name; a subclass may add one (an app's deep links).
    allowed_schemes: frozenset[str] = ALLOWED_SCHEMES
    location = LOCATION

    def __init__(
        self,
        body: str | bytes | None = None,
        status: int | str | None = None,
        headerlist: list[tuple[str, str]] | None = None,
        app_iter: Iterable[bytes] | None = None,
        content_type: str | None = None,
        conditional_response: bool | None = None,
        charset: Any = _UNSET,
        **kwargs: Any,
    ) -> None:
        # The common case, Response(body, status=..., content_type=...), is built here
        # directly: WebOb's general constructor costs more than the rest of a small view.
        # Anything else goes through WebOb, which the fast path matches header for header.
        if (
            headerlist is None
            and app_iter is None
            and charset is _UNSET
            and conditional_response is None
            and not kwargs
        ):
            status_line = "200 OK" if status is None else _BODY_STATUS_LINES.get(status)
            content = _content_type_header(type(self), content_type)
            if status_line is not None and content is not None:
                header, encoding = content
                if body is None:
                    data = b""
                elif isinstance(body, bytes):
                    data = body
                elif encoding is not None and isinstance(body, str):
                    data = body.encode(encoding)
                else:
                    data = None
                if data is not None:
                    self._status = status_line
                    self._headers = None
                    length = str(len(data))
                    self._headerlist = [("Content-Type", header), ("Content-Length", length)]
                    self.conditional_response = self.default_conditional_response
                    self._app_iter = [data]
                    return
        if charset is not _UNSET:
            kwargs["charset"] = charset
        super().__init__(
            body,
            status,
            headerlist,
            app_iter,
            content_type,
            conditional_response,
            **kwargs,
        )

    def set_body(self, body: bytes) -> None:
        """Replace the body with `body` and set Content-Length to match.

        What `response.body = body` does, without WebOb's header machinery (a hot path:
        every rendered template ends here).
        """
        self._app_iter = [body]
        headerlist = self._headerlist
        length = str(len(body))
        for index, (name, _) in enumerate(headerlist):
            if name.lower() == "content-length":
                headerlist[index] = ("Content-Length", length)
                return
        headerlist.append(("Content-Length", length))

    def _abs_headerlist(self, environ: WSGIEnvironment) -> list[tuple[str, str]]:
        return list(self.headerlist)


# Status codes whose responses have a body, as Response(status=...) takes them.
_BODY_STATUS_LINES: dict[int | str | None, str] = {
    code: f"{code} {reason}"
    for code, reason in status_reasons.items()
    if code >= 200 and code not in (204, 205, 304)
}
_CONTENT_TYPES: dict[tuple[Any, ...], tuple[str, str | None]] = {}


def _content_type_header(
    cls: type[WebObResponse], content_type: str | None
) -> tuple[str, str | None] | None:
    """Return the Content-Type header WebOb would send for `content_type`, and the body's
    encoding (None: only bytes bodies), learnt from WebOb once per class and type."""
    # The class's defaults are part of the key: a class may change them after use.
    key = (cls, content_type, getattr(cls, "default_content_type", None), cls.default_charset)
    known = _CONTENT_TYPES.get(key)
    if known is None:
        probe = WebObResponse.__new__(cls)
        WebObResponse.__init__(probe, content_type=content_type)
        header = probe.headers.get("Content-Type")
        if header is None:
            return None
        known = (header, probe.charset)
        if len(_CONTENT_TYPES) < 256:  # a view's own content types: few
            _CONTENT_TYPES[key] = known
    return known


class _CheckedLocation:
    """Give a webob.exc redirect class the Location handling of Response."""

    allowed_schemes: frozenset[str] = ALLOWED_SCHEMES
    location = LOCATION

    def __init__(self, *args: Any, location: str | None = None, **kwargs: Any) -> None:
        # Encoded before WebOb sees it: WebOb refuses a raw newline with a ValueError.
        if location is not None:
            location = location_header(str(location), self.allowed_schemes)
        super().__init__(*args, location=location, **kwargs)  # type: ignore[call-arg]


class HTTPMovedPermanently(_CheckedLocation, webob.exc.HTTPMovedPermanently):
    """301, its Location encoded and checked as Response's is."""


class HTTPFound(_CheckedLocation, webob.exc.HTTPFound):
    """302, its Location encoded and checked as Response's is."""


class HTTPSeeOther(_CheckedLocation, webob.exc.HTTPSeeOther):
    """303, its Location encoded and checked as Response's is."""


class HTTPTemporaryRedirect(_CheckedLocation, webob.exc.HTTPTemporaryRedirect):
    """307, its Location encoded and checked as Response's is."""


class HTTPPermanentRedirect(_CheckedLocation, webob.exc.HTTPPermanentRedirect):
    """308, its Location encoded and checked as Response's is."""


def _not_json(constant: str) -> Any:
    # Python's json reads NaN and Infinity; RFC 8259 has neither.
    raise ValueError(f"{constant} is not a JSON value")


class JsonResponse(Response):
    """A response whose body is `data` encoded as JSON.

    Only dicts are accepted unless `safe=False`, so a top-level list is a deliberate choice.
    """

    def __init__(
        self,
        data: Any,
        *,
        status: int = 200,
        safe: bool = True,
        dumps: Callable[..., str] = json.dumps,
        **kwargs: Any,
    ) -> None:
        if safe and not isinstance(data, dict):
            raise TypeError("JsonResponse takes a dict; pass safe=False to send another type.")
        text = dumps(data, separators=(",", ":"), ensure_ascii=False, default=str)
        try:
            body = text.encode()
        except UnicodeEncodeError:
            # A lone surrogate (valid in a JSON string a client sent, not in UTF-8): escape it.
            body = dumps(data, separators=(",", ":"), default=str).encode()
        # The header list is given whole: WebOb's content-type and charset handling costs
        # more than the encoding itself. RFC 8259: JSON is UTF-8, with no charset parameter.
        headerlist = [
            ("Content-Type", kwargs.pop("content_type", "application/json")),
            ("Content-Length", str(len(body))),
        ]
        extra = kwargs.pop("headers", None)
        if extra:
            headerlist.extend(extra.items() if isinstance(extra, Mapping) else extra)
        status_line = _BODY_STATUS_LINES.get(status)
        if status_line is None or kwargs:
            super().__init__(status=status, headerlist=headerlist, app_iter=[body], **kwargs)
            return
        self._status = status_line
        self._headers = None
        self._headerlist = headerlist
        self.conditional_response = self.default_conditional_response
        self._app_iter = [body]


__all__ = [
    "ALLOWED_SCHEMES",
    "BadRequest",
    "HTTPBadRequest",
    "HTTPConflict",
    "HTTPError",
    "HTTPException",
    "HTTPForbidden",
    "HTTPFound",
    "HTTPGone",
    "HTTPInternalServerError",
    "HTTPMethodNotAllowed",
    "HTTPMovedPermanently",
    "HTTPNotFound",
    "HTTPNotImplemented",
    "HTTPNotModified",
    "HTTPPermanentRedirect",
    "HTTPRedirection",
    "HTTPRequestEntityTooLarge",
    "HTTPSeeOther",
    "HTTPServiceUnavailable",
    "HTTPTemporaryRedirect",
    "HTTPTooManyRequests",
    "HTTPUnauthorized",
    "HTTPUnprocessableEntity",
    "Http404",
    "JsonResponse",
    "Request",
    "Response",
    "location_header",
    "url_scheme",
]
