"""The project's migrations and database checks, as the commands and the dev server see them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from orm.exceptions import ConfigurationError
from orm.migrations import Migrations
from orm.models import Model
from orm.session import get_engine


def migrations_dir() -> Path:
    """Return MIGRATIONS_DIR, or `migrations/` beside the settings module's top package."""
    if settings.MIGRATIONS_DIR:
        return Path(settings.MIGRATIONS_DIR)
    top = settings.module_name.partition(".")[0]
    spec = importlib.util.find_spec(top) if top else None
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured(
            "Cannot tell where the migrations live: set MIGRATIONS_DIR in your settings."
        )
    return Path(next(iter(spec.submodule_search_locations))).resolve().parent / "migrations"


def project_migrations() -> Migrations:
    """Return the migrations of the project on its default database."""
    try:
        engine = get_engine()
    except ConfigurationError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    return Migrations(engine, Model.metadata, migrations_dir())


def migration_warnings() -> list[str]:
    """Describe unapplied migrations and model changes without a migration, if any."""
    warnings = []
    migrations = project_migrations()
    pending = migrations.pending()
    if pending:
        warnings.append(
            f"You have {len(pending)} unapplied migration(s): run 'python manage.py migrate'."
        )
    elif Model.metadata.tables and migrations.model_changes():
        warnings.append(
            "Your models have changes that no migration records: run "
            "'python manage.py makemigrations', then 'python manage.py migrate'."
        )
    return warnings
