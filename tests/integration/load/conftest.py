"""Fixtures of the load and fault suite: the plan (short or soak), the project, the sites.

`make test` runs the short plan on two variants; `make soak` (STOA_SOAK=1) runs the full
figures on all four (docs/reliability.md says which is which). The numbers each test
measures are printed at the end of the run, under "load and faults".
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.db.conftest import database_for, postgres_url
from tests.integration.load.harness import Site, make_project, serve

SOAK_VARIABLE = "STOA_SOAK"
SOAK = os.environ.get(SOAK_VARIABLE, "") == "1"


@dataclass(frozen=True)
class Plan:
    """How long and how many: one set of figures for `make test`, one for `make soak`."""

    steady_seconds: float  # L1
    writes: int  # L2
    increments: int  # L3, safe counter
    naive_increments: int  # L3, naive counter
    recycled_requests: int  # F2
    max_requests: int  # F2: gunicorn --max-requests (with half of it as jitter)
    long_run_requests: int  # F7 (0: not run)
    rss_growth_limit_kib: int  # L1 and F7: per worker, from warm to the end


SHORT = Plan(
    steady_seconds=4,
    writes=64,
    increments=64,
    naive_increments=32,
    recycled_requests=160,
    max_requests=20,
    long_run_requests=0,
    rss_growth_limit_kib=16 * 1024,
)
FULL = Plan(
    steady_seconds=30,
    writes=2000,
    increments=2000,
    naive_increments=200,
    recycled_requests=2000,
    max_requests=100,
    long_run_requests=50_000,
    rss_growth_limit_kib=32 * 1024,
)
PLAN = FULL if SOAK else SHORT

# (backend, worker class). Under make test: SQLite with sync workers, PostgreSQL with
# gthread; make soak adds the other two.
SHORT_VARIANTS = [("sqlite", "sync"), ("postgresql", "gthread")]
ALL_VARIANTS = [
    ("sqlite", "sync"),
    ("sqlite", "gthread"),
    ("postgresql", "sync"),
    ("postgresql", "gthread"),
]
VARIANTS = ALL_VARIANTS if SOAK else SHORT_VARIANTS
# The faults that need a server of their own run on fewer variants under make test.
# gunicorn's --timeout only stops a sync worker stuck in a view (a gthread worker's main
# loop goes on): F4 is sync only.
RECYCLE_VARIANTS = ALL_VARIANTS if SOAK else [("sqlite", "gthread")]
TIMEOUT_VARIANTS = [("sqlite", "sync"), ("postgresql", "sync")] if SOAK else [("sqlite", "sync")]
RESTART_WORKER_CLASSES = ["sync", "gthread"] if SOAK else ["sync"]
PRELOAD_WORKER_CLASSES = ["sync", "gthread"] if SOAK else ["gthread"]

_report: list[str] = []


def report(line: str) -> None:
    """Keep a measured figure for the summary at the end of the run."""
    _report.append(line)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the load and fault tests measured."""
    if not _report:
        return
    plan = "soak (STOA_SOAK=1)" if SOAK else "short"
    terminalreporter.section(f"load and faults: {plan} plan")
    for line in _report:
        terminalreporter.write_line(line)


def variant_id(variant: tuple[str, str]) -> str:
    return "-".join(variant)


def skip_without_backend(backend: str) -> None:
    """Skip a PostgreSQL variant when TEST_DATABASE_URL names no server."""
    if backend == "postgresql" and postgres_url() is None:
        pytest.skip(
            "PostgreSQL variants need TEST_DATABASE_URL, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )


@contextlib.contextmanager
def own_site(
    variant: tuple[str, str], project: Path, directory: Path, options: Sequence[str] = ()
) -> Iterator[Site]:
    """Serve `project` for one (backend, worker class) on a new database, with `options`."""
    backend, worker_class = variant
    skip_without_backend(backend)
    with (
        database_for(backend, directory) as url,
        serve(
            project, url, directory, backend=backend, worker_class=worker_class, options=options
        ) as running,
    ):
        yield running


@pytest.fixture(scope="session")
def load_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated project with loadapp and its migration (shared by every site)."""
    return make_project(tmp_path_factory.mktemp("load-project"))


@pytest.fixture(scope="session", params=VARIANTS, ids=variant_id)
def site(
    request: pytest.FixtureRequest, load_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The project served by 4 gunicorn workers of one variant, on a database of its own.

    Session-scoped, so the steady-load and fault modules share one server per variant
    (pytest groups their tests by variant).
    """
    directory = tmp_path_factory.mktemp(f"site-{variant_id(request.param)}")
    # No recycling (the generated gunicorn.conf.py recycles every 10,000 requests or so):
    # the memory of the same workers is compared from start to end. F2 recycles on purpose.
    with own_site(request.param, load_project, directory, ["--max-requests", "0"]) as running:
        yield running
