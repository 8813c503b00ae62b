"""Concurrent writers through real gunicorn (4 sync workers), on SQLite and PostgreSQL.

Every write answered 2xx must be in the database, and no request may get a 5xx: on SQLite
BEGIN IMMEDIATE queues the writers; on PostgreSQL the counter is read FOR UPDATE.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.helpers import (
    clean_env,
    free_port,
    log_tail,
    replace_in_file,
    start_server,
    stop_server,
    try_request,
    wait_for,
)
from tests.integration.db.conftest import (
    PROJECT_NAME,
    Project,
    connect,
    database_for,
    expect_ok,
    generate_project,
)

pytestmark = pytest.mark.slow

WORKERS = 4
CLIENT_THREADS = 16
INCREMENTS = 200
INSERTS = 200
REQUEST_TIMEOUT = 30
START_TIMEOUT = 30
LOAD_TIMEOUT = 120

MODELS = """

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Counter(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Row(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(String(50))
"""

VIEWS = """

from sqlalchemy import func, select

from core.http import JsonResponse
from core.views import View

from .models import Counter, Row


# Load-test clients send no CSRF token.
class Increment(View):
    csrf_exempt = True
    def post(self, request):
        query = select(Counter).where(Counter.id == 1)
        if request.db.get_bind().dialect.name == "postgresql":
            # Without the row lock two workers would read the same value and lose one.
            query = query.with_for_update()
        counter = request.db.scalars(query).one()
        counter.value += 1
        return JsonResponse({"value": counter.value})


class InsertRow(View):
    csrf_exempt = True
    def post(self, request):
        row = Row(note="written")
        request.db.add(row)
        request.db.flush()
        return JsonResponse({"id": row.id}, status=201)


class Count(View):
    def get(self, request):
        value = request.db.scalars(select(Counter.value).where(Counter.id == 1)).one()
        rows = request.db.scalars(select(func.count()).select_from(Row)).one()
        return JsonResponse({"counter": value, "rows": rows})
"""

URLS = """
    path("increment/", views.Increment.as_view()),
    path("rows/", views.InsertRow.as_view()),
    path("count/", views.Count.as_view()),
]"""


@dataclass(frozen=True)
class Server:
    """A gunicorn serving the project, and the database it writes to."""

    port: int
    log: Path
    url: str


@dataclass(frozen=True)
class Load:
    """The answers to the concurrent requests, by path: status codes and transport errors."""

    statuses: dict[str, list[int]]
    errors: list[str]

    def count(self, path: str, accept: Callable[[int], bool]) -> int:
        return sum(1 for status in self.statuses[path] if accept(status))


def post(port: int, path: str) -> int:
    """POST an empty body to 127.0.0.1:`port` and return the status."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=b"", method="POST")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        error.close()
        return int(error.code)


@pytest.fixture(scope="module")
def server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Generate the project, migrate it, seed the counter, and serve it with gunicorn."""
    directory = tmp_path_factory.mktemp(f"concurrency-{backend}")
    root = generate_project(directory)
    with database_for(backend, root) as url:
        project = Project(root, url)
        project.append_to(f"{PROJECT_NAME}/models.py", MODELS)
        project.append_to(f"{PROJECT_NAME}/views.py", VIEWS)
        replace_in_file(root / PROJECT_NAME / "urls.py", "\n]", URLS)
        expect_ok(project.manage("makemigrations"))
        expect_ok(project.manage("migrate"))
        with connect(url) as engine, engine.begin() as connection:
            connection.execute(text("INSERT INTO counter (id, value) VALUES (1, 0)"))
        port = free_port()
        log = directory / "gunicorn.log"
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            f"{PROJECT_NAME}.wsgi:application",
        ]
        process = start_server(args, root, log, clean_env(DATABASE_URL=url))
        try:
            wait_for(
                lambda: try_request(port, "/count/"),
                lambda result: result.status == 200,
                START_TIMEOUT,
                f"gunicorn on 127.0.0.1:{port}\n{log_tail(log)}",
            )
            yield Server(port, log, url)
        finally:
            stop_server(process)


@pytest.fixture(scope="module")
def load(server: Server) -> Load:
    """Send the increments and the inserts at once, from many threads; collect the answers."""
    paths = ["/increment/"] * INCREMENTS + ["/rows/"] * INSERTS
    # Interleave them, so writers of both kinds compete for the database.
    paths = paths[::2] + paths[1::2]
    statuses: dict[str, list[int]] = {"/increment/": [], "/rows/": []}
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        futures = [(path, pool.submit(post, server.port, path)) for path in paths]
        for path, future in futures:
            try:
                statuses[path].append(future.result(timeout=LOAD_TIMEOUT))
            except (OSError, TimeoutError) as exc:
                errors.append(f"{path}: {type(exc).__name__}: {exc}")
    return Load(statuses, errors)


def final_counts(server: Server) -> dict[str, int]:
    with connect(server.url) as engine, engine.connect() as connection:
        counter = connection.execute(text("SELECT value FROM counter WHERE id = 1")).scalar_one()
        rows = connection.execute(text('SELECT count(*) FROM "row"')).scalar_one()
    return {"counter": counter, "rows": rows}


def test_every_request_gets_an_answer(load: Load, server: Server) -> None:
    assert load.errors == [], log_tail(server.log)


def test_no_request_gets_a_server_error(load: Load, server: Server) -> None:
    answers = Counter(load.statuses["/increment/"] + load.statuses["/rows/"])

    assert not [status for status in answers if status >= 500], (answers, log_tail(server.log))


def test_increments_are_answered_200(load: Load) -> None:
    assert Counter(load.statuses["/increment/"]) == {200: INCREMENTS}


def test_inserts_are_answered_201(load: Load) -> None:
    assert Counter(load.statuses["/rows/"]) == {201: INSERTS}


def test_counter_equals_the_successful_increments(load: Load, server: Server) -> None:
    successes = load.count("/increment/", lambda status: 200 <= status < 300)

    assert final_counts(server)["counter"] == successes


def test_rows_equal_the_successful_inserts(load: Load, server: Server) -> None:
    successes = load.count("/rows/", lambda status: 200 <= status < 300)

    assert final_counts(server)["rows"] == successes


def test_count_view_reports_what_the_database_holds(load: Load, server: Server) -> None:
    result = try_request(server.port, "/count/", timeout=REQUEST_TIMEOUT)

    assert result is not None
    assert result.status == 200
    assert json.loads(result.text) == final_counts(server)


def test_server_log_has_no_traceback(load: Load, server: Server) -> None:
    assert "Traceback" not in server.log.read_text(errors="replace"), log_tail(server.log)
