"""Context processors: functions from the request to a dict merged into template context.

List them in TEMPLATES["CONTEXT_PROCESSORS"]; the request itself is always available.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from core.conf import settings
from core.csrf import get_token
from core.http import Request


def debug(request: Request) -> dict[str, Any]:
    """Add `debug`: whether DEBUG is on."""
    return {"debug": settings.DEBUG}


class LazyCsrfToken:
    """A CSRF token computed when first printed, so a page that never shows it sets no cookie."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.value: str | None = None

    def __str__(self) -> str:
        if self.value is None:
            self.value = get_token(self.request)
        return self.value

    def __html__(self) -> str:
        # Tokens are ASCII letters and digits: nothing to escape.
        return str(self)

    def __eq__(self, other: object) -> bool:
        return str(self) == other if isinstance(other, str) else NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __len__(self) -> int:
        return len(str(self))


def csrf(request: Request) -> dict[str, Any]:
    """Add `csrf_input()`, `csrf_token` and `csp_nonce`; always active when there is a request.

    `{{ csrf_input() }}` is a hidden form field with a freshly masked token; `csrf_token`
    is the token itself, for JavaScript's X-CSRFToken header; `csp_nonce` is the
    Content-Security-Policy nonce of this request ("" without a policy).
    """

    def csrf_input() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            settings.CSRF_FIELD_NAME, get_token(request)
        )

    return {
        "csrf_input": csrf_input,
        "csrf_token": LazyCsrfToken(request),
        "csp_nonce": request.csp_nonce or "",
    }


def messages(request: Request) -> dict[str, Any]:
    """Add `messages` (shown once, when iterated) and `DEFAULT_MESSAGE_LEVELS`."""
    from core.messages import DEFAULT_LEVELS, get_messages

    return {"messages": get_messages(request), "DEFAULT_MESSAGE_LEVELS": DEFAULT_LEVELS}
