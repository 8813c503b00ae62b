"""Count what the admin costs requests that do not go to it, with callgrind.

    python bench/admin_cost.py [--calls N] [--without-admin]

A project from `startproject` (its full default stack, SQLite, migrated), whose URLconf
mounts the admin first as a new project's does, serves `plaintext` and `anonymous` (a
view that reads `request.user`) outside the admin, and `admin_login` (the admin's login
page) for scale. With --without-admin the same project has neither `core.admin` in
INSTALLED_APPS nor the admin in its URLconf, and `admin_login` is left out. Prints
thousands of instructions per request (bench/request_cost.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from request_cost import report

PROJECT = "costsite"
# Read by the counted child process too, which imports this module afresh.
WITHOUT_ADMIN = os.environ.get("STOA_BENCH_WITHOUT_ADMIN") == "1"
SCENARIOS: tuple[str, ...] = ("plaintext", "anonymous", "admin_login")

VIEWS = """

from core.http import Response


def plaintext(request):
    return Response(b"Hello, World!", content_type="text/plain")


def whoami(request):
    user = request.user
    name = user.username if user.is_authenticated else "anonymous"
    return Response(name, content_type="text/plain")
"""
URLS = '''"""URLs of the instruction count: the admin first, as in a new project."""

from core import admin
from core.urls import path

from costsite import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("plaintext", views.plaintext),
    path("whoami", views.whoami),
]
'''
URLS_WITHOUT_ADMIN = '''"""URLs of the instruction count, without the admin."""

from core.urls import path

from costsite import views

urlpatterns = [path("plaintext", views.plaintext), path("whoami", views.whoami)]
'''
SETTINGS_WITHOUT_ADMIN = """
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "core.admin"]
"""
if WITHOUT_ADMIN:
    URLS = URLS_WITHOUT_ADMIN
    SETTINGS = SETTINGS_WITHOUT_ADMIN
    SCENARIOS = ("plaintext", "anonymous")


def environs(app: Any, settings: Any) -> dict[str, tuple[dict[str, Any], bytes | None]]:
    """Return each scenario's environ."""
    from harness import make_environ

    return {
        "plaintext": (make_environ("/plaintext", ""), b"Hello, World!"),
        "anonymous": (make_environ("/whoami", ""), b"anonymous"),
        "admin_login": (make_environ("/admin/login/", ""), b"Log in"),
    }


def main() -> None:
    """Count the scenarios, with the admin or without it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--calls", type=int, default=200, help="requests counted per scenario")
    parser.add_argument("--without-admin", action="store_true", help="no core.admin at all")
    args = parser.parse_args()
    if args.without_admin and not WITHOUT_ADMIN:
        os.environ["STOA_BENCH_WITHOUT_ADMIN"] = "1"
        os.execv(sys.executable, [sys.executable, *sys.argv])  # noqa: S606 (the flag reaches the child)
    report(sys.modules[__name__], args.calls)


if __name__ == "__main__":
    main()
