"""`showmigrations`: list the migrations, oldest first, with the applied ones marked [X]."""

from __future__ import annotations

from typing import Any

from core.db import project_migrations
from core.management.base import BaseCommand, CommandError, CommandParser
from orm.exceptions import MigrationError


class Command(BaseCommand):
    help = "List the migrations, oldest first; [X] marks the applied ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-v", "--verbose", action="store_true", help="Also show each one's Alembic id."
        )

    def handle(self, **options: Any) -> None:
        try:
            revisions = project_migrations().revisions()
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
        if not revisions:
            self.stdout.write("(no migrations)\n")
            return
        for revision in revisions:
            mark = "X" if revision.applied else " "
            extra = f"  ({revision.id})" if options["verbose"] else ""
            self.stdout.write(f"[{mark}] {revision.name}{extra}\n")
