"""Requests and responses: thin subclasses of WebOb's, plus its HTTP errors.

from core.http import Request, Response, JsonResponse, HTTPNotFound
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from webob import Response as WebObResponse
from webob.exc import (
    HTTPBadRequest,
    HTTPConflict,
    HTTPError,
    HTTPException,
    HTTPForbidden,
    HTTPFound,
    HTTPGone,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPMovedPermanently,
    HTTPNotFound,
    HTTPNotImplemented,
    HTTPNotModified,
    HTTPPermanentRedirect,
    HTTPRedirection,
    HTTPRequestEntityTooLarge,
    HTTPSeeOther,
    HTTPServiceUnavailable,
    HTTPTemporaryRedirect,
    HTTPTooManyRequests,
    HTTPUnauthorized,
    HTTPUnprocessableEntity,
)
from webob.multidict import GetDict, MultiDict, NoVars
from webob.request import BaseRequest, DisconnectionError
from webob.util import status_reasons

from core.conf import settings
from core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from core.hosts import validate_host

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.types import WSGIEnvironment
    from core.urls.resolvers import ResolverMatch

Http404 = HTTPNotFound

_BODY_CHECKED = "stoa.body_checked"
_UNSET: Any = object()
HOST_KEY = "stoa.host"


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

    def get_host(self) -> str:
        """Return the Host the client asked for, once it is checked against ALLOWED_HOSTS."""
        host = self.environ.get(HOST_KEY)
        if host is None:
            host = self.environ[HOST_KEY] = validate_host(self.environ)
        return str(host)

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
            return json.loads(body.decode(self.charset or "utf-8"))
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


class Response(WebObResponse):
    """An HTTP response: WebOb's, HTML and UTF-8 by default.

    A Location header is sent as the view set it: RFC 9110 allows relative references,
    and so no absolute URL is ever built from the client's Host header.
    """

    default_content_type = "text/html"
    default_charset = "UTF-8"

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
        body = dumps(data, separators=(",", ":"), ensure_ascii=False, default=str).encode()
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
]
