"""`test [PYTEST ARGS...]`: run the project's tests with pytest and Stoa's plugin."""

from __future__ import annotations

from typing import Any

from core.management.base import BaseCommand

USAGE = """usage: {prog} test [PYTEST ARGS ...]

Run the project's tests with pytest; every argument goes to pytest
(for example: {prog} test -x -k article).
"""


class Command(BaseCommand):
    help = "Run the project's tests with pytest (the arguments go to pytest)."
    # pytest loads the settings itself, through the project's conftest.py.
    requires_settings = False

    def run_from_argv(self, prog_name: str, name: str, argv: list[str]) -> int:
        """Hand every argument to pytest; only --help is ours."""
        if argv in (["--help"], ["-h"]):
            self.stdout.write(USAGE.format(prog=prog_name))
            return 0
        import pytest

        return int(pytest.main(list(argv)))

    def handle(self, **options: Any) -> None:
        """Unused: run_from_argv() runs pytest directly."""
