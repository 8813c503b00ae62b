"""`makemigrations`: write a migration for the changes in the models (Alembic autogenerate)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from core.db import project_migrations
from core.management.base import BaseCommand, CommandError, CommandParser
from orm.exceptions import MigrationError


class Command(BaseCommand):
    help = "Write a migration for the changes in the models."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-m", "--message", help="What the migration does (used in its name).")
        parser.add_argument(
            "--empty", action="store_true", help="Write an empty migration to fill in by hand."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero if the models have changes without a migration.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help="Ask nothing (a dropped and an added column are not taken for a rename).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write the migration even if it drops every table.",
        )

    def handle(self, **options: Any) -> None:
        migrations = project_migrations()
        try:
            if options["check"]:
                migrations.check()
                self.stdout.write("No changes detected.\n")
                return
            script = migrations.make(
                options["message"],
                empty=options["empty"],
                ask=None if options["noinput"] else self.ask,
                force=options["force"],
            )
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
        if script is None:
            self.stdout.write("No changes detected.\n")
            return
        path = Path(script.path)
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        self.stdout.write(f"Created {shown}\n  {script.doc}\n")

    def ask(self, question: str) -> bool:
        """Ask a yes/no question on the terminal; no is the default."""
        self.stdout.write(f"{question} [y/N] ")
        self.stdout.flush()
        answer = sys.stdin.readline()
        if not sys.stdin.isatty():
            self.stdout.write(answer if answer.endswith("\n") else answer + "\n")
        return answer.strip().lower() in ("y", "yes")
