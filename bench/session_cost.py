"""Count the CPU instructions of a request that reads `request.user`, with callgrind.

    python bench/session_cost.py [--calls N]

A project from `startproject` (its full default stack, SQLite, migrated) gets a view
that says who the user is. Three requests are counted (bench/request_cost.py),
each `--calls` times after a warm-up: `plaintext` (the view reads nothing of the
user), `anonymous` (it reads `request.user`, no cookie) and `authenticated` (it reads
`request.user` with the session cookie of a logged-in user). Prints thousands of
instructions per request.

The counts repeat to within 0.1% for the same code. Between commits that do not touch
the request path, `authenticated` still moves by up to 2-3% (the garbage collector's
work inside the count depends on everything the process holds): compare a change with
its parent commit, counted the same way.
"""

from __future__ import annotations

import argparse
from typing import Any

from request_cost import report

PROJECT = "costsite"
SCENARIOS = ("plaintext", "anonymous", "authenticated")

VIEWS = """

from core.http import Response


def plaintext(request):
    return Response(b"Hello, World!", content_type="text/plain")


def whoami(request):
    user = request.user
    name = user.username if user.is_authenticated else "anonymous"
    return Response(name, content_type="text/plain")
"""
URLS = '''"""URLs of the instruction count."""

from core.urls import path

from costsite import views

urlpatterns = [path("plaintext", views.plaintext), path("whoami", views.whoami)]
'''


def environs(app: Any, settings: Any) -> dict[str, tuple[dict[str, Any], bytes | None]]:
    """Return each scenario's environ: the user logs in first, for `authenticated`."""
    from core.auth.models import User
    from core.testing import Client
    from orm.session import session_scope

    from harness import make_environ

    with session_scope() as session:
        user = User.create_user("ada", "a long pass phrase", session=session)
        client = Client(app)
        client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME]}"
    return {
        "plaintext": (make_environ("/plaintext", ""), None),
        "anonymous": (make_environ("/whoami", ""), b"anonymous"),
        "authenticated": ({**make_environ("/whoami", ""), "HTTP_COOKIE": cookie}, b"ada"),
    }


def main() -> None:
    """Count the three scenarios."""
    import sys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--calls", type=int, default=200, help="requests counted per scenario")
    args = parser.parse_args()
    report(sys.modules[__name__], args.calls)


if __name__ == "__main__":
    main()
