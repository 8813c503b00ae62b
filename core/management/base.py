"""The base of every management command: argument parsing, errors without tracebacks."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

from core.exceptions import ImproperlyConfigured


class CommandError(Exception):
    """A command cannot do what was asked; its message is shown as one line."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and a non-zero exit, never a traceback."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{self.prog}: {message} (see {self.prog} --help)", returncode=2)


class BaseCommand:
    """Subclass this in `<app>/management/commands/<name>.py` as `Command`.

    class Command(BaseCommand):
        help = "Say hello."

        def add_arguments(self, parser):
            parser.add_argument("name")

        def handle(self, name, **options):
            self.stdout.write(f"Hello, {name}\\n")
    """

    help = ""
    # Commands that need the project's settings (and its apps imported) say so.
    requires_settings = True

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def create_parser(self, prog_name: str, name: str) -> CommandParser:
        """Return the parser of this command, with the options every command has."""
        parser = CommandParser(
            prog=f"{Path(prog_name).name} {name}",
            description=self.help or None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument(
            "--settings",
            metavar="MODULE",
            help="The settings module to use, e.g. mysite.settings (else STOA_SETTINGS_MODULE).",
        )
        parser.add_argument(
            "--traceback", action="store_true", help="Show the full traceback of an error."
        )
        self.add_arguments(parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        """Add this command's own arguments."""

    def run_from_argv(self, prog_name: str, name: str, argv: list[str]) -> int:
        """Parse `argv`, run the command and return the exit status."""
        parser = self.create_parser(prog_name, name)
        show_traceback = "--traceback" in argv
        try:
            options = vars(parser.parse_args(argv))
            settings_module = options.pop("settings")
            if settings_module:
                os.environ["STOA_SETTINGS_MODULE"] = settings_module
            options.pop("traceback")
            if self.requires_settings:
                import core

                core.setup()
            self.handle(**options)
        except CommandError as exc:
            if show_traceback:
                raise
            self.stderr.write(f"Error: {exc}\n" if exc.returncode != 2 else f"{exc}\n")
            return exc.returncode
        except ImproperlyConfigured as exc:
            if show_traceback:
                raise
            self.stderr.write(f"ImproperlyConfigured: {exc}\n")
            return 1
        except KeyboardInterrupt:
            return 130
        return 0

    def handle(self, **options: Any) -> None:
        """Do the command's work."""
        raise NotImplementedError(f"{type(self).__name__} must define handle().")
