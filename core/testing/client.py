"""A test client that drives a WSGI application in-process, like a browser would.

    client = Client(get_wsgi_application())
    response = client.post("/articles/", data={"title": "Hi"}, follow=True)
    assert response.status_code == 200

Every request goes through `wsgiref.validate.validator`, so a response that breaks
PEP 3333 fails the test that made it.
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Iterable, Mapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from wsgiref.validate import validator

from webob import Request as WebObRequest
from webob.headers import ResponseHeaders

from core.types import WSGIApplication, WSGIEnvironment

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FormData = Mapping[str, Any] | Iterable[tuple[str, Any]]


class TestResponse:
    """What the application answered: status, headers and the whole body."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(
        self, status: str, headers: list[tuple[str, str]], content: bytes, request: WebObRequest
    ) -> None:
        self.status = status
        self.status_code = int(status.split(" ", 1)[0])
        self.headers = ResponseHeaders(headers)
        self.content = content
        self.request = request
        self.redirect_chain: list[tuple[str, int]] = []

    def __repr__(self) -> str:
        return f"<TestResponse {self.status} {self.request.method} {self.request.path_qs}>"

    @property
    def text(self) -> str:
        """The body decoded with the response's charset (UTF-8 if none)."""
        content_type = self.headers.get("Content-Type", "")
        charset = "utf-8"
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        return self.content.decode(charset)

    @property
    def json(self) -> Any:
        """The body parsed as JSON."""
        return jsonlib.loads(self.content)

    @property
    def url(self) -> str | None:
        """The Location header of a redirect."""
        return self.headers.get("Location")


