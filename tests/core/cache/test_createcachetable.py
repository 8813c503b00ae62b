"""`createcachetable`: the tables of the database caches."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from orm.session import get_engine
from tests.helpers import call_command


def test_it_creates_the_table_once(settings: Any, db: Session) -> None:
    table = f"cache_{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.backends.db.DatabaseCache", "LOCATION": table}
    }

    first = call_command("createcachetable")
    second = call_command("createcachetable")

    try:
        assert (first.code, second.code) == (0, 0), first.err
        assert f"Created the cache table {table!r}" in first.out
        assert "exists already" in second.out
        assert inspect(get_engine()).has_table(table)
    finally:
        from core.cache import caches

        caches["default"].table.drop(get_engine())  # type: ignore[attr-defined]


def test_dry_run_prints_the_sql(settings: Any, db: Session) -> None:
    table = f"cache_{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.backends.db.DatabaseCache", "LOCATION": table}
    }

    result = call_command("createcachetable", "--dry-run")

    assert result.code == 0, result.err
    assert f"CREATE TABLE {table}" in result.out
    assert not inspect(get_engine()).has_table(table)


def test_without_a_database_cache_it_says_so_in_one_line(settings: Any) -> None:
    result = call_command("createcachetable")

    assert result.code == 1
    assert result.err.strip().count("\n") == 0
    assert "nothing to create" in result.err
