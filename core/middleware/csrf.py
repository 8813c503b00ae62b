"""CSRF protection: unsafe requests need a trusted Origin (or Referer) and a valid token.

Put `core.middleware.csrf.CsrfViewMiddleware` after the session middleware (its secret
may live in the session) and before anything that acts on POST data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from webob import Response as WebObResponse

from core.conf import settings
from core.csrf import (
    InvalidTokenFormat,
    check_format,
    cookie_needs_update,
    get_secret,
    is_exempt,
    tokens_match,
)
from core.exceptions import ImproperlyConfigured, PermissionDenied
from core.http import Request
from core.template_response import render_if_needed
from core.types import GetResponse
from core.urls import get_resolver

logger = logging.getLogger("stoa.security.csrf")

# Checked methods: the ones a page on another site can make a browser send (forms) or
# that views act on. Others (FOO) cannot be sent cross-site without a CORS preflight,
# and get their 405 from the view.
CHECKED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Set in the environ by core.testing.Client unless it enforces CSRF checks, as Django's
# test client does. A WSGI server never sets it: headers arrive as HTTP_* keys.
SKIP_CHECKS_KEY = "stoa.skip_csrf_checks"
DEFAULT_PORTS = {"http": 80, "https": 443}

# (scheme, host, port) of an origin; a host starting with "*." matches its subdomains.
Origin = tuple[str, str, int]


@dataclass(frozen=True)
class Reason:
    """Why a request failed the CSRF check, and what fixes it."""

    code: str
    summary: str
    fix: str


NO_COOKIE = Reason(
    "no_cookie",
    "CSRF cookie not set.",
    "The browser sent no CSRF secret. Render the page that holds the form with "
    "{{ csrf_input() }} (or call core.csrf.get_token(request)) so that its response sets "
    "the cookie, make sure the browser accepts cookies, and over plain http keep "
    "CSRF_COOKIE_SECURE off.",
)
NO_SESSION_SECRET = Reason(
    "no_cookie",
    "CSRF secret not in the session.",
    "With CSRF_USE_SESSIONS the secret is kept in the session: render the form's page with "
    "{{ csrf_input() }} so that the session gets one, and make sure the session cookie "
    "reaches the site.",
)
TOKEN_MISSING = Reason(
    "token_missing",
    "CSRF token missing.",
    "Add {{ csrf_input() }} inside the <form>, or have JavaScript send the token in the "
    "X-CSRFToken header (read it from csrf_token in a template, or from the CSRF cookie).",
)
TOKEN_INCORRECT = Reason(
    "token_incorrect",
    "CSRF token incorrect.",
    "The token does not belong to this visitor's secret: the page is older than a login "
    "(which rotates the secret) or the cookie changed since. Reload the form and submit "
    "it again; don't cache pages that contain forms.",
)
ORIGIN_UNTRUSTED = Reason(
    "origin_untrusted",
    "Origin checking failed: the request's Origin is not this site nor a trusted origin.",
    "If the other origin is yours, add it (scheme and host, e.g. 'https://app.example.com' "
    "or 'https://*.example.com') to CSRF_TRUSTED_ORIGINS. Behind a proxy that terminates "
    "HTTPS, set SECURE_PROXY_SSL_HEADER (and USE_X_FORWARDED_HOST if it rewrites Host) so "
    "that the site knows its public scheme and host.",
)
REFERER_MISSING = Reason(
    "referer_missing",
    "Referer checking failed: no Referer.",
    "An HTTPS request without an Origin header must send a Referer. Don't serve the form's "
    "page with Referrer-Policy: no-referrer (same-origin is enough), and check for browser "
    "extensions that strip it.",
)
REFERER_MALFORMED = Reason(
    "referer_malformed",
    "Referer checking failed: the Referer is not a URL.",
    "The browser sent a Referer that is not an absolute URL; submit the form again from a "
    "page of this site.",
)
REFERER_INSECURE = Reason(
    "referer_insecure",
    "Referer checking failed: the Referer is http while this request is https.",
    "Serve every page over HTTPS (SECURE_SSL_REDIRECT = True) so that forms are never "
    "posted from a plain-http page.",
)
REFERER_UNTRUSTED = Reason(
    "referer_untrusted",
    "Referer checking failed: the Referer is not this site nor a trusted origin.",
    ORIGIN_UNTRUSTED.fix,
)


class CsrfError(PermissionDenied):
    """An unsafe request failed the CSRF check; answered with 403."""

    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(reason.summary + (f" {detail}" if detail else ""))
        self.reason = reason
        self.detail = detail


class CsrfViewMiddleware:
    """Refuse unsafe requests to non-exempt views without a trusted origin and valid token.

    Safe methods (GET, HEAD, OPTIONS, TRACE) pass; they must not change anything. Then:
    the Origin header, when present, must be this site or in CSRF_TRUSTED_ORIGINS; on
    HTTPS without Origin, the Referer must be; and the token from the form field
    CSRF_FIELD_NAME or the header CSRF_HEADER_NAME must match the visitor's secret.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.debug = settings.DEBUG
        self.use_sessions = settings.CSRF_USE_SESSIONS
        self.field_name = settings.CSRF_FIELD_NAME
        self.header_name = settings.CSRF_HEADER_NAME
        self.trusted = [_parse_trusted(entry) for entry in settings.CSRF_TRUSTED_ORIGINS]
        self.cookie_domain = settings.CSRF_COOKIE_DOMAIN

    def __call__(self, request: Request) -> WebObResponse:
        if (
            request.method in CHECKED_METHODS
            and not request.environ.get(SKIP_CHECKS_KEY)
            and not self._exempt(request)
        ):
            try:
                self.check(request)
            except CsrfError as exc:
                return self.reject(request, exc)
        response = self.get_response(request)
        # A lazily rendered template may call get_token(): render it before the cookie is decided.
        render_if_needed(response)
        if cookie_needs_update(request):
            self.set_secret_cookie(request, response)
        return response

    def _exempt(self, request: Request) -> bool:
        match = get_resolver().resolve(request.path_info)
        # No view matches: the handler answers 404 and nothing runs.
        return match is None or is_exempt(match.func)

    def check(self, request: Request) -> None:
        """Raise CsrfError unless the unsafe `request` comes from a trusted origin with a token."""
        own = _origin_of(f"{request.scheme}://{request.get_host()}")
        origin = request.environ.get("HTTP_ORIGIN")
        if origin is not None:
            self._check_origin(origin, own)
        elif request.scheme == "https":
            self._check_referer(request.environ.get("HTTP_REFERER"), own)
        secret = get_secret(request)
        if secret is None:
            raise CsrfError(NO_SESSION_SECRET if self.use_sessions else NO_COOKIE)
        token = self._request_token(request)
        if not token:
            raise CsrfError(TOKEN_MISSING)
        try:
            check_format(token)
        except InvalidTokenFormat as exc:
            raise CsrfError(TOKEN_INCORRECT, f"The token has the wrong format: {exc}.") from None
        if not tokens_match(token, secret):
            raise CsrfError(TOKEN_INCORRECT)

    def _check_origin(self, origin: str, own: Origin | None) -> None:
        parsed = _origin_of(origin)
        if parsed is None or not (parsed == own or self._trusted(parsed)):
            raise CsrfError(ORIGIN_UNTRUSTED, f"Origin: {origin[:200]!r}.")

    def _check_referer(self, referer: str | None, own: Origin | None) -> None:
        if not referer:
            raise CsrfError(REFERER_MISSING)
        parts = urlsplit(referer)
        if not parts.scheme or not parts.netloc:
            raise CsrfError(REFERER_MALFORMED, f"Referer: {referer[:200]!r}.")
        if parts.scheme != "https":
            raise CsrfError(REFERER_INSECURE, f"Referer: {referer[:200]!r}.")
        parsed = _origin_of(f"{parts.scheme}://{parts.netloc}")
        if parsed is None:
            raise CsrfError(REFERER_MALFORMED, f"Referer: {referer[:200]!r}.")
        if parsed == own or self._trusted(parsed) or self._under_cookie_domain(parsed):
            return
        raise CsrfError(REFERER_UNTRUSTED, f"Referer: {referer[:200]!r}.")

    def _trusted(self, origin: Origin) -> bool:
        return any(_matches(origin, entry) for entry in self.trusted)

    def _under_cookie_domain(self, origin: Origin) -> bool:
        # A cookie shared with subdomains (CSRF_COOKIE_DOMAIN) lets them post too.
        domain = (self.cookie_domain or "").lower()
        if self.use_sessions or not domain:
            return False
        return origin[1] == domain.lstrip(".") or origin[1].endswith("." + domain.lstrip("."))

    def _request_token(self, request: Request) -> str:
        token: Any = ""
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            token = request.POST.get(self.field_name, "")
        if not token:
            token = request.environ.get(self.header_name, "")
        return token.strip() if isinstance(token, str) else ""

    def reject(self, request: Request, error: CsrfError) -> WebObResponse:
        """Log the failure; with DEBUG show why and how to fix it, else raise for a plain 403."""
        logger.warning(
            "Forbidden (%s): %s %s",
            error,
            request.method,
            request.path_info,
            extra={"status": 403, "reason": error.reason.code},
        )
        if not self.debug:
            raise error
        from core.debug import render_page

        return render_page("stoa/csrf_failure.html", 403, self._failure_context(request, error))

    def _failure_context(self, request: Request, error: CsrfError) -> dict[str, Any]:
        environ = request.environ
        return {
            "reason": error.reason,
            "detail": error.detail,
            "method": request.method,
            "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            "own_origin": f"{request.scheme}://{request.get_host()}",
            "origin": environ.get("HTTP_ORIGIN"),
            "referer": environ.get("HTTP_REFERER"),
            "trusted_origins": list(settings.CSRF_TRUSTED_ORIGINS),
            "use_sessions": self.use_sessions,
            "cookie_name": settings.CSRF_COOKIE_NAME,
            "field_name": self.field_name,
            "header": _header_display(self.header_name),
        }

    def set_secret_cookie(self, request: Request, response: WebObResponse) -> None:
        """Set (or refresh) the secret's cookie on `response`, and vary the cache on cookies."""
        secret = get_secret(request)
        if secret is None:
            return
        if not self.use_sessions:
            # WebOb types samesite as a Literal; the setting is a plain str.
            samesite: Any = settings.CSRF_COOKIE_SAMESITE
            response.set_cookie(
                settings.CSRF_COOKIE_NAME,
                secret,
                max_age=settings.CSRF_COOKIE_AGE,
                path=settings.CSRF_COOKIE_PATH,
                domain=settings.CSRF_COOKIE_DOMAIN,
                secure=settings.CSRF_COOKIE_SECURE,
                httponly=settings.CSRF_COOKIE_HTTPONLY,
                samesite=samesite,
            )
        add_vary(response, "Cookie")


def add_vary(response: WebObResponse, header: str) -> None:
    """Add `header` to the response's Vary unless it is there already."""
    current = list(response.vary or ())
    if header.lower() not in (item.lower() for item in current):
        response.vary = (*current, header)


def _origin_of(url: str) -> Origin | None:
    """Return (scheme, host, port) of an origin-like URL, or None if it is not one."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower().removesuffix("."), port or DEFAULT_PORTS[scheme]


def _parse_trusted(entry: str) -> Origin:
    parsed = _origin_of(entry) if "://" in entry else None
    if parsed is None:
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {entry!r} is not an origin: write the scheme and "
            f"host, e.g. 'https://example.com' or 'https://*.example.com'."
        )
    return parsed


def _matches(origin: Origin, trusted: Origin) -> bool:
    scheme, host, port = trusted
    if origin[0] != scheme or origin[2] != port:
        return False
    if host.startswith("*."):
        return origin[1].endswith(host[1:])
    return origin[1] == host


def _header_display(environ_key: str) -> str:
    name = environ_key.removeprefix("HTTP_").replace("_", "-")
    return "X-CSRFToken" if name == "X-CSRFTOKEN" else name.title()


__all__ = ["CsrfError", "CsrfViewMiddleware", "Reason"]
