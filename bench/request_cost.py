"""Count the CPU instructions per request of a few scenarios, with callgrind.

The machinery shared by the cost scripts (`session_cost.py`, `cache_cost.py`): a project
from `startproject` (its full default stack, SQLite, migrated) gets the suite's views
and URLs; each scenario is served `--calls` times after a warm-up, counting switched on
only around them (as bench/run.py counts the benchmark scenarios).

A suite is a module with PROJECT, VIEWS (appended to views.py), URLS (the urls.py),
SETTINGS (appended to settings.py), SCENARIOS, and `environs(app, settings)` returning
{scenario: (WSGI environ, expected body or None)}.

The counts repeat to within 0.1% for the same code; compare a change with its parent
commit, counted the same way.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent


def _env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}


def make_project(directory: Path, suite: ModuleType) -> Path:
    """Generate and migrate the suite's project in `directory`; return its root."""
    root = directory / suite.PROJECT
    root.mkdir()
    run = [sys.executable, "-m", "core.management"]
    subprocess.run(
        [*run, "startproject", suite.PROJECT, str(root)],
        cwd=root,
        check=True,
        env=_env(),
        stdout=subprocess.DEVNULL,
    )
    package = root / suite.PROJECT
    with (package / "views.py").open("a") as views:
        views.write(suite.VIEWS)
    (package / "urls.py").write_text(suite.URLS)
    with (package / "settings.py").open("a") as settings:
        settings.write(getattr(suite, "SETTINGS", ""))
    subprocess.run(
        [sys.executable, "manage.py", "migrate"],
        cwd=root,
        check=True,
        env=_env(),
        stdout=subprocess.DEVNULL,
    )
    return root


def child(root: Path, suite_name: str, calls: int) -> None:
    """Serve the counted requests: under callgrind, driven by `count()` on stdin."""
    sys.path[:0] = [str(root), str(BENCH_DIR)]
    suite = importlib.import_module(suite_name)
    os.environ["STOA_SETTINGS_MODULE"] = f"{suite.PROJECT}.settings"
    from core.conf import settings
    from core.wsgi import get_wsgi_application

    from harness import call

    app = get_wsgi_application()
    environs: dict[str, tuple[dict[str, Any], bytes | None]] = suite.environs(app, settings)
    for scenario in suite.SCENARIOS:
        environ, expected = environs[scenario]
        for _ in range(50):  # warm: connections, caches, lazy imports
            status, _, body = call(app, environ)
        assert status.startswith("200"), (scenario, status)
        assert expected is None or expected in body, (scenario, body[:200])
        gc.collect()  # each count starts from the same collector state
        print("ready", scenario, flush=True)
        sys.stdin.readline()
        for _ in range(calls):
            call(app, environ)
        print("done", flush=True)
        sys.stdin.readline()


def count(suite: ModuleType, calls: int) -> dict[str, float]:
    """Run the suite under callgrind; return the instructions per request of each scenario."""
    with tempfile.TemporaryDirectory(prefix="stoa-cost-") as tmp:
        root = make_project(Path(tmp), suite)
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            str(root),
            Path(suite.__file__ or "").stem,
            str(calls),
        ]
        env = _env()
        env["PYTHONHASHSEED"] = "0"
        env["PYTHONPATH"] = os.pathsep.join([str(BENCH_DIR), env.get("PYTHONPATH", "")])
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        ) as process:
            totals = read_counts(process, out, suite.SCENARIOS, suite.PROJECT)
            if process.wait(timeout=120) != 0:
                raise RuntimeError("the counted process failed")
        return {scenario: total / calls for scenario, total in totals.items()}


def read_counts(
    process: subprocess.Popen[str], out: Path, scenarios: Iterable[str], label: str
) -> dict[str, int]:
    """Drive a process run under callgrind; return the instructions counted per scenario.

    For each scenario the process prints "ready <scenario>", waits for a line on stdin,
    serves its requests, prints "done" and waits again; counting is switched on only in
    between. Closes the process's stdin at the end.
    """
    assert process.stdin is not None
    assert process.stdout is not None
    stdin = process.stdin

    def control(*args: str) -> None:
        subprocess.run(
            ["callgrind_control", *args, str(process.pid)],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def answer() -> None:
        stdin.write("\n")
        stdin.flush()

    totals: dict[str, int] = {}
    for dump, scenario in enumerate(scenarios, start=1):
        ready = process.stdout.readline().split()
        if ready != ["ready", scenario]:
            raise RuntimeError(f"{label}: expected 'ready {scenario}', got {ready}")
        control("--zero")
        control("--instr=on")
        answer()
        if process.stdout.readline().strip() != "done":
            raise RuntimeError(f"{label} {scenario}: the counted process stopped")
        control("--instr=off")
        control("--dump")
        text = Path(f"{out}.{dump}").read_text()
        found = re.search(r"^totals:\s+(\d+)", text, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"callgrind wrote no totals for {label} {scenario}")
        totals[scenario] = int(found.group(1))
        answer()
    stdin.close()
    return totals


def report(suite: ModuleType, calls: int) -> None:
    """Count the suite and print thousands of instructions per request."""
    for scenario, instructions in count(suite, calls).items():
        print(f"{scenario:>14}: {instructions / 1000:,.1f}k instructions per request")


if __name__ == "__main__":
    child(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
