"""The migrations in migrations/ are those makemigrations writes for the models."""

from __future__ import annotations

from sqlalchemy import Engine

from core.db import project_migrations


def test_every_model_change_has_a_migration(stoa_test_database: Engine) -> None:
    assert project_migrations().check() == []
