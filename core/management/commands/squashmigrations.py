"""`squashmigrations FROM TO`: replace a straight run of migrations with one file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.db import project_migrations
from core.management.base import BaseCommand, CommandError, CommandParser
from orm.exceptions import MigrationError
from orm.migrations.squash import squash


class Command(BaseCommand):
    help = "Replace the migrations from FROM to TO (both included) with one file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", metavar="FROM", help="The first migration to squash.")
        parser.add_argument("end", metavar="TO", help="The last migration to squash.")

    def handle(self, **options: Any) -> None:
        try:
            done = squash(project_migrations(), options["start"], options["end"])
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
        path = done.path
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        self.stdout.write(f"Created {shown}, replacing {', '.join(done.replaced)}.\n")
        for name in done.data_steps:
            self.stdout.write(
                f"  {name} changes data: its steps are kept as they were; check that they "
                f"still make sense on a new database.\n"
            )
