"""Answer 503 with Retry-After to everyone but the allowed, while the site is down.

Put it right after SecurityMiddleware, so the page gets the security headers and a
request answered here touches neither the session nor the database. The flag is read at
most once per MAINTENANCE_CHECK_INTERVAL seconds per worker (see core.maintenance).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from core import maintenance
from core.conf import settings
from core.http import Response

if TYPE_CHECKING:
    from webob import Response as WebObResponse

    from core.http import Request
    from core.types import GetResponse

logger = logging.getLogger("stoa.maintenance")


class MaintenanceMiddleware:
    """While `manage.py down` is in force, answer a styled 503 page."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.interval = float(settings.MAINTENANCE_CHECK_INTERVAL)
        self.exempt = tuple(settings.MAINTENANCE_EXEMPT_PATHS)
        self._flag: maintenance.Flag | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def flag(self) -> maintenance.Flag | None:
        """Return the flag, read again once the interval has passed."""
        if time.monotonic() - self._checked >= self.interval:
            self._refresh()
        return self._flag

    def _refresh(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._checked < self.interval:
                return  # another thread read it meanwhile
            try:
                self._flag = maintenance.read_flag()
            except Exception:  # a cache that does not answer must not take the site down
                logger.exception("The maintenance flag could not be read; serving as up")
                self._flag = None
            self._checked = now

    def __call__(self, request: Request) -> WebObResponse:
        # Inlined flag(): this runs on every request of the site, down or not.
        if time.monotonic() - self._checked >= self.interval:
            self._refresh()
        flag = self._flag
        if flag is None or request.path_info.startswith(self.exempt):
            return self.get_response(request)
        if flag.allows(request.client_addr):
            return self.get_response(request)
        return self.page(request, flag)

    def page(self, request: Request, flag: maintenance.Flag) -> Response:
        """Render the maintenance page (the project's `maintenance.html` if it has one)."""
        from core.templating import get_engine

        context = {
            "status": 503,
            "title": "Down for maintenance",
            "message": flag.message,
            "retry_after": flag.retry_after,
        }
        body = get_engine().render(["maintenance.html", "stoa/maintenance.html"], context)
        response = Response(body, status=503)
        response.headers["Retry-After"] = str(max(flag.retry_after, 1))
        response.headers["Cache-Control"] = "no-store"
        return response
