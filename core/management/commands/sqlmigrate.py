"""`sqlmigrate REVISION`: print the SQL a migration runs, without running it."""

from __future__ import annotations

from typing import Any

from core.db import project_migrations
from core.management.base import BaseCommand, CommandError, CommandParser
from orm.exceptions import MigrationError


class Command(BaseCommand):
    help = "Print the SQL of a migration (from its parent to it), without running it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "revision",
            help="A migration: its number (0002), file name, or Alembic id (or a unique prefix).",
        )

    def handle(self, **options: Any) -> None:
        try:
            self.stdout.write(project_migrations().sql(options["revision"]))
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
