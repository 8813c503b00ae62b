"""Stoa's data layer: SQLAlchemy 2 models, sessions, transactions, pagination, migrations.

Never imports `core`: the web layer configures it (`orm.session.configure`).
"""

from orm.exceptions import ConfigurationError, MigrationError
from orm.models import NAMING_CONVENTION, Model
from orm.pagination import InvalidPage, Page, Paginator
from orm.session import get_engine, get_session, session_scope
from orm.signals import post_delete, post_save, pre_delete, pre_save
from orm.transactions import atomic, on_commit

__all__ = [
    "NAMING_CONVENTION",
    "ConfigurationError",
    "InvalidPage",
    "MigrationError",
    "Model",
    "Page",
    "Paginator",
    "atomic",
    "get_engine",
    "get_session",
    "on_commit",
    "post_delete",
    "post_save",
    "pre_delete",
    "pre_save",
    "session_scope",
]
