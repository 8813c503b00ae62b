"""`migrate [TARGET]`: bring the database to the latest migration, or to TARGET ("zero": none)."""

from __future__ import annotations

from typing import Any

from core.db import project_migrations
from core.management.base import BaseCommand, CommandError, CommandParser
from orm.exceptions import MigrationError
from orm.migrations import Revision
from orm.migrations.history import DatabaseAheadError


class Command(BaseCommand):
    help = "Apply (or unapply) migrations: to the latest, to TARGET, or 'zero' for none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "target",
            nargs="?",
            help="A migration: its number (0002), file name, or Alembic id (or a unique "
            "prefix of one); 'zero' unapplies them all. Default: the latest.",
        )
        parser.add_argument(
            "--plan", action="store_true", help="Show what would run, and run nothing."
        )
        faking = parser.add_mutually_exclusive_group()
        faking.add_argument(
            "--fake",
            action="store_true",
            help="Mark the migrations as applied (or unapplied) without running them.",
        )
        faking.add_argument(
            "--fake-initial",
            action="store_true",
            help="Mark as applied, without running them, the first migrations whose tables "
            "all exist already (adopting an existing database); run the rest.",
        )

    def handle(self, **options: Any) -> None:
        migrations = project_migrations()
        target = options["target"]
        try:
            try:
                direction, steps = migrations.plan(target)
            except DatabaseAheadError:
                if not (options["fake"] and target):
                    raise
                # A database ahead of the files can still be told where it really is.
                migrations.migrate(target, fake=True)
                name = migrations.name(migrations.resolve(target))
                self.stdout.write(f"Recorded the database as at {name} (faked).\n")
                return
            if options["plan"]:
                self._show_plan(direction, steps)
                return
            if not steps:
                self.stdout.write("No migrations to apply.\n")
                self._create_permissions()
                return
            verb = "Applying" if direction == "upgrade" else "Unapplying"
            revisions = {step.id: step for step in steps}

            def report(_direction: str, revision: str, faked: bool) -> None:
                step = revisions.get(revision)
                name = step.name if step is not None else revision
                self.stdout.write(f"  {verb} {name}... {'FAKED' if faked else 'OK'}\n")
                self.stdout.flush()

            self.stdout.write(f"Running migrations ({direction}):\n")
            migrations.migrate(
                target, report=report, fake=options["fake"], fake_initial=options["fake_initial"]
            )
        except MigrationError as exc:
            raise CommandError(str(exc)) from None
        if direction == "upgrade":
            self._create_permissions()

    def _create_permissions(self) -> None:
        """Add the view/add/change/delete permissions of new models (as Django does)."""
        from sqlalchemy import inspect

        from core.conf import settings
        from orm import get_engine, session_scope

        if "core.auth" not in settings.INSTALLED_APPS:
            return
        if not inspect(get_engine()).has_table("auth_permission"):
            return
        from core.auth.permissions import create_permissions

        with session_scope() as session:
            created = create_permissions(session)
        if created:
            self.stdout.write(f"Created {len(created)} permissions.\n")

    def _show_plan(self, direction: str, steps: list[Revision]) -> None:
        if not steps:
            self.stdout.write("Planned operations: none.\n")
            return
        self.stdout.write(f"Planned operations ({direction}):\n")
        for step in steps:
            self.stdout.write(
                f"  {step.name}  {step.message.splitlines()[0] if step.message else ''}\n"
            )
