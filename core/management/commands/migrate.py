"""`migrate [TARGET]`: bring the database to the latest migration, or to TARGET ("zero": none)."""

from __future__ import annotations

from typing import Any

from core.db import project_migrations
from core.management.base import BaseCommand, CommandError, CommandParser
from orm.exceptions import MigrationError


class Command(BaseCommand):
    help = "Apply (or unapply) migrations: to the latest, to TARGET, or 'zero' for none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target",
            nargs="?",
            help="A migration id (or a unique prefix of one), or 'zero'. Default: the latest.",
        )
        parser.add_argument(
            "--plan", action="store_true", help="Show what would run, and run nothing."
        )

    def handle(self, **options: Any) -> None:
        migrations = project_migrations()
        target = options["target"]
        try:
            direction, steps = migrations.plan(target)
            if options["plan"]:
                self._show_plan(direction, steps)
                return
            if not steps:
                self.stdout.write("No migrations to apply.\n")
                return
            verb = "Applying" if direction == "upgrade" else "Unapplying"
            messages = {step.id: step.message for step in steps}

            def report(_direction: str, revision: str) -> None:
                self.stdout.write(f"  {verb} {revision} {messages.get(revision, '')}... OK\n")
                self.stdout.flush()

            self.stdout.write(f"Running migrations ({direction}):\n")
            migrations.migrate(target, report=report)
        except MigrationError as exc:
            raise CommandError(str(exc)) from None

    def _show_plan(self, direction: str, steps: list[Any]) -> None:
        if not steps:
            self.stdout.write("Planned operations: none.\n")
            return
        self.stdout.write(f"Planned operations ({direction}):\n")
        for step in steps:
            self.stdout.write(f"  {step.id} {step.message}\n")
