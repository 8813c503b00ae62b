"""Steady load on real gunicorn (4 workers): mixed traffic, concurrent writers, counters.

L1 mixed page/JSON/DB traffic with a few writes: no 5xx, the same workers throughout,
their memory stable. L2 16 concurrent writers: a row for every 2xx, any refusal a 503
with Retry-After. L3 a counter incremented the documented way counts every 2xx; a naive
read-modify-write one loses updates on PostgreSQL, and the harness sees it. F7 (soak
only) 50,000 requests on a database page, with each worker's memory growth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from tests.helpers import log_tail
from tests.integration.load import app
from tests.integration.load.conftest import PLAN, report
from tests.integration.load.harness import MIXED, WORKERS, Load, Results, Site, rss_kib

pytestmark = pytest.mark.slow

CLIENTS = 8
WRITERS = 16
WARM_PER_WORKER = 50
LONG_RUN_WARM_PER_WORKER = 250
WARM_ROUNDS = 20


@dataclass(frozen=True)
class Run:
    """A load run and the workers' pids and memory (KiB) when warm and at the end."""

    results: Results
    workers_warm: set[int]
    workers_end: set[int]
    rss_warm: dict[int, int]
    rss_end: dict[int, int]

    def growth(self) -> dict[int, int]:
        """RSS growth per worker that lived through the whole run."""
        return {
            pid: self.rss_end[pid] - self.rss_warm[pid]
            for pid in self.rss_warm
            if pid in self.rss_end
        }


def memory(pids: Iterable[int]) -> dict[int, int]:
    found = {pid: rss_kib(pid) for pid in pids}
    return {pid: rss for pid, rss in found.items() if rss is not None}


def warm_up(site: Site, clients: int, per_worker: int) -> None:
    """Send mixed requests until every worker has answered `per_worker` of them.

    A worker that has not served yet (one a HUP or a kill just replaced) is still
    lighter by its first request's imports and connections: that is not growth.
    """
    answered: Counter[int] = Counter()
    for _ in range(WARM_ROUNDS):
        results = Load(site.port, MIXED, clients=clients, requests=per_worker * WORKERS).run()
        answered.update(o.pid for o in results.outcomes if o.pid is not None)
        if all(answered[pid] >= per_worker for pid in site.workers()):
            return


def measured_run(site: Site, load: Load, warm_per_worker: int) -> Run:
    """Warm the workers up (templates, connections), then run `load`, reading RSS around it."""
    warm_up(site, load.clients, warm_per_worker)
    workers_warm = site.workers()
    rss_warm = memory(workers_warm)
    results = load.run()
    workers_end = site.workers()
    return Run(results, workers_warm, workers_end, rss_warm, memory(workers_end))


def describe_rss(run: Run) -> str:
    growth = run.growth()
    return ", ".join(
        f"{run.rss_warm[pid] // 1024}->{run.rss_end[pid] // 1024} MiB ({growth[pid]:+d} KiB)"
        for pid in sorted(growth)
    )


def variant(site: Site) -> str:
    return f"{site.backend}/{site.worker_class}"


# L1: steady mixed load


@pytest.fixture(scope="module")
def steady(site: Site) -> Run:
    """Mixed traffic from 8 clients for PLAN.steady_seconds."""
    load = Load(site.port, MIXED, clients=CLIENTS, seconds=PLAN.steady_seconds)
    run = measured_run(site, load, WARM_PER_WORKER)
    report(f"L1 {variant(site)}: {run.results.summary()}, {run.results.rate():.0f} req/s")
    report(f"L1 {variant(site)}: worker RSS warm->end: {describe_rss(run)}")
    return run


def test_steady_load_gets_no_5xx(steady: Run, site: Site) -> None:
    errors = [o for o in steady.results.outcomes if o.status is not None and o.status >= 500]

    assert errors == [], log_tail(site.log)


def test_steady_load_gets_an_answer_to_every_request(steady: Run, site: Site) -> None:
    assert steady.results.failures() == [], log_tail(site.log)
    assert len(steady.results.outcomes) >= len(MIXED) * CLIENTS


def test_steady_load_reaches_every_kind_of_view(steady: Run) -> None:
    assert {o.kind for o in steady.results.outcomes if o.ok} == set(MIXED)


def test_steady_load_keeps_the_same_workers(steady: Run) -> None:
    assert steady.workers_end == steady.workers_warm


def test_steady_load_worker_memory_is_stable(steady: Run) -> None:
    growth = steady.growth()

    assert len(growth) == len(steady.workers_warm), (steady.workers_warm, steady.workers_end)
    assert max(growth.values()) <= PLAN.rss_growth_limit_kib, describe_rss(steady)


