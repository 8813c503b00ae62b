"""`shell`: an interactive Python (IPython if installed) with the project loaded."""

from __future__ import annotations

import code
import importlib.util
import sys
from typing import Any

from core import __version__
from core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Open Python (IPython if installed) with the settings and apps loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-c", "--command", help="Run this Python code and exit.")
        parser.add_argument(
            "-i",
            "--interface",
            choices=["ipython", "python"],
            help="Which shell to open (default: IPython if installed, else Python).",
        )

    def handle(
        self, command: str | None = None, interface: str | None = None, **options: Any
    ) -> None:
        namespace = self.namespace()
        if command is not None:
            exec(compile(command, "<shell -c>", "exec"), namespace)  # noqa: S102 (its purpose)
            return
        if not sys.stdin.isatty() and interface is None:
            # Piped input: run it as a script, like `python < script.py`.
            exec(compile(sys.stdin.read(), "<stdin>", "exec"), namespace)  # noqa: S102
            return
        has_ipython = importlib.util.find_spec("IPython") is not None
        if interface == "ipython" and not has_ipython:
            raise CommandError("IPython is not installed: pip install ipython, or use -i python.")
        if interface != "python" and has_ipython:
            from IPython import start_ipython

            start_ipython(argv=[], user_ns=namespace)
            return
        banner = (
            f"Python {sys.version.split()[0]}, Stoa {__version__}. "
            f"Loaded: settings, reverse. Exit with Ctrl-D."
        )
        code.interact(banner=banner, local=namespace, exitmsg="")

    def namespace(self) -> dict[str, Any]:
        """Return the names the shell starts with."""
        from core.conf import settings
        from core.urls import reverse

        return {"__name__": "__main__", "settings": settings, "reverse": reverse}
