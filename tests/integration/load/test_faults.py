"""Worker faults under load on real gunicorn (4 workers): restarts, recycling, kills, timeouts.

F1 HUP under load and F2 `--max-requests` with jitter under load: no request fails.
F3 kill -9 of a worker in the middle of a slow transaction: its write never appears, the
master replaces the worker, the others keep serving. F4 a view that outlives gunicorn's
`--timeout`: the client gets an error answer or a closed connection, the database stays
consistent, and the log says WORKER TIMEOUT once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import log_tail, wait_for
from tests.integration.load.conftest import (
    PLAN,
    RECYCLE_VARIANTS,
    TIMEOUT_VARIANTS,
    own_site,
    report,
    variant_id,
)
from tests.integration.load.harness import (
    MIXED,
    WORKERS,
    Load,
    Outcome,
    Results,
    Site,
    kill,
    new_token,
    send,
)

pytestmark = pytest.mark.slow

CLIENTS = 8
# Answers to wait for around a fault, so that it happens under load (counts, not seconds).
BEFORE_FAULT = 40
AFTER_FAULT = 40
FAULT_TIMEOUT = 60
READS = ("page", "json", "db")
SLOW_SECONDS = 20  # longer than any test waits: the slow request is always cut short
WORKER_TIMEOUT = 2  # gunicorn --timeout of the F4 server


def variant(site: Site) -> str:
    return f"{site.backend}/{site.worker_class}"


def settle(load: Load, extra: int) -> None:
    """Let the load run for `extra` more answers."""
    mark = len(load.snapshot())
    load.wait_until(lambda got: len(got) >= mark + extra, FAULT_TIMEOUT, f"{extra} more answers")


def under_load(site: Site, mix: tuple[str, ...] = MIXED) -> Load:
    """Start background load (stopped by the test, bounded in time) and wait until it flows."""
    load = Load(site.port, mix, clients=CLIENTS, seconds=FAULT_TIMEOUT * 3).start()
    load.wait_until(lambda got: len(got) >= BEFORE_FAULT, FAULT_TIMEOUT, "load before the fault")
    return load


def dropped(results: Results) -> list[Outcome]:
    """Requests that failed: no answer, or any 5xx (a restart must not refuse anything)."""
    return [o for o in results.outcomes if o.status is None or o.status >= 500]


# F1: HUP under load


@dataclass(frozen=True)
class Restart:
    """The load around a restart of every worker, and the workers before and after."""

    results: Results
    before: set[int]
    after: set[int]


@pytest.fixture(scope="module")
def hup(site: Site) -> Restart:
    """Send SIGHUP to the master under load; wait for 4 new workers; load on a while."""
    before = site.workers()
    load = under_load(site)
    kill(site.master, signal.SIGHUP)
    after = site.wait_for_workers(lambda pids: not pids & before, "4 new workers after HUP")
    settle(load, AFTER_FAULT)
    results = load.stop()
    report(f"F1 {variant(site)} HUP: {results.summary()}")
    return Restart(results, before, after)


def test_hup_under_load_drops_no_request(hup: Restart, site: Site) -> None:
    assert dropped(hup.results) == [], log_tail(site.log)


def test_hup_replaces_every_worker(hup: Restart) -> None:
    assert hup.results.pids() & hup.before
    assert hup.results.pids() & hup.after


def test_hup_under_load_saves_every_write_answered_2xx(hup: Restart, site: Site) -> None:
    assert site.tokens() & hup.results.sent_tokens() == hup.results.ok_tokens()


# F2: max_requests with jitter under load


@pytest.fixture(scope="module", params=RECYCLE_VARIANTS, ids=variant_id)
def recycling(
    request: pytest.FixtureRequest, load_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A server whose workers restart every max_requests (plus up to half as much jitter)."""
    options = [
        "--max-requests",
        str(PLAN.max_requests),
        "--max-requests-jitter",
        str(PLAN.max_requests // 2),
    ]
    directory = tmp_path_factory.mktemp(f"recycle-{variant_id(request.param)}")
    with own_site(request.param, load_project, directory, options) as running:
        yield running


@pytest.fixture(scope="module")
def recycled(recycling: Site) -> Results:
    """PLAN.recycled_requests of mixed traffic: each worker restarts several times."""
    results = Load(recycling.port, MIXED, clients=CLIENTS, requests=PLAN.recycled_requests).run()
    restarts = recycling.log_text().count("Autorestarting worker")
    report(f"F2 {variant(recycling)} max_requests: {results.summary()}, {restarts} restarts")
    return results


def test_max_requests_under_load_drops_no_request(recycled: Results, recycling: Site) -> None:
    assert dropped(recycled) == [], log_tail(recycling.log)
    assert len(recycled.outcomes) == PLAN.recycled_requests


def test_max_requests_restarts_workers_during_the_load(recycled: Results, recycling: Site) -> None:
    assert recycling.log_text().count("Autorestarting worker") >= 1
    # More worker pids answered than there are workers: some were replaced mid-load.
    assert len(recycled.pids()) > WORKERS


def test_max_requests_under_load_saves_every_write_answered_2xx(
    recycled: Results, recycling: Site
) -> None:
    assert recycling.tokens() & recycled.sent_tokens() == recycled.ok_tokens()


# F3 and F4: a slow transaction cut short


@dataclass
class Cut:
    """A slow write that a worker died in, with the load around it."""

    token: str
    worker: int
    slow: Outcome
    results: Results
    workers_after: set[int]
    log_after: str = field(repr=False)
    killed_at: float | None = None


def cut_slow_write(site: Site, *, mix: tuple[str, ...], kill_it: bool, what: str) -> Cut:
    """Under load, start a slow write; once it has written, kill its worker (or let gunicorn)."""
    load = under_load(site, mix)
    token = new_token()
    answers: list[Outcome] = []
    client = threading.Thread(
        target=lambda: answers.append(send(site.port, "slow", f"&seconds={SLOW_SECONDS}", token))
    )
    client.start()
    marker = site.markers / token
    wait_for(lambda: marker.exists() or None, bool, FAULT_TIMEOUT, f"the slow write ({what})")
    worker = int(wait_for(marker.read_text, bool, FAULT_TIMEOUT, "the slow write's worker"))
    killed_at = None
    if kill_it:
        kill(worker, signal.SIGKILL)
        killed_at = time.monotonic()
    client.join(FAULT_TIMEOUT)
    assert answers, f"the slow request got no answer within {FAULT_TIMEOUT} s"
    after = site.wait_for_workers(lambda pids: worker not in pids, f"a new worker ({what})")
    settle(load, AFTER_FAULT)
    results = load.stop()
    report(
        f"{what} {variant(site)}: slow write got {answers[0].status or answers[0].error}; "
        f"load {results.summary()}"
    )
    return Cut(token, worker, answers[0], results, after, site.log_text(), killed_at)


@pytest.fixture(scope="module")
def killed(site: Site) -> Cut:
    """kill -9 the worker holding a slow transaction open, under mixed load."""
    return cut_slow_write(site, mix=MIXED, kill_it=True, what="F3")


def test_a_killed_transaction_leaves_no_row(killed: Cut, site: Site) -> None:
    assert not killed.slow.ok
    assert killed.token not in site.tokens()


def test_the_master_replaces_a_killed_worker(killed: Cut) -> None:
    assert killed.worker not in killed.workers_after
    assert f"Worker (pid:{killed.worker}) was sent SIGKILL" in killed.log_after


def test_other_workers_keep_serving_through_a_kill(killed: Cut, site: Site) -> None:
    failures = killed.results.failures()
    assert killed.killed_at is not None

    assert killed.results.server_errors() == [], log_tail(site.log)
    if site.worker_class == "sync":
        assert failures == []
    else:
        # A gthread worker accepts connections for its threads ahead of serving them:
        # those it held die with it. Only requests already sent when it died may fail.
        assert [o for o in failures if o.started > killed.killed_at] == []
        assert len(failures) < CLIENTS


def test_a_kill_loses_no_write_answered_2xx(killed: Cut, site: Site) -> None:
    assert site.tokens() & killed.results.sent_tokens() == killed.results.ok_tokens()


@pytest.fixture(scope="module", params=TIMEOUT_VARIANTS, ids=variant_id)
def timing_out(
    request: pytest.FixtureRequest, load_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """A server with a short --timeout, shorter than the slow view takes."""
    directory = tmp_path_factory.mktemp(f"timeout-{variant_id(request.param)}")
    options = ["--timeout", str(WORKER_TIMEOUT)]
    with own_site(request.param, load_project, directory, options) as running:
        yield running


@pytest.fixture(scope="module")
def timed_out(timing_out: Site) -> Cut:
    """A view that sleeps past --timeout, under read load (writers would queue past it too)."""
    return cut_slow_write(timing_out, mix=READS, kill_it=False, what="F4")


def test_a_timed_out_view_gets_an_error_or_a_closed_connection(timed_out: Cut) -> None:
    assert timed_out.slow.status is None or timed_out.slow.status >= 500
    assert timed_out.slow.leaked is None


def test_a_timed_out_transaction_leaves_no_row(timed_out: Cut, timing_out: Site) -> None:
    assert timed_out.token not in timing_out.tokens()


def test_a_worker_timeout_is_one_clear_log_line(timed_out: Cut) -> None:
    lines = [line for line in timed_out.log_after.splitlines() if "WORKER TIMEOUT" in line]

    assert len(lines) == 1, lines
    assert f"(pid:{timed_out.worker})" in lines[0]


def test_a_worker_timeout_names_the_request_and_is_not_a_view_error(timed_out: Cut) -> None:
    log = timed_out.log_after

    # gunicorn's record of where the worker was stuck, with the request it was serving.
    assert f"[{timed_out.worker}] [ERROR] Error handling request POST /load/slow/" in log
    assert "Internal Server Error" not in log


def test_other_workers_keep_serving_through_a_timeout(timed_out: Cut, timing_out: Site) -> None:
    assert dropped(timed_out.results) == [], log_tail(timing_out.log)
