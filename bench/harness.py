"""Call one implementation's WSGI callable directly, in a process of its own.

    python bench/harness.py --app NAME --mode verify|time|count|profile --out FILE [--rounds N]

`verify` checks every response (bench/verify.py); `time` measures the cost of a request
(best of several rounds, microseconds); `count` counts the SQL statements each request
sends, with SQLite's trace callback on every connection the app opens; `profile` runs
cProfile over a few thousand requests. Run by
`run_harness()`, which prepares the environment (DATABASE_URL, PYTHONPATH) and reads the
JSON written to FILE.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from common import (
    DB_SCENARIOS,
    IMPLEMENTATIONS,
    INSTRUCTION_CALLS,
    REPO_DIR,
    SCENARIOS,
    app_environment,
)

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Result = tuple[str, list[tuple[str, str]], bytes]


def make_environ(path: str, query: str) -> dict[str, Any]:
    """Return the environ of `GET path?query` as gunicorn would pass it."""
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "RAW_URI": f"{path}?{query}" if query else path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "stoa-bench",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: App, base: dict[str, Any]) -> Result:
    """Make one request: a fresh copy of `base`, the body read and closed as a server does."""
    environ = base.copy()
    environ["wsgi.input"] = io.BytesIO()
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    return started[0], list(started[1]), body


def verify_app(app: App, db_url: str) -> dict[str, Any]:
    """Check every request of verify.CHECKS; return the problems of each."""
    from verify import CHECKS, check

    checks = {}
    for scenario, query, rows in CHECKS:
        path = SCENARIOS[scenario][0]
        status, headers, body = call(app, make_environ(path, query))
        key = f"{path}?{query}" if query else path
        checks[key] = check(
            scenario, query, rows, status, headers, body, server=False, db_url=db_url
        )
    return {"checks": checks, "note": "Date and Server are the server's: checked under gunicorn"}


def time_app(app: App, scenarios: list[str], rounds: int, seconds: float) -> dict[str, Any]:
    """Return the best (and median) cost per request of each scenario, in microseconds."""
    results = {}
    for scenario in scenarios:
        environ = make_environ(*SCENARIOS[scenario])
        started = time.perf_counter()
        calls = 0
        while calls < 20 or time.perf_counter() - started < seconds / 4:  # warm-up, calibrate
            call(app, environ)
            calls += 1
        per_call = (time.perf_counter() - started) / calls
        number = max(10, int(seconds / per_call))
        samples = []
        for _ in range(rounds):
            begin = time.perf_counter()
            for _ in range(number):
                call(app, environ)
            samples.append((time.perf_counter() - begin) / number * 1e6)
        samples.sort()
        results[scenario] = {
            "best_us": samples[0],
            "median_us": samples[len(samples) // 2],
            "calls_per_round": number,
            "rounds": rounds,
        }
    return results


class StatementCounter:
    """Count SQL statements on every sqlite3 connection opened after `install()`."""

    def __init__(self) -> None:
        self.connections: list[sqlite3.Connection] = []
        self.active = False
        self.table = 0  # statements on world/fortune: the queries TechEmpower counts
        self.other = 0  # BEGIN, COMMIT, pings, PRAGMAs
        self.other_kinds: set[str] = set()

    def install(self) -> None:
        original = sqlite3.connect

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            connection = original(*args, **kwargs)
            self.connections.append(connection)
            if self.active:
                connection.set_trace_callback(self.trace)
            return connection

        sqlite3.connect = connect  # type: ignore[assignment]
        sqlite3.dbapi2.connect = connect  # type: ignore[assignment]

    def trace(self, statement: str) -> None:
        lowered = statement.lower()
        if ("world" in lowered or "fortune" in lowered) and not lowered.startswith("pragma"):
            self.table += 1
        else:
            self.other += 1
            self.other_kinds.add(" ".join(statement.split())[:30])

    def start(self) -> None:
        self.active = True
        self.table = self.other = 0
        self.other_kinds.clear()
        for connection in self.connections:
            connection.set_trace_callback(self.trace)

    def stop(self) -> None:
        self.active = False
        for connection in self.connections:
            connection.set_trace_callback(None)


def instructions_app(app: App, scenarios: list[str]) -> dict[str, Any]:
    """Make INSTRUCTION_CALLS requests of each scenario while callgrind counts them.

    Run by run.py under `valgrind --tool=callgrind --instr-atstart=no`: for each scenario
    this warms up, says "ready" on stdout and waits on stdin while run.py switches
    counting on, makes the requests, says "done" and waits while run.py switches it off
    and dumps the count. Start-up and warm-up are never counted; waiting on stdin costs
    no instructions. The counts do not depend on what else the machine is doing.
    """
    for scenario in scenarios:
        environ = make_environ(*SCENARIOS[scenario])
        for _ in range(50):  # warm: connections, caches, lazy imports
            call(app, environ)
        print("ready", scenario, flush=True)
        sys.stdin.readline()
        for _ in range(INSTRUCTION_CALLS[scenario]):
            call(app, environ)
        print("done", flush=True)
        sys.stdin.readline()
    return {"scenarios": scenarios}


def count_app(app: App, counter: StatementCounter, requests: int = 20) -> dict[str, Any]:
    """Return the statements per request of each database scenario."""
    results = {}
    for scenario in DB_SCENARIOS:
        environ = make_environ(*SCENARIOS[scenario])
        call(app, environ)  # connect first: connecting runs PRAGMAs, not per request
        counter.start()
        for _ in range(requests):
            call(app, environ)
        counter.stop()
        results[scenario] = {
            "queries": counter.table / requests,
            "other_statements": counter.other / requests,
            "other_kinds": sorted(counter.other_kinds),
        }
    return results


def profile_app(app: App, scenarios: list[str], calls: int = 500, top: int = 12) -> dict[str, Any]:
    """Profile `calls` requests of each scenario; return the top functions by own time."""
    import cProfile
    import pstats

    results = {}
    for scenario in scenarios:
        environ = make_environ(*SCENARIOS[scenario])
        for _ in range(50):
            call(app, environ)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            call(app, environ)
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = sum(entry[2] for entry in stats.stats.values())  # type: ignore[attr-defined]
        rows = []
        for (filename, line, function), entry in stats.stats.items():  # type: ignore[attr-defined]
            primitive, _, own, cumulative, _ = entry
            where = _short_path(filename)
            rows.append(
                {
                    "function": f"{where}:{line}({function})",
                    "calls": primitive / calls,
                    "own_pct": 100 * own / total,
                    "cumulative_pct": 100 * cumulative / total,
                }
            )
        rows.sort(key=lambda row: -row["own_pct"])
        by_package: dict[str, float] = {}
        for (filename, _, _), entry in stats.stats.items():  # type: ignore[attr-defined]
            package = _package(filename)
            by_package[package] = by_package.get(package, 0.0) + 100 * entry[2] / total
        results[scenario] = {"top": rows[:top], "by_package": by_package}
    return results


def _short_path(filename: str) -> str:
    for marker in ("site-packages/", str(REPO_DIR) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return re.sub(r"^.*/lib/python3\.\d+/", "", filename)


def _package(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    short = _short_path(filename)
    if "site-packages/" not in filename and ("/core/" in filename or "/orm/" in filename):
        return short.split("/", 1)[0]
    if "site-packages/" in filename:
        return short.split("/", 1)[0]
    if "/apps/" in filename or "benchsite" in filename or "/world/" in filename:
        return "the app"
    return "stdlib"


def load(module_path: str) -> App:
    """Import `package.module:attribute` and return the attribute."""
    module_name, _, attribute = module_path.partition(":")
    app: App = getattr(importlib.import_module(module_name), attribute)
    return app


def run_harness(
    name: str,
    mode: str,
    db_url: str,
    stoa_dirs: dict[str, Path],
    *,
    scenarios: list[str] | None = None,
    rounds: int = 5,
    seconds: float = 0.2,
    timeout: float = 600,
) -> dict[str, Any]:
    """Run this script for implementation `name` in a fresh interpreter; return its results."""
    env = app_environment(IMPLEMENTATIONS[name], db_url, stoa_dirs)
    with tempfile.TemporaryDirectory(prefix="stoa-bench-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            __file__,
            "--app",
            name,
            "--mode",
            mode,
            "--out",
            str(out),
            "--db-url",
            db_url,
            "--rounds",
            str(rounds),
            "--seconds",
            str(seconds),
            "--scenarios",
            ",".join(scenarios or SCENARIOS),
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"{name} {mode} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", required=True, choices=list(IMPLEMENTATIONS))
    parser.add_argument(
        "--mode", required=True, choices=["verify", "time", "count", "profile", "instructions"]
    )
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--db-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.2, help="length of one round")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    counter = StatementCounter()
    if args.mode == "count":
        counter.install()  # before the app imports its driver and connects
    app = load(IMPLEMENTATIONS[args.app].module)
    if args.mode == "verify":
        result = verify_app(app, args.db_url)
    elif args.mode == "time":
        result = time_app(app, args.scenarios.split(","), args.rounds, args.seconds)
    elif args.mode == "profile":
        result = profile_app(app, args.scenarios.split(","))
    elif args.mode == "instructions":
        result = instructions_app(app, args.scenarios.split(","))
    else:
        result = count_app(app, counter)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
