"""The entry point of production servers: `application = get_wsgi_application()`."""

from __future__ import annotations

from core.handlers import WSGIHandler


def get_wsgi_application() -> WSGIHandler:
    """Configure the project once and return its PEP 3333 application.

    Settings are validated, apps imported, the URLconf, templates and middleware chain
    built. A misconfiguration raises ImproperlyConfigured now, not on the first request.
    """
    return WSGIHandler()


__all__ = ["get_wsgi_application"]
