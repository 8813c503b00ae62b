"""Security headers on every response, unless the view set its own."""

from __future__ import annotations

from webob import Response as WebObResponse

from core.conf import settings
from core.http import Request
from core.types import GetResponse


class SecurityMiddleware:
    """Add X-Content-Type-Options, Referrer-Policy and Cross-Origin-Opener-Policy."""

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

    def __call__(self, request: Request) -> WebObResponse:
        response = self.get_response(request)
        present = response.headers
        for name, value in self.headers:
            if name not in present:
                present[name] = value
        return response
