"""F5: PostgreSQL stopped and started again under load, on a private cluster.

While the server is down, requests that need the database get 503 with Retry-After
(never a 500, never a traceback) and views that do not need it keep answering 200;
once it is back, the same workers answer normally again, by themselves (the pool pings
connections before use and drops the ones the restart cut).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.helpers import log_tail
from tests.integration.load.cluster import Cluster, missing_reason, private_cluster
from tests.integration.load.conftest import RESTART_WORKER_CLASSES, report
from tests.integration.load.harness import Load, Outcome, Results, Site, serve

pytestmark = [pytest.mark.slow]
if (reason := missing_reason()) is not None:
    pytestmark.append(pytest.mark.skip(reason=f"F5 needs a private PostgreSQL cluster: {reason}"))

CLIENTS = 8
MIX = ("db", "json", "write", "page")
NEEDS_THE_DATABASE = frozenset({"db", "write", "page"})
BEFORE_OUTAGE = 40
REFUSALS = 20  # 503s to see while the server is down before starting it again
AFTER_RECOVERY = 80
OUTAGE_TIMEOUT = 60


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with private_cluster() as running:
        yield running


@pytest.fixture(scope="module", params=RESTART_WORKER_CLASSES)
def restarting(
    request: pytest.FixtureRequest,
    cluster: Cluster,
    load_project: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    """The project on a database of the private cluster, served by 4 workers."""
    worker_class: str = request.param
    name = f"stoa_restart_{worker_class}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = make_url(cluster.url).set(database=name).render_as_string(hide_password=False)
    directory = tmp_path_factory.mktemp(f"restart-{worker_class}")
    with serve(
        load_project, url, directory, backend="postgresql", worker_class=worker_class
    ) as site:
        yield site


@dataclass(frozen=True)
class Outage:
    """The load around a stop and start of the database server, with its moments."""

    results: Results
    workers_before: set[int]
    workers_after: set[int]
    stopped: float
    started: float
    recovered: float

    def during(self) -> list[Outcome]:
        """Requests sent while the server was down (or going down)."""
        return [o for o in self.results.outcomes if self.stopped <= o.started < self.started]

    def after_recovery(self) -> list[Outcome]:
        """Requests sent after the first normal answer from the database since the start."""
        return [o for o in self.results.outcomes if o.started >= self.recovered]


def first_recovery(outcomes: list[Outcome], since: float) -> float | None:
    answered = [
        o.finished for o in outcomes if o.kind in NEEDS_THE_DATABASE and o.ok and o.started >= since
    ]
    return min(answered) if answered else None


@pytest.fixture(scope="module")
def outage(restarting: Site, cluster: Cluster) -> Outage:
    """Stop the server (fast: clients cut off) under load; start it; load on after it is back."""
    site = restarting
    before = site.workers()
    load = Load(site.port, MIX, clients=CLIENTS, seconds=OUTAGE_TIMEOUT * 3).start()
    load.wait_until(lambda got: len(got) >= BEFORE_OUTAGE, OUTAGE_TIMEOUT, "load before")
    stopped = time.monotonic()
    cluster.stop("fast")
    load.wait_until(
        lambda got: len([o for o in got if o.refused and o.started >= stopped]) >= REFUSALS,
        OUTAGE_TIMEOUT,
        f"{REFUSALS} refusals while the database is down\n{log_tail(site.log)}",
    )
    started = time.monotonic()
    cluster.start()
    load.wait_until(
        lambda got: first_recovery(got, started) is not None,
        OUTAGE_TIMEOUT,
        f"a normal answer after the restart\n{log_tail(site.log)}",
    )
    recovered = first_recovery(load.snapshot(), started)
    assert recovered is not None
    load.wait_until(
        lambda got: len([o for o in got if o.started >= recovered]) >= AFTER_RECOVERY,
        OUTAGE_TIMEOUT,
        "load after the recovery",
    )
    results = load.stop()
    outage = Outage(results, before, site.workers(), stopped, started, recovered)
    refused = len([o for o in outage.during() if o.refused])
    report(
        f"F5 postgresql/{site.worker_class} restart: {results.summary()}; "
        f"{refused} refused while down; normal again {recovered - started:.2f} s after the start"
    )
    return outage


def test_no_request_gets_a_500_or_no_answer(outage: Outage, restarting: Site) -> None:
    assert outage.results.unexpected() == [], log_tail(restarting.log)


def test_requests_needing_the_database_get_503_with_retry_after_while_it_is_down(
    outage: Outage,
) -> None:
    refused = [o for o in outage.during() if o.refused]

    assert len(refused) >= REFUSALS
    assert {o.kind for o in refused} <= NEEDS_THE_DATABASE
    assert {o.retry_after for o in refused} == {"5"}


def test_a_view_without_the_database_answers_throughout(outage: Outage) -> None:
    assert {o.status for o in outage.results.of("json")} == {200}


def test_nothing_internal_reaches_a_client(outage: Outage) -> None:
    assert outage.results.leaks() == []


def test_the_same_workers_recover_by_themselves(outage: Outage) -> None:
    after = outage.after_recovery()

    assert outage.workers_after == outage.workers_before
    assert len(after) >= AFTER_RECOVERY
    assert [o for o in after if not o.ok] == []


def test_writes_answered_2xx_survive_the_restart(outage: Outage, restarting: Site) -> None:
    saved = restarting.tokens()

    assert outage.results.ok_tokens() <= saved
    assert saved <= outage.results.sent_tokens()


def test_the_log_says_the_database_cannot_be_reached_without_a_traceback(
    outage: Outage, restarting: Site
) -> None:
    log = restarting.log_text()

    assert "Service Unavailable: the database cannot be reached" in log
    assert "Traceback" not in log, log_tail(restarting.log)
