"""`clearsessions`: delete expired sessions from the database backend's table."""

from __future__ import annotations

from typing import Any

from core.conf import settings
from core.management.base import BaseCommand
from core.middleware.sessions import get_session_store_class


class Command(BaseCommand):
    help = "Delete expired sessions (database backend; others expire on their own)."

    def handle(self, **options: Any) -> None:
        count = get_session_store_class().clear_expired()
        if count is None:
            self.stdout.write(
                f"Nothing to clear: {settings.SESSION_ENGINE} expires sessions on its own.\n"
            )
        else:
            self.stdout.write(f"Deleted {count} expired session(s).\n")
