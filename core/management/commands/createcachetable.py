"""`createcachetable`: create the table of each database cache in CACHES."""

from __future__ import annotations

from typing import Any

from core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create the tables of the database caches (core.cache.backends.db) in CACHES."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the CREATE TABLE, create nothing."
        )

    def handle(self, **options: Any) -> None:
        from sqlalchemy.schema import CreateTable

        from core.cache import caches
        from core.cache.backends.db import DatabaseCache
        from core.conf import settings

        found = [
            alias
            for alias, params in settings.CACHES.items()
            if str(params.get("BACKEND", "")).endswith("backends.db.DatabaseCache")
        ]
        if not found:
            raise CommandError(
                "No cache in CACHES uses core.cache.backends.db.DatabaseCache: nothing to create."
            )
        for alias in found:
            cache = caches[alias]
            assert isinstance(cache, DatabaseCache)
            name = cache.table.name
            if options["dry_run"]:
                ddl = CreateTable(cache.table).compile(cache.engine)
                self.stdout.write(f"{str(ddl).strip()};\n")
            elif cache.create_table():
                self.stdout.write(f"Created the cache table {name!r} ({alias}).\n")
            else:
                self.stdout.write(f"The cache table {name!r} ({alias}) exists already.\n")
