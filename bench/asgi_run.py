"""Time the ASGI scenarios and write their section of docs/benchmarks.md.

    bench/.venv/bin/python bench/asgi_run.py [--quick] [--db sqlite|postgres]

Stoa's asgi.py (sync views, as under WSGI, and the same test types as `async def` views
on request.adb), Django's ASGI handler and Starlette (async endpoints, SQLAlchemy's
asyncio extension) serve plaintext, json and db under gunicorn with uvicorn's worker (2
workers, pinned to core 1), timed by wrk (pinned to core 0), as bench/run.py times the
WSGI implementations; Stoa's WSGI application under gunicorn's sync workers is timed in
the same run, for scale. Runs on its own (`make bench-asgi`) and after bench/run.py in
`make bench`; it replaces only its own section of the report, between the markers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from common import (
    APPS_DIR,
    DATA_DIR,
    REPO_DIR,
    Implementation,
    app_environment,
    database_url,
    free_port,
    postgres_answers,
)
from run import CONNECTIONS, SERVER_CPU, WORKERS, fetch, log, stop, wait_ready, warm_up, wrk
from setup_data import create_postgres, create_sqlite
from stoa_project import make_project

REPORT = REPO_DIR / "docs" / "benchmarks.md"
RESULTS = DATA_DIR / "asgi.json"
BEGIN = "<!-- asgi scenarios: written by bench/asgi_run.py -->"
END = "<!-- end of the asgi scenarios -->"
SCENARIOS = ("plaintext", "json", "db")
PASSES = 2
SECONDS = 3
UVICORN_WORKER = "uvicorn_worker.UvicornWorker"
PACKAGES = ["stoa", "Django", "starlette", "uvicorn", "uvicorn-worker", "gunicorn", "asgiref"]


@dataclass(frozen=True)
class Entry:
    """One implementation as served in this run: its worker class and URL prefix."""

    impl: Implementation
    worker_class: str
    prefix: str = ""


ENTRIES = [
    Entry(
        Implementation("stoa_asgi", "Stoa ASGI (sync views)", "benchsite.asgi:application"),
        UVICORN_WORKER,
    ),
    Entry(
        Implementation(
            "stoa_asgi_async", "Stoa ASGI (async def views)", "benchsite.asgi:application"
        ),
        UVICORN_WORKER,
        "/async",
    ),
    Entry(
        Implementation(
            "django_asgi",
            "Django ASGI (default middleware)",
            "dbench.asgi:application",
            APPS_DIR / "django",
            {"DJANGO_SETTINGS_MODULE": "dbench.settings"},
        ),
        UVICORN_WORKER,
    ),
    Entry(
        Implementation(
            "starlette",
            "Starlette + SQLAlchemy asyncio",
            "starlette_app:application",
            APPS_DIR / "starlette",
        ),
        UVICORN_WORKER,
    ),
    Entry(
        Implementation("stoa_wsgi", "Stoa WSGI, for scale", "benchsite.wsgi:application"),
        "sync",
    ),
]


@contextmanager
def gunicorn(entry: Entry, env: dict[str, str], tmp: Path) -> Any:
    """Serve one entry with gunicorn and its worker class on 127.0.0.1; always stop it."""
    port = free_port()
    errors = tmp / f"{entry.impl.name}-gunicorn.log"
    command = [
        "taskset", "-c", SERVER_CPU, sys.executable, "-m", "gunicorn",
        "--worker-class", entry.worker_class, "--workers", str(WORKERS),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
        "--error-logfile", str(errors), entry.impl.module,
    ]  # fmt: skip
    with errors.open("w") as log_file:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=tmp,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(process, port, errors)
        yield port
    finally:
        stop(process)


def verify(port: int, prefix: str) -> list[str]:
    """Check each scenario's answer over HTTP: status, type and body."""
    problems = []
    for scenario in SCENARIOS:
        status, headers, body = fetch(port, f"{prefix}/{scenario}")
        kind = {name.lower(): value for name, value in headers}.get("content-type", "")
        if status != 200:
            problems.append(f"{scenario}: status {status}")
        elif scenario == "plaintext" and (body != b"Hello, World!" or "text/plain" not in kind):
            problems.append(f"plaintext: {kind} {body[:80]!r}")
        elif scenario == "json" and json.loads(body) != {"message": "Hello, World!"}:
            problems.append(f"json: {body[:80]!r}")
        elif scenario == "db" and set(json.loads(body)) != {"id", "randomNumber"}:
            problems.append(f"db: {body[:80]!r}")
    return problems


