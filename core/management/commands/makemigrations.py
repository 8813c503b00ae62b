"""`makemigrations`: write a migration for the changes in the models (Alembic autogenerate)."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
            "--empty",
            action="store_true",
            help="Write an empty migration to fill in by hand (a data migration).",
        )
        parser.add_argument(
            "--merge",
            action="store_true",
            help="Write a migration joining two branches that both added migrations.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit 1 and list the changes if the models have any without "
            "a migration. Needs no migrated database.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help="Ask nothing: a dropped and an added column are not taken for a rename, and "
            "a NOT NULL column that existing rows cannot fill stops the command.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write the migration even if it drops every table.",
        )

    def handle(self, **options: Any) -> None:
        migrations = project_migrations()
        interactive = not options["noinput"]
        try:
            if options["check"]:
                self._check(migrations.check())
                return
            if options["merge"]:
                script = migrations.merge(options["message"])
                if script is None:
                    self.stdout.write("No conflicts to merge: the migrations have one latest.\n")
                    return
            else:
                script = migrations.make(
                    options["message"],
                    empty=options["empty"],
                    ask=self.ask if interactive else None,
                    ask_value=self.ask_value if interactive else None,
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

    def _check(self, changes: list[str]) -> None:
        if not changes:
            self.stdout.write("No changes detected.\n")
            return
        self.stdout.write("Changes without a migration:\n")
        for change in changes:
            self.stdout.write(f"  {change}\n")
        raise CommandError(
            f"The models have {len(changes)} change(s) that no migration records: "
            f"run 'python manage.py makemigrations'."
        )

    def ask(self, question: str) -> bool:
        """Ask a yes/no question on the terminal; no is the default."""
        return self._prompt(f"{question} [y/N] ").strip().lower() in ("y", "yes")

    def ask_value(self, question: str, parse: Callable[[str], Any]) -> Any:
        """Ask for a one-off value until `parse` takes it; None when the user types nothing."""
        prompt = question
        while True:
            answer = self._prompt(prompt)
            prompt = question.rsplit("\n", 1)[-1]
            if not answer.strip():
                return None
            try:
                return parse(answer)
            except ValueError as exc:
                self.stdout.write(f"  {exc}\n")

    def _prompt(self, question: str) -> str:
        self.stdout.write(question)
        self.stdout.flush()
        answer = sys.stdin.readline()
        if not sys.stdin.isatty():
            self.stdout.write(answer if answer.endswith("\n") else answer + "\n")
        return answer
