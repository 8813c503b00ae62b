"""Generated projects on a real database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

Each test (or each module, for the expensive server fixtures) gets a database of its own:
a SQLite file inside its project, or a PostgreSQL database created for it and dropped
(WITH (FORCE)) afterwards, on the server that TEST_DATABASE_URL names.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.helpers import REPO_ROOT, clean_env, run, start_project

TEST_DATABASE_VARIABLE = "TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
COMMAND_TIMEOUT = 60
PROJECT_NAME = "mysite"
BUILT_IN_MIGRATIONS = REPO_ROOT / "project_template" / "migrations"


def postgres_url() -> str | None:
    """The PostgreSQL server the tests may use, or None (TEST_DATABASE_URL not set)."""
    url = os.environ.get(TEST_DATABASE_VARIABLE, "")
    return url if url.startswith("postgresql") else None


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty database on TEST_DATABASE_URL's server; drop it (FORCE) afterwards."""
    server = postgres_url()
    assert server is not None
    # CREATE/DROP DATABASE cannot run in a transaction, nor while connected to the victim.
    admin_url = make_url(server).set(database="postgres")
    name = f"stoa_it_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def database_for(backend: str, directory: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of `backend` (a SQLite file in `directory`)."""
    if backend == "postgresql":
        with fresh_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{directory / 'db.sqlite3'}"


@contextlib.contextmanager
def connect(url: str) -> Iterator[Engine]:
    """An engine on `url` that keeps no connection open between uses (so nothing is locked)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    """The tables in the database at `url`."""
    with connect(url) as engine:
        return set(inspect(engine).get_table_names())


def column_names(url: str, table: str) -> set[str]:
    """The columns of `table` in the database at `url`."""
    with connect(url) as engine:
        return {column["name"] for column in inspect(engine).get_columns(table)}


def current_revision(url: str) -> str | None:
    """The revision Alembic recorded in the database (None if there is none)."""
    if "alembic_version" not in table_names(url):
        return None
    with connect(url) as engine, engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@dataclass
class Project:
    """A generated project and the database its commands run against."""

    root: Path
    url: str

    def manage(
        self, *args: str, stdin: str | None = None, url: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run `python manage.py ARGS` in a fresh interpreter, on this project's database."""
        env = clean_env(DATABASE_URL=url or self.url)
        return run(
            [sys.executable, "manage.py", *args],
            self.root,
            timeout=COMMAND_TIMEOUT,
            env=env,
            stdin=stdin if stdin is not None else "",
        )

    def migration_files(self) -> list[Path]:
        """The project's own migration modules, sorted by name.

        The migrations every new project starts with (core.auth's tables) are left out.
        """
        return sorted(
            path
            for path in (self.root / "migrations").glob("*.py")
            if not (BUILT_IN_MIGRATIONS / path.name).exists()
        )

    def append_to(self, relative: str, code: str) -> None:
        """Append `code` to a file of the project."""
        with (self.root / relative).open("a", encoding="utf-8") as file:
            file.write(code)


def generate_project(directory: Path) -> Path:
    """Generate `mysite` in `directory` with `stoa startproject`."""
    return start_project(directory, PROJECT_NAME)


def copy_project(template: Path, destination: Path) -> Path:
    """Copy a generated project (without caches or databases) and return the copy's root."""
    ignored = shutil.ignore_patterns("__pycache__", "db.sqlite3*")
    return Path(shutil.copytree(template, destination / PROJECT_NAME, ignore=ignored))


def expect_ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """Fail with the command's output unless it exited 0."""
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of the tests: "sqlite", or "postgresql" if TEST_DATABASE_URL is set."""
    name: str = request.param
    if name == "postgresql" and postgres_url() is None:
        pytest.skip(
            f"PostgreSQL tests need {TEST_DATABASE_VARIABLE}, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    return name
