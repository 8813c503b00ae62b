"""F6: `gunicorn --preload` with 4 workers on PostgreSQL, under load: no connection shared.

tests/integration/db/test_fork_safety.py asks the workers which connection they used;
this test asks the server. Every connection is named after the process that opened it
(application_name, set when it connects), and the arbiter queries the database before
it forks. Under concurrent load, each worker's requests must run on backends that the
worker opened itself, never on the arbiter's, and no backend may serve two workers;
pg_stat_activity then lists one set of backends per worker.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers import log_tail
from tests.integration.db.conftest import connect, copy_project
from tests.integration.load import app
from tests.integration.load.conftest import PRELOAD_WORKER_CLASSES, SOAK, own_site, report
from tests.integration.load.harness import THREADS, WORKERS, Load, Results, Site

pytestmark = pytest.mark.slow

CLIENTS = 16
REQUESTS = 2000 if SOAK else 200


@pytest.fixture(scope="module", params=PRELOAD_WORKER_CLASSES)
def preloaded(
    request: pytest.FixtureRequest, load_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The project, with the PRELOAD_WSGI addition, under gunicorn --preload on PostgreSQL."""
    worker_class: str = request.param
    directory = tmp_path_factory.mktemp(f"preload-{worker_class}")
    root = copy_project(load_project, directory / "project")
    with (root / "mysite" / "wsgi.py").open("a", encoding="utf-8") as wsgi:
        wsgi.write(app.PRELOAD_WSGI)
    with own_site(("postgresql", worker_class), root, directory, ["--preload"]) as site:
        yield site


def prefork_record(site: Site) -> dict[str, Any]:
    """What the arbiter wrote before forking: its pid and its backend's."""
    record = site.log.parent / "project" / "mysite" / "prefork.json"
    found: dict[str, Any] = json.loads(record.read_text(encoding="utf-8"))
    return found


@dataclass(frozen=True)
class Connections:
    """The answers of the load, and the database's list of backends right after it."""

    results: Results
    workers: set[int]
    activity: dict[int, str]  # backend pid -> application_name, from pg_stat_activity
    prefork: dict[str, Any]

    def answers(self) -> list[dict[str, Any]]:
        return [o.body for o in self.results.outcomes if o.body is not None]

    def backends_by_worker(self) -> dict[int, set[int]]:
        found: dict[int, set[int]] = {}
        for body in self.answers():
            found.setdefault(body["pid"], set()).add(body["backend"])
        return found


def activity(site: Site) -> dict[int, str]:
    """The other backends connected to the site's database, with their application_name."""
    query = text(
        "SELECT pid, application_name FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with connect(site.url) as engine, engine.connect() as connection:
        return {int(pid): str(name) for pid, name in connection.execute(query)}


@pytest.fixture(scope="module")
def connections(preloaded: Site) -> Connections:
    """Concurrent requests to the view that names its backend, then pg_stat_activity."""
    results = Load(preloaded.port, ["backend"], clients=CLIENTS, requests=REQUESTS).run()
    found = Connections(
        results, preloaded.workers(), activity(preloaded), prefork_record(preloaded)
    )
    per_worker = sorted(len(backends) for backends in found.backends_by_worker().values())
    report(
        f"F6 postgresql/{preloaded.worker_class} --preload: {results.summary()}; "
        f"{len(per_worker)} workers answered, backends per worker {per_worker}"
    )
    return found


def test_preloaded_workers_answer_every_request(connections: Connections, preloaded: Site) -> None:
    assert connections.results.statuses() == {200: REQUESTS}, log_tail(preloaded.log)


def test_the_arbiter_used_the_database_before_forking(connections: Connections) -> None:
    prefork = connections.prefork

    assert prefork["pid"] not in connections.workers
    assert connections.activity.get(prefork["backend"]) == f"stoa-{prefork['pid']}"


def test_each_worker_runs_on_connections_it_opened(connections: Connections) -> None:
    foreign = [body for body in connections.answers() if body["opened_by"] != f"stoa-{body['pid']}"]

    assert foreign == []


def test_no_worker_runs_on_the_arbiters_connection(connections: Connections) -> None:
    used = {body["backend"] for body in connections.answers()}

    assert connections.prefork["backend"] not in used


def test_no_backend_serves_two_workers(connections: Connections) -> None:
    owners: dict[int, set[int]] = {}
    for body in connections.answers():
        owners.setdefault(body["backend"], set()).add(body["pid"])

    assert len(connections.backends_by_worker()) >= 2
    assert {backend: pids for backend, pids in owners.items() if len(pids) > 1} == {}


def test_pg_stat_activity_lists_each_workers_own_backends(
    connections: Connections, preloaded: Site
) -> None:
    per_process = Counter(connections.activity.values())
    workers = {f"stoa-{pid}" for pid in connections.workers}
    most = 1 if preloaded.worker_class == "sync" else THREADS

    assert set(per_process) <= workers | {f"stoa-{connections.prefork['pid']}"}
    assert len(workers & set(per_process)) >= 2
    assert len(connections.workers) == WORKERS
    assert max(per_process[name] for name in workers & set(per_process)) <= most