class Client:
    """Send requests to a WSGI application and keep its cookies between them."""

    def __init__(
        self,
        app: WSGIApplication,
        *,
        host: str = "localhost",
        scheme: str = "http",
        headers: Mapping[str, str] | None = None,
        validate: bool = True,
        enforce_csrf_checks: bool = False,
    ) -> None:
        self.app = validator(app) if validate else app
        self.host = host
        self.scheme = scheme
        self.default_headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        # Like Django's test client: views are tested without CSRF tokens unless asked.
        self.enforce_csrf_checks = enforce_csrf_checks

    def get(self, path: str, data: FormData | None = None, **kwargs: Any) -> TestResponse:
        """Send GET; `data` becomes the query string."""
        return self.request("GET", path, query=data, **kwargs)

    def head(self, path: str, data: FormData | None = None, **kwargs: Any) -> TestResponse:
        """Send HEAD; `data` becomes the query string."""
        return self.request("HEAD", path, query=data, **kwargs)

    def options(self, path: str, **kwargs: Any) -> TestResponse:
        """Send OPTIONS."""
        return self.request("OPTIONS", path, **kwargs)

    def post(
        self, path: str, data: FormData | bytes | str | None = None, **kwargs: Any
    ) -> TestResponse:
        """Send POST; `data` is form-encoded (bytes or str go as they are), `json=` sends JSON."""
        return self.request("POST", path, data=data, **kwargs)

    def put(
        self, path: str, data: FormData | bytes | str | None = None, **kwargs: Any
    ) -> TestResponse:
        """Send PUT; `data` is form-encoded, `json=` sends JSON."""
        return self.request("PUT", path, data=data, **kwargs)

    def patch(
        self, path: str, data: FormData | bytes | str | None = None, **kwargs: Any
    ) -> TestResponse:
        """Send PATCH; `data` is form-encoded, `json=` sends JSON."""
        return self.request("PATCH", path, data=data, **kwargs)

    def delete(
        self, path: str, data: FormData | bytes | str | None = None, **kwargs: Any
    ) -> TestResponse:
        """Send DELETE."""
        return self.request("DELETE", path, data=data, **kwargs)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: FormData | None = None,
        data: FormData | bytes | str | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
        follow: bool = False,
        environ: WSGIEnvironment | None = None,
    ) -> TestResponse:
        """Send one request (and, with `follow`, the redirects that answer it)."""
        response = self._send(method, path, query, data, json, headers, content_type, environ)
        if not follow:
            return response
        chain: list[tuple[str, int]] = []
        while response.status_code in REDIRECT_STATUSES and response.url:
            target = urljoin(response.request.path_qs, response.url)
            chain.append((target, response.status_code))
            if len(chain) > 20:
                raise RuntimeError(f"Redirect loop: {chain[:3]!r}...")
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != self.host:
                break  # another site: the test decides what to do with it
            keep_method = response.status_code in (307, 308)
            response = self._send(
                method if keep_method else "GET",
                parts.path + (f"?{parts.query}" if parts.query else ""),
                None,
                data if keep_method else None,
                json if keep_method else None,
                headers,
                content_type if keep_method else None,
                environ,
            )
        response.redirect_chain = chain
        return response

    def _send(
        self,
        method: str,
        path: str,
        query: FormData | None,
        data: FormData | bytes | str | None,
        json: Any,
        headers: Mapping[str, str] | None,
        content_type: str | None,
        environ: WSGIEnvironment | None,
    ) -> TestResponse:
        if query:
            path += ("&" if "?" in path else "?") + urlencode(_pairs(query), doseq=True)
        base: WSGIEnvironment = {
            "HTTP_HOST": self.host,
            "wsgi.url_scheme": self.scheme,
            "SERVER_NAME": self.host,
            "SERVER_PORT": "443" if self.scheme == "https" else "80",
        }
        if not self.enforce_csrf_checks:
            base["stoa.skip_csrf_checks"] = True
        request = WebObRequest.blank(path, environ={**base, **(environ or {})})
        request.environ["REQUEST_METHOD"] = method
        body, body_type = _encode_body(data, json)
        if body is not None:
            request.body = body
            request.content_type = content_type or body_type
        elif content_type:
            request.content_type = content_type
        for name, value in {**self.default_headers, **(headers or {})}.items():
            request.headers[name] = value
        if self.cookies and "Cookie" not in request.headers:
            request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # HTTP_HOST counts for validation; SERVER_NAME is what a server would have set.
        request.environ.setdefault("SERVER_PROTOCOL", "HTTP/1.1")
        # Make the environ look like a real server's: WebOb's own bookkeeping keys would
        # let the application take shortcuts (seeking wsgi.input) that servers don't allow.
        for key in [key for key in request.environ if key.startswith("webob.")]:
            del request.environ[key]
        status, response_headers, content = self._call(request.environ)
        response = TestResponse(status, response_headers, content, request)
        self._store_cookies(response)
        return response

    def _call(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda chunk: captured.setdefault("written", []).append(chunk)

        iterable = self.app(environ, start_response)
        try:
            chunks = [*captured.get("written", []), *iterable]
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        return captured["status"], captured["headers"], b"".join(chunks)

    def _store_cookies(self, response: TestResponse) -> None:
        for header in response.headers.getall("Set-Cookie"):
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                expired = morsel["max-age"] in ("0", "-1") or _in_past(morsel["expires"])
                if expired or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value

    def set_cookie(self, name: str, value: str) -> None:
        """Send a cookie with the following requests."""
        self.cookies[name] = value

    def force_login(self, user: Any) -> None:
        """Log `user` in without a password: a session made as login() makes one.

        The session is created through SESSION_ENGINE's SessionStore and saved (in the
        database, in Redis, or as the signed cookie itself), and its cookie is sent
        with the following requests. `user` must have an id (flushed).
        """
        import importlib

        from core.auth.api import HASH_SESSION_KEY, SESSION_KEY
        from core.conf import settings

        if getattr(user, "id", None) is None:
            raise ValueError(f"force_login() needs a saved user: {user!r} has no id yet.")
        engine = importlib.import_module(settings.SESSION_ENGINE)
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.id)
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        self.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def _in_past(expires: str) -> bool:
    if not expires:
        return False
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(expires) < datetime.now(UTC)
    except (TypeError, ValueError):
        return False


def _encode_body(data: FormData | bytes | str | None, json: Any) -> tuple[bytes | None, str]:
    if json is not None:
        return jsonlib.dumps(json).encode(), "application/json"
    if data is None:
        return None, ""
    if isinstance(data, bytes):
        return data, "application/octet-stream"
    if isinstance(data, str):
        return data.encode(), "text/plain; charset=utf-8"
    return urlencode(_pairs(data), doseq=True).encode(), "application/x-www-form-urlencoded"


def _pairs(data: FormData) -> list[tuple[str, Any]]:
    return list(data.items()) if isinstance(data, Mapping) else list(data)
