"""`dbshell`: open the database's own command-line client on the project's database."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from sqlalchemy.engine import URL, make_url

from core.conf import settings
from core.management.base import BaseCommand, CommandError, CommandParser


def client_command(url: URL) -> tuple[list[str], dict[str, str]]:
    """Return the client's argv and the environment variables it needs for `url`."""
    backend = url.get_backend_name()
    env: dict[str, str] = {}
    if backend == "sqlite":
        return ["sqlite3", url.database or ":memory:"], env
    if backend == "postgresql":
        args = ["psql"]
        if url.username:
            args += ["-U", url.username]
        if url.host:
            args += ["-h", url.host]
        if url.port:
            args += ["-p", str(url.port)]
        args.append(url.database or "postgres")
        if url.password:
            env["PGPASSWORD"] = url.password  # not on the command line, where ps shows it
        return args, env
    if backend in ("mysql", "mariadb"):
        args = ["mariadb" if shutil.which("mariadb") else "mysql"]
        if url.username:
            args.append(f"--user={url.username}")
        if url.host:
            args.append(f"--host={url.host}")
        if url.port:
            args.append(f"--port={url.port}")
        if url.database:
            args.append(url.database)
        if url.password:
            env["MYSQL_PWD"] = url.password
        return args, env
    raise CommandError(f"dbshell does not know the client of {backend!r} databases.")


class Command(BaseCommand):
    help = (
        "Open the database's command-line client (sqlite3, psql, mysql) on the project's database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="The DATABASES alias.")

    def handle(self, **options: Any) -> None:
        alias = options["database"]
        entry = settings.DATABASES.get(alias)
        if entry is None:
            raise CommandError(f"No database {alias!r} in DATABASES.")
        url = make_url(entry if isinstance(entry, str) else entry["URL"])
        args, env = client_command(url)
        if shutil.which(args[0]) is None:
            raise CommandError(f"The client {args[0]!r} is not installed or not on PATH.")
        raise SystemExit(subprocess.call(args, env={**os.environ, **env}))
