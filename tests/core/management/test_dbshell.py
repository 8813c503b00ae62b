"""dbshell: the database's own client, with the password kept off the command line."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from core.management.base import CommandError
from core.management.commands.dbshell import client_command


def test_sqlite_opens_the_file() -> None:
    args, env = client_command(make_url("sqlite:////srv/site/db.sqlite3"))

    assert args == ["sqlite3", "/srv/site/db.sqlite3"]
    assert env == {}


def test_postgresql_passes_the_password_in_the_environment() -> None:
    args, env = client_command(make_url("postgresql+psycopg://app:s3cret@db.local:5433/site"))

    assert args == ["psql", "-U", "app", "-h", "db.local", "-p", "5433", "site"]
    assert env == {"PGPASSWORD": "s3cret"}
    assert "s3cret" not in " ".join(args)


def test_mysql_passes_the_password_in_the_environment() -> None:
    args, env = client_command(make_url("mysql+pymysql://app:s3cret@db.local/site"))

    assert args[0] in ("mysql", "mariadb")
    assert "--user=app" in args
    assert env == {"MYSQL_PWD": "s3cret"}


def test_an_unknown_backend_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="does not know the client"):
        client_command(make_url("oracle://app@db/site"))
