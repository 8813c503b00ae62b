"""Security headers on every response unless the view set its own; HTTPS redirect, HSTS, CSP."""

from __future__ import annotations

import re
import secrets

from webob import Response as WebObResponse

from core.conf import settings
from core.http import Request, Response
from core.types import GetResponse

NONCE_PLACEHOLDER = "{nonce}"


class SecurityMiddleware:
    """Add X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy and more.

    Opt-in: redirect plain-http requests to https (SECURE_SSL_REDIRECT), send
    Strict-Transport-Security on https responses (SECURE_HSTS_SECONDS), and send a
    Content-Security-Policy (SECURE_CONTENT_SECURITY_POLICY) whose "{nonce}" is a fresh
    value per request, kept in `request.csp_nonce` for templates (`csp_nonce`).
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        headers = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.append(("X-Content-Type-Options", "nosniff"))
        if settings.SECURE_REFERRER_POLICY:
            headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.append(
                ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
            )
        self.headers = tuple(headers)
        self.header_names = frozenset(name.lower() for name, _ in headers)
        self.hsts = _hsts_value(
            settings.SECURE_HSTS_SECONDS,
            settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
            settings.SECURE_HSTS_PRELOAD,
        )
        self.redirect = settings.SECURE_SSL_REDIRECT
        self.redirect_host = settings.SECURE_SSL_HOST
        self.redirect_exempt = [re.compile(pattern) for pattern in settings.SECURE_REDIRECT_EXEMPT]
        self.csp = settings.SECURE_CONTENT_SECURITY_POLICY

    def __call__(self, request: Request) -> WebObResponse:
        if self.redirect and request.scheme != "https" and not self._redirect_exempt(request):
            response: WebObResponse = self.https_redirect(request)
        else:
            if self.csp:
                request.csp_nonce = secrets.token_urlsafe(16)
            response = self.get_response(request)
        self.add_headers(request, response)
        return response

    def _redirect_exempt(self, request: Request) -> bool:
        # Patterns match the path without its leading slash, as Django's do.
        path = request.path_info.lstrip("/")
        return any(pattern.search(path) for pattern in self.redirect_exempt)

    def https_redirect(self, request: Request) -> Response:
        """Answer 301 to the same URL on https (SECURE_SSL_HOST, or the validated Host)."""
        host = self.redirect_host or request.get_host()
        return Response(status=301, location=f"https://{host}{request.get_full_path()}")

    def add_headers(self, request: Request, response: WebObResponse) -> None:
        """Set the security headers the response does not already have."""
        # One pass over the header list, not one per header (a hot path on every response).
        headerlist = response.headerlist
        names = {name.lower() for name, _ in headerlist}
        if names.isdisjoint(self.header_names):
            headerlist.extend(self.headers)  # the usual case: the view set none of them
        else:
            headerlist.extend(header for header in self.headers if header[0].lower() not in names)
        if self.hsts and "strict-transport-security" not in names and request.scheme == "https":
            headerlist.append(("Strict-Transport-Security", self.hsts))
        if self.csp and "content-security-policy" not in names:
            nonce = request.csp_nonce or secrets.token_urlsafe(16)
            policy = self.csp.replace(NONCE_PLACEHOLDER, nonce)
            headerlist.append(("Content-Security-Policy", policy))


def _hsts_value(seconds: int, include_subdomains: bool, preload: bool) -> str | None:
    if not seconds:
        return None
    value = f"max-age={seconds}"
    if include_subdomains:
        value += "; includeSubDomains"
    if preload:
        value += "; preload"
    return value