def test_steady_load_saves_every_write_answered_2xx(steady: Run, site: Site) -> None:
    sent = steady.results.sent_tokens()

    assert site.tokens() & sent == steady.results.ok_tokens()


def test_steady_load_leaks_nothing_to_clients(steady: Run) -> None:
    assert steady.results.leaks() == []


# L2: concurrent writers


@pytest.fixture(scope="module")
def writers(site: Site) -> Results:
    """PLAN.writes inserts from 16 clients at once."""
    results = Load(site.port, ["write"], clients=WRITERS, requests=PLAN.writes).run()
    report(f"L2 {variant(site)}: {results.summary()}")
    return results


def test_concurrent_writers_get_2xx_or_503_with_retry_after(writers: Results, site: Site) -> None:
    assert writers.unexpected() == [], log_tail(site.log)
    assert len(writers.outcomes) == PLAN.writes


def test_concurrent_writes_answered_2xx_are_the_rows(writers: Results, site: Site) -> None:
    saved = site.tokens() & writers.sent_tokens()

    assert saved == writers.ok_tokens()
    assert len(saved) == len([o for o in writers.outcomes if o.ok])


# L3: counters


@dataclass(frozen=True)
class Counted:
    """Increments of one counter: the answers, and how far the counter moved."""

    results: Results
    moved: int

    @property
    def answered_2xx(self) -> int:
        return len([o for o in self.results.outcomes if o.ok])


def increment(site: Site, kind: str, name: str, requests: int) -> Counted:
    before = site.tally(name)
    results = Load(site.port, [kind], clients=WRITERS, requests=requests).run()
    counted = Counted(results, site.tally(name) - before)
    lost = counted.answered_2xx - counted.moved
    report(f"L3 {variant(site)} {name}: {results.summary()}; counter +{counted.moved}, lost {lost}")
    return counted


@pytest.fixture(scope="module")
def safe(site: Site) -> Counted:
    """PLAN.increments through the atomic UPDATE ... SET value = value + 1."""
    return increment(site, "safe", app.SAFE, PLAN.increments)


@pytest.fixture(scope="module")
def naive(site: Site) -> Counted:
    """PLAN.naive_increments through the read-modify-write view."""
    return increment(site, "naive", app.NAIVE, PLAN.naive_increments)


def test_safe_counter_gets_2xx_or_503_with_retry_after(safe: Counted, site: Site) -> None:
    assert safe.results.unexpected() == [], log_tail(site.log)


def test_safe_counter_moves_once_per_2xx(safe: Counted) -> None:
    assert safe.answered_2xx > 0
    assert safe.moved == safe.answered_2xx


def test_naive_counter_gets_2xx_or_503_with_retry_after(naive: Counted, site: Site) -> None:
    assert naive.results.unexpected() == [], log_tail(site.log)


def test_the_harness_sees_the_naive_counter_lose_updates(naive: Counted, site: Site) -> None:
    if site.backend == "sqlite":
        pytest.skip("SQLite runs writing requests one at a time (BEGIN IMMEDIATE): none is lost")

    assert naive.answered_2xx == PLAN.naive_increments
    assert naive.moved < naive.answered_2xx


def test_sqlite_serialises_the_naive_counter(naive: Counted, site: Site) -> None:
    if site.backend != "sqlite":
        pytest.skip("only SQLite takes the write lock when a writing request begins")

    assert naive.moved == naive.answered_2xx


# F7: a long run on a database page (make soak only)


@pytest.fixture(scope="module")
def long_run(site: Site) -> Run:
    """PLAN.long_run_requests on the database page from 8 clients."""
    if not PLAN.long_run_requests:
        pytest.skip("the 50,000-request run is part of make soak (STOA_SOAK=1) only")
    load = Load(site.port, ["page"], clients=CLIENTS, requests=PLAN.long_run_requests)
    run = measured_run(site, load, LONG_RUN_WARM_PER_WORKER)
    report(f"F7 {variant(site)}: {run.results.summary()}, {run.results.rate():.0f} req/s")
    report(f"F7 {variant(site)}: worker RSS warm->end: {describe_rss(run)}")
    return run


def test_long_run_gets_200_to_every_request(long_run: Run, site: Site) -> None:
    assert long_run.results.statuses() == {200: PLAN.long_run_requests}, log_tail(site.log)


def test_long_run_worker_memory_is_stable(long_run: Run) -> None:
    growth = long_run.growth()

    assert len(growth) == len(long_run.workers_warm), (long_run.workers_warm, long_run.workers_end)
    assert max(growth.values()) <= PLAN.rss_growth_limit_kib, describe_rss(long_run)
