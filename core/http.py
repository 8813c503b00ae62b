"""Requests and responses: thin subclasses of WebOb's, plus its HTTP errors.

from core.http import Request, Response, JsonResponse, HTTPNotFound
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
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

from core.conf import settings
from core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from core.hosts import validate_host

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.types import WSGIEnvironment
    from core.urls.resolvers import ResolverMatch

Http404 = HTTPNotFound

_BODY_CHECKED = "stoa.body_checked"
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

    def _abs_headerlist(self, environ: WSGIEnvironment) -> list[tuple[str, str]]:
        return list(self.headerlist)


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
        super().__init__(status=status, headerlist=headerlist, app_iter=[body], **kwargs)


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
