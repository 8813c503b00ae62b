"""Errors of the data layer (the web layer reports them as ImproperlyConfigured)."""

from __future__ import annotations


class ConfigurationError(Exception):
    """A database setting is wrong: a bad URL, an unknown dialect, a missing driver."""


class MigrationError(Exception):
    """A migration could not be made or applied; the message says which and why."""
