"""Migrations on Alembic with Django's workflow: numbered files, --check, squash, data steps.

`Migrations` drives one project's history; `historical()` gives a data migration the
ORM at the schema of its revision.
"""

from orm.exceptions import MigrationError
from orm.migrations.historical import Historical, historical
from orm.migrations.history import Migrations, Revision

__all__ = ["Historical", "MigrationError", "Migrations", "Revision", "historical"]
