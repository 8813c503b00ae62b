"""The DB middleware's tests run on the data layer's databases: see tests/dbfixtures.py."""

from tests.dbfixtures import backend, database_url, engine, postgresql_url, site_settings

__all__ = ["backend", "database_url", "engine", "postgresql_url", "site_settings"]
