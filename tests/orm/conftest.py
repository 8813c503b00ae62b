"""Fixtures of the data layer's tests: see tests/dbfixtures.py."""

from tests.dbfixtures import (
    backend,
    database_url,
    databases,
    engine,
    postgresql_url,
    site_settings,
    statements,
)

__all__ = [
    "backend",
    "database_url",
    "databases",
    "engine",
    "postgresql_url",
    "site_settings",
    "statements",
]
