"""Database connections are never shared across gunicorn's fork (--preload), on SQLite and PG.

The project's wsgi.py uses the database at import, in gunicorn's arbiter, before the
workers are forked, and leaves that connection in the pool. Each worker must open its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import (
    clean_env,
    free_port,
    http_request,
    log_tail,
    replace_in_file,
    start_server,
    stop_server,
    try_request,
    wait_for,
)
from tests.integration.db.conftest import PROJECT_NAME, database_for, generate_project

pytestmark = pytest.mark.slow

WORKERS = 3
START_TIMEOUT = 30
REQUEST_TIMEOUT = 10
SPREAD_TIMEOUT = 30
BATCH = 12
PREFORK_RECORD = "prefork.json"

# Shared by wsgi.py (in the arbiter) and the view (in the workers).
IDENTITY = '''

import os

from sqlalchemy import event, text
from orm import get_engine


@event.listens_for(get_engine(), "connect")
def remember_opener(dbapi_connection, record):
    record.info["opened_in_pid"] = os.getpid()


def identify(connection):
    """Describe a SQLAlchemy connection: who opened it, and the server's id for it."""
    if connection.dialect.name == "postgresql":
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    else:
        backend = id(connection.connection.driver_connection)
    return {
        "pid": os.getpid(),
        "opened_in_pid": connection.connection.info.get("opened_in_pid"),
        "backend": backend,
    }
'''

# Appended to wsgi.py: a query before gunicorn forks; the connection goes back to the pool.
PREFORK_QUERY = f"""

import json
from pathlib import Path

from {PROJECT_NAME}.identity import identify

with get_engine().connect() as _connection:
    _prefork = identify(_connection)
(Path(__file__).resolve().parent.parent / "{PREFORK_RECORD}").write_text(json.dumps(_prefork))
"""
WSGI_IMPORT = "from core.wsgi import get_wsgi_application\n"

VIEWS = """

from core.http import JsonResponse
from core.views import View

from .identity import identify


class WhoAmI(View):
    def get(self, request):
        return JsonResponse(identify(request.db.connection()))
"""

URLS = """
    path("whoami/", views.WhoAmI.as_view()),
]"""


@dataclass(frozen=True)
class Server:
    """A gunicorn --preload serving the project."""

    port: int
    log: Path
    prefork: dict[str, Any]


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve a project whose wsgi.py queries the database before gunicorn forks."""
    directory = tmp_path_factory.mktemp(f"fork-{backend}")
    root = generate_project(directory)
    package = root / PROJECT_NAME
    (package / "identity.py").write_text(IDENTITY, encoding="utf-8")
    replace_in_file(package / "wsgi.py", WSGI_IMPORT, WSGI_IMPORT + "from orm import get_engine\n")
    with (package / "wsgi.py").open("a", encoding="utf-8") as wsgi:
        wsgi.write(PREFORK_QUERY)
    with (package / "views.py").open("a", encoding="utf-8") as views:
        views.write(VIEWS)
    replace_in_file(package / "urls.py", "\n]", URLS)
    with database_for(backend, root) as url:
        port = free_port()
        log = directory / "gunicorn.log"
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--preload",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            f"{PROJECT_NAME}.wsgi:application",
        ]
        process = start_server(args, root, log, clean_env(DATABASE_URL=url))
        try:
            wait_for(
                lambda: try_request(port, "/whoami/"),
                lambda result: result.status == 200,
                START_TIMEOUT,
                f"gunicorn on 127.0.0.1:{port}\n{log_tail(log)}",
            )
            prefork = json.loads((root / PREFORK_RECORD).read_text(encoding="utf-8"))
            yield Server(port, log, prefork)
        finally:
            stop_server(process)


@pytest.fixture(scope="module")
def answers(server: Server) -> list[tuple[int, dict[str, Any]]]:
    """Ask /whoami/ in concurrent batches until two or more workers have answered."""
    seen: list[tuple[int, dict[str, Any]]] = []

    def batch() -> set[int]:
        with ThreadPoolExecutor(max_workers=BATCH) as pool:
            results = list(
                pool.map(
                    lambda _: http_request(server.port, "/whoami/", timeout=REQUEST_TIMEOUT),
                    range(BATCH),
                )
            )
        for result in results:
            body = json.loads(result.text) if result.status == 200 else {}
            seen.append((result.status, body))
        return {body["pid"] for status, body in seen if status == 200}

    wait_for(batch, lambda pids: len(pids) >= 2, SPREAD_TIMEOUT, "answers from 2 workers")
    return seen


def by_worker(answers: list[tuple[int, dict[str, Any]]]) -> dict[int, set[Any]]:
    workers: dict[int, set[Any]] = {}
    for _, body in answers:
        workers.setdefault(body["pid"], set()).add(body["backend"])
    return workers


def test_no_request_gets_a_server_error(
    answers: list[tuple[int, dict[str, Any]]], server: Server
) -> None:
    statuses = {status for status, _ in answers}

    assert statuses == {200}, log_tail(server.log)


def test_the_arbiter_used_the_database_before_forking(
    answers: list[tuple[int, dict[str, Any]]], server: Server
) -> None:
    assert server.prefork["opened_in_pid"] == server.prefork["pid"]
    assert server.prefork["pid"] not in by_worker(answers)


def test_each_worker_uses_a_connection_it_opened_itself(
    answers: list[tuple[int, dict[str, Any]]],
) -> None:
    mismatched = [body for _, body in answers if body["opened_in_pid"] != body["pid"]]

    assert mismatched == []


def test_no_worker_uses_the_connection_of_the_arbiter(
    answers: list[tuple[int, dict[str, Any]]], server: Server, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server-side connection id; opened_in_pid covers it")
    backends = {body["backend"] for _, body in answers}

    assert server.prefork["backend"] not in backends


def test_workers_do_not_share_a_connection(
    answers: list[tuple[int, dict[str, Any]]], backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server-side connection id; opened_in_pid covers it")
    owners: dict[Any, set[int]] = {}
    for _, body in answers:
        owners.setdefault(body["backend"], set()).add(body["pid"])
    shared = {backend: pids for backend, pids in owners.items() if len(pids) > 1}

    assert len(by_worker(answers)) >= 2
    assert shared == {}