def measure(backend: str, quick: bool, tmp: Path) -> dict[str, Any]:
    """Serve each entry in turn; keep each scenario's best of PASSES wrk runs."""
    db_url = database_url(backend)
    project = make_project(tmp / "stoa_full", minimal=False)
    stoa_dirs = {entry.impl.name: project for entry in ENTRIES}
    passes, seconds = (1, 1) if quick else (PASSES, SECONDS)
    results: dict[str, Any] = {}
    for turn in range(passes):
        for entry in ENTRIES:
            log(f"asgi {backend}, pass {turn + 1} of {passes}: {entry.impl.name}")
            env = app_environment(entry.impl, db_url, stoa_dirs)
            with gunicorn(entry, env, tmp) as port:
                result = results.setdefault(entry.impl.name, {"label": entry.impl.label})
                if turn == 0:
                    result["verify"] = verify(port, entry.prefix)
                for scenario in SCENARIOS:
                    target = f"{entry.prefix}/{scenario}"
                    warm_up(port, target)
                    run = wrk(port, target, seconds)
                    best = result.get(scenario)
                    if best is None or run["requests_per_s"] > best["requests_per_s"]:
                        result[scenario] = run
    return results


def versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def section(results: dict[str, Any], info: dict[str, Any]) -> str:
    """Return the report's ASGI section, markers included."""
    lines = [
        BEGIN,
        "## ASGI scenarios",
        "",
        f"Command: `make bench-asgi` (or `bench/.venv/bin/python bench/asgi_run.py`; "
        f"{info['seconds']:.0f} s, {info['when']}). Database: {info['backend']}. "
        f"gunicorn with uvicorn's worker ({WORKERS} workers, core {SERVER_CPU}), wrk with "
        f"{CONNECTIONS} connections on the other core, best of {info['passes']} runs of "
        f"{info['run_seconds']} s per scenario; Stoa's WSGI application under gunicorn's sync "
        f"workers in the same run, for scale. Load average of the machine (2 cores, "
        f"shared) when the run started: {info['load']:.1f}; the figures move with it, "
        f"the ratios of one run less. Versions: {info['versions']}.",
        "",
        "| implementation | plaintext req/s | json req/s | db req/s | db p99 ms | checks |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for result in results.values():
        cells = [f"{result[s]['requests_per_s']:,.0f}" for s in SCENARIOS]
        p99 = result["db"].get("p99_ms")
        checks = "; ".join(result["verify"]) or "pass"
        errors = sum(result[s]["errors"] for s in SCENARIOS)
        if errors:
            checks += f"; {errors} non-2xx"
        shown_p99 = f"{p99:.1f}" if p99 is not None else "-"
        lines.append(f"| {result['label']} | {' | '.join(cells)} | {shown_p99} | {checks} |")
    stoa = results.get("stoa_asgi")
    if stoa is not None:
        lines += ["", "Ratios (Stoa ASGI with sync views ÷ the other, req/s):", ""]
        for name in ("django_asgi", "starlette", "stoa_wsgi"):
            other = results.get(name)
            if other is None:
                continue
            ratios = ", ".join(
                f"{s} {stoa[s]['requests_per_s'] / other[s]['requests_per_s']:.2f}x"
                for s in SCENARIOS
                if other[s]["requests_per_s"]
            )
            lines.append(f"- against {other['label']}: {ratios}")
    lines += ["", END]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Put the section in docs/benchmarks.md in place of the last one, or at the end."""
    report = REPORT.read_text(encoding="utf-8")
    if BEGIN in report and END in report:
        head, rest = report.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        report = head + text + tail
    else:
        report = report.rstrip("\n") + "\n\n" + text + "\n"
    REPORT.write_text(report, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one 1-second run per scenario")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=None)
    args = parser.parse_args()
    started = time.monotonic()
    load = os.getloadavg()[0]
    DATA_DIR.mkdir(exist_ok=True)
    backend = args.db or ("postgres" if postgres_answers() and create_postgres() else "sqlite")
    if backend == "sqlite":
        create_sqlite()
    with tempfile.TemporaryDirectory(prefix="stoa-asgi-bench-") as tmp:
        results = measure(backend, args.quick, Path(tmp))
    info = {
        "backend": backend,
        "passes": 1 if args.quick else PASSES,
        "run_seconds": 1 if args.quick else SECONDS,
        "seconds": time.monotonic() - started,
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "versions": versions(),
        "load": load,
    }
    RESULTS.write_text(json.dumps({"info": info, "results": results}, indent=2))
    write_section(section(results, info))
    log(f"ASGI section written to {REPORT.relative_to(REPO_DIR)}")


if __name__ == "__main__":
    main()
