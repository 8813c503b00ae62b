"""The async engines behind request.adb: drivers chosen from the URL, Stoa's defaults."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from orm.async_session import async_url, create_async_database_engine
from orm.exceptions import ConfigurationError


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("sqlite:///db.sqlite3", "sqlite+aiosqlite"),
        ("postgresql://u@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg"),
        ("mysql+pymysql://u@h/d", "mysql+aiomysql"),
    ],
)
def test_async_url_names_the_async_driver(url: str, driver: str) -> None:
    assert async_url(url).drivername == driver


def test_in_memory_sqlite_is_refused_with_the_fix() -> None:
    with pytest.raises(ConfigurationError, match=r"sqlite:///db\.sqlite3"):
        create_async_database_engine("sqlite://")


def test_sqlite_file_gets_foreign_keys_and_wal(tmp_path: Path) -> None:
    engine = create_async_database_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")

    async def pragmas() -> tuple[int, str]:
        async with engine.connect() as connection:
            keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
        await engine.dispose()
        return keys, mode

    assert asyncio.run(pragmas()) == (1, "wal")


def test_missing_driver_names_the_package() -> None:
    with pytest.raises(ConfigurationError, match="pip install aiomysql"):
        create_async_database_engine("mysql+pymysql://u@localhost/d")
