"""What every part of the benchmark shares: paths, scenarios, the data, the implementations.

The implementations themselves (bench/apps/) import nothing from here: each is written
the way its own framework's documentation recommends, as a user would write it.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
APPS_DIR = BENCH_DIR / "apps"
DATA_DIR = BENCH_DIR / ".data"
SQLITE_PATH = DATA_DIR / "bench.sqlite3"

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_DB = "stoa_bench"
POSTGRES_URL = f"postgresql+psycopg://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{POSTGRES_DB}"

WORLD_ROWS = 10_000
ADDED_FORTUNE = "Additional fortune added at request time."

# TechEmpower's Fortune table, as its reference implementations load it.
FORTUNES = [
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. \u2014 Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af"),
]

# name -> (path, query string) of the request each scenario times.
SCENARIOS: dict[str, tuple[str, str]] = {
    "plaintext": ("/plaintext", ""),
    "json": ("/json", ""),
    "db": ("/db", ""),
    "queries": ("/queries", "n=20"),
    "fortunes": ("/fortunes", ""),
    "updates": ("/updates", "n=20"),
}
DB_SCENARIOS = ("db", "queries", "fortunes", "updates")
# Requests counted per scenario by callgrind (bench/harness.py, mode "instructions").
INSTRUCTION_CALLS = {"plaintext": 200, "json": 200, "db": 60, "fortunes": 60}


@dataclass(frozen=True)
class Implementation:
    """One implementation: where its code is and which module holds `application`."""

    name: str
    label: str
    module: str  # "package.module:application", as gunicorn takes it
    pythonpath: Path | None = None  # None: the generated Stoa project, found at run time
    env: dict[str, str] = field(default_factory=dict)
    needs: tuple[str, ...] = ()  # top-level packages it imports (for skipping)
    stoa_minimal: bool | None = None


IMPLEMENTATIONS: dict[str, Implementation] = {
    impl.name: impl
    for impl in (
        Implementation(
            "stoa_full",
            "Stoa (full stack)",
            "benchsite.wsgi:application",
            stoa_minimal=False,
            needs=("core",),
        ),
        Implementation(
            "stoa_min",
            "Stoa (minimal stack)",
            "benchsite.wsgi:application",
            stoa_minimal=True,
            needs=("core",),
        ),
        Implementation(
            "django_full",
            "Django (default middleware)",
            "dbench.wsgi:application",
            APPS_DIR / "django",
            {"DJANGO_SETTINGS_MODULE": "dbench.settings"},
            ("django",),
        ),
        Implementation(
            "django_min",
            "Django (no middleware)",
            "dbench.wsgi:application",
            APPS_DIR / "django",
            {"DJANGO_SETTINGS_MODULE": "dbench.settings_min"},
            ("django",),
        ),
        Implementation(
            "flask",
            "Flask + Flask-SQLAlchemy",
            "flask_app:application",
            APPS_DIR / "flask",
            needs=("flask", "flask_sqlalchemy"),
        ),
        Implementation(
            "falcon",
            "Falcon + SQLAlchemy",
            "falcon_app:application",
            APPS_DIR / "falcon",
            needs=("falcon",),
        ),
        Implementation(
            "bottle",
            "Bottle + SQLAlchemy",
            "bottle_app:application",
            APPS_DIR / "bottle",
            needs=("bottle",),
        ),
        Implementation(
            "pyramid",
            "Pyramid + pyramid_tm",
            "pyramid_app:application",
            APPS_DIR / "pyramid",
            needs=("pyramid", "pyramid_jinja2", "pyramid_tm", "zope.sqlalchemy"),
        ),
        Implementation(
            "raw",
            "raw PEP 3333 callable",
            "raw_app:application",
            APPS_DIR / "raw",
            needs=("jinja2",),
        ),
    )
}


def sqlite_url(path: Path = SQLITE_PATH) -> str:
    """Return the SQLAlchemy URL of the SQLite file."""
    return f"sqlite:///{path}"


def database_url(backend: str, sqlite_path: Path = SQLITE_PATH) -> str:
    """Return the DATABASE_URL every implementation reads, for `backend`."""
    return sqlite_url(sqlite_path) if backend == "sqlite" else POSTGRES_URL


def postgres_answers(timeout: float = 1.0) -> bool:
    """Say whether something listens on PostgreSQL's port on 127.0.0.1."""
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    """Return a port on 127.0.0.1 that the kernel just picked at random and nobody holds."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_environment(
    impl: Implementation, db_url: str, stoa_dirs: dict[str, Path]
) -> dict[str, str]:
    """Return the environment (with PYTHONPATH) in which `impl` finds its code and database."""
    env = dict(os.environ)
    env.update(impl.env)
    env["DATABASE_URL"] = db_url
    path = stoa_dirs[impl.name] if impl.pythonpath is None else impl.pythonpath
    env["PYTHONPATH"] = str(path)
    env.pop("STOA_SETTINGS_MODULE", None)
    env.pop("STOA_DEBUG", None)
    return env
