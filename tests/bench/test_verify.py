"""The benchmark's verification step (bench/verify.py) as a test of the suite.

Each implementation's WSGI callable is called directly, in a process of its own, on a
fresh SQLite copy of the benchmark data: same bodies as TechEmpower's, with Content-Type
and Content-Length. Date and Server are gunicorn's to add; `make bench` checks them over
HTTP. This venv has Stoa's dependencies only, so the Stoa projects and the raw callable
are verified here and the other frameworks are skipped (`make bench` verifies them all).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
sys.path.append(str(BENCH_DIR))

from common import IMPLEMENTATIONS, sqlite_url  # noqa: E402
from harness import run_harness  # noqa: E402
from setup_data import create_sqlite  # noqa: E402
from stoa_project import make_project  # noqa: E402


def installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except ModuleNotFoundError:  # a dotted name whose parent is missing
        return False


def missing_packages(name: str) -> list[str]:
    return [package for package in IMPLEMENTATIONS[name].needs if not installed(package)]


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """Verify every implementation this venv can import, once for the module."""
    tmp = tmp_path_factory.mktemp("bench")
    db_url = sqlite_url(create_sqlite(tmp / "bench.sqlite3"))
    names = [name for name in IMPLEMENTATIONS if not missing_packages(name)]
    stoa_dirs = {
        name: make_project(tmp / name, minimal=bool(IMPLEMENTATIONS[name].stoa_minimal))
        for name in names
        if IMPLEMENTATIONS[name].stoa_minimal is not None
    }
    results: dict[str, Any] = {}
    for name in names:
        results[name] = run_harness(name, "verify", db_url, stoa_dirs, timeout=60)["checks"]
    return results


def problems_of(verified: dict[str, dict[str, list[str]]], name: str) -> dict[str, list[str]]:
    missing = missing_packages(name)
    if missing:
        pytest.skip(
            f"{', '.join(missing)} not installed in the framework's venv; "
            f"`make bench` verifies {name} in bench/.venv"
        )
    return {target: found for target, found in verified[name].items() if found}


@pytest.mark.parametrize("name", list(IMPLEMENTATIONS))
def test_bodies_are_techempowers(verified: dict[str, Any], name: str) -> None:
    problems = problems_of(verified, name)

    wrong_bodies = {
        target: [p for p in found if "Content-" not in p]
        for target, found in problems.items()
        if any("Content-" not in p for p in found)
    }
    assert wrong_bodies == {}


@pytest.mark.parametrize("name", list(IMPLEMENTATIONS))
def test_headers_are_techempowers(verified: dict[str, Any], name: str) -> None:
    problems = problems_of(verified, name)
    header_problems = {
        target: [p for p in found if "Content-" in p]
        for target, found in problems.items()
        if any("Content-" in p for p in found)
    }

    assert header_problems == {}
