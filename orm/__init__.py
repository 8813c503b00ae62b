"""Stoa's data layer: SQLAlchemy 2 models and sessions. Never imports `core`."""

from orm.models import NAMING_CONVENTION, Model

__all__ = ["NAMING_CONVENTION", "Model"]
