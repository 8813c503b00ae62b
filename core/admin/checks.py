"""What `manage.py check` says about the admin: the middleware it cannot work without."""

from __future__ import annotations

from core.checks import CheckMessage

# What the admin needs, and why, in MIDDLEWARE order.
REQUIRED_MIDDLEWARE = [
    ("core.middleware.sessions.SessionMiddleware", "logging in keeps the user in the session"),
    ("core.middleware.csrf.CsrfViewMiddleware", "every admin form is a POST that needs it"),
    ("core.middleware.auth.AuthenticationMiddleware", "the admin reads request.user"),
    ("core.middleware.messages.MessageMiddleware", "the admin says what it saved"),
]


def check_middleware(middleware: list[str]) -> list[CheckMessage]:
    """Return an error for each middleware the admin needs that MIDDLEWARE lacks."""
    return [
        CheckMessage(
            "ERROR",
            f"core.admin is installed but MIDDLEWARE lacks {path!r} ({why}): add it, as a new "
            f"project's settings do, or remove core.admin from INSTALLED_APPS.",
            f"admin.E{index:03d}",
        )
        for index, (path, why) in enumerate(REQUIRED_MIDDLEWARE, start=1)
        if path not in middleware
    ]


__all__ = ["REQUIRED_MIDDLEWARE", "check_middleware"]
