"""The entry point of production servers: `application = get_wsgi_application()`."""

from __future__ import annotations

from core.conf import settings
from core.handlers import WSGIHandler
from core.staticfiles.handlers import static_files_application
from core.types import WSGIApplication


def get_wsgi_application() -> WSGIApplication:
    """Configure the project once and return its PEP 3333 application.

    Settings are validated, apps imported, the URLconf, templates and middleware chain
    built. A misconfiguration raises ImproperlyConfigured now, not on the first request.
    With SERVE_STATIC on, the handler is wrapped to serve STATIC_URL (see
    core.staticfiles.handlers); with nothing to serve it comes back as it is.
    """
    handler = WSGIHandler()
    if not settings.SERVE_STATIC:
        return handler
    # Static files carry the security headers of the site's pages.
    return static_files_application(handler, handler.error_headers)


__all__ = ["get_wsgi_application"]
