"""Context processors: functions from the request to a dict merged into template context.

List them in TEMPLATES["CONTEXT_PROCESSORS"]; the request itself is always available.
"""

from __future__ import annotations

from typing import Any

from core.conf import settings
from core.http import Request


def debug(request: Request) -> dict[str, Any]:
    """Add `debug`: whether DEBUG is on."""
    return {"debug": settings.DEBUG}
