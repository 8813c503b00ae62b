"""The load and fault harness: a generated project with `loadapp`, gunicorn, and load clients.

Clients are threads with http.client, one connection per request (`Connection: close`),
so every answer is counted once and a restarting worker cannot leave a client holding a
dead keep-alive connection. Each answer is kept as an Outcome; the tests assert on
counts and invariants over them, never on speeds.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.helpers import (
    clean_env,
    free_port,
    log_tail,
    replace_in_file,
    start_server,
    stop_server,
    try_request,
    wait_for,
)
from tests.integration.db.conftest import (
    PROJECT_NAME,
    Project,
    connect,
    expect_ok,
    generate_project,
)
from tests.integration.load import app

WORKERS = 4
THREADS = 4
START_TIMEOUT = 60
REQUEST_TIMEOUT = 30
# No background load runs longer than this, whatever a test forgets to stop.
LOAD_CAP_SECONDS = 600
# What must never reach a client (with DEBUG off).
LEAKS = ("Traceback", 'File "', "sqlalchemy", "psycopg", "OperationalError", "SELECT ")

# The requests of the mix, by kind: method, path, whether it carries a token.
REQUESTS: dict[str, tuple[str, str, bool]] = {
    "page": ("GET", "/load/page/", False),
    "json": ("GET", "/load/ping/", False),
    "db": ("GET", "/load/stats/", False),
    "write": ("POST", "/load/write/", True),
    "slow": ("POST", "/load/slow/", True),
    "safe": ("POST", "/load/counter/safe/", False),
    "naive": ("POST", "/load/counter/naive/", False),
    "backend": ("GET", "/load/backend/", False),
}
MIXED = ("page", "json", "db", "page", "json", "db", "write")


def make_project(directory: Path) -> Path:
    """Generate `mysite` with `loadapp` installed and its migration written; return its root."""
    root = generate_project(directory)
    package = root / app.APP_NAME
    (package / "templates" / app.APP_NAME).mkdir(parents=True)
    (package / "__init__.py").write_text('"""The load-test app."""\n', encoding="utf-8")
    (package / "models.py").write_text(app.MODELS, encoding="utf-8")
    (package / "views.py").write_text(app.VIEWS, encoding="utf-8")
    (package / "urls.py").write_text(app.URLS, encoding="utf-8")
    (package / "templates" / app.APP_NAME / "page.html").write_text(app.PAGE, encoding="utf-8")
    replace_in_file(
        root / PROJECT_NAME / "settings.py",
        f'    "{PROJECT_NAME}",\n',
        f'    "{PROJECT_NAME}",\n    "{app.APP_NAME}",\n',
    )
    replace_in_file(
        root / PROJECT_NAME / "urls.py",
        "\n]",
        f'\n    path("load/", include("{app.APP_NAME}.urls")),\n]',
    )
    scratch = f"sqlite:///{directory / 'scratch.sqlite3'}"
    expect_ok(Project(root, scratch).manage("makemigrations", "-m", "loadapp"))
    return root


def migrate(root: Path, url: str) -> None:
    """Apply the project's migrations to `url` and create the two counters at zero."""
    expect_ok(Project(root, url).manage("migrate"))
    with connect(url) as engine, engine.begin() as connection:
        connection.execute(
            text("INSERT INTO tally (name, value) VALUES (:safe, 0), (:naive, 0)"),
            {"safe": app.SAFE, "naive": app.NAIVE},
        )


def children(pid: int) -> set[int]:
    """The pids of the live children of `pid` (gunicorn's workers, for its master)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        found = {int(child) for child in path.read_text().split()}
    except OSError:
        return set()
    return {child for child in found if _state(child) not in (None, "Z")}


def _state(pid: int) -> str | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("State:"):
            return line.split()[1]
    return None


def rss_kib(pid: int) -> int | None:
    """The resident set size of a process in KiB (VmRSS), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


@dataclass
class Site:
    """A gunicorn serving the project on one database."""

    process: Any
    port: int
    log: Path
    url: str
    markers: Path
    backend: str
    worker_class: str

    @property
    def master(self) -> int:
        return int(self.process.pid)

    def workers(self) -> set[int]:
        """The pids of the workers now."""
        return children(self.master)

    def wait_for_workers(
        self, condition: Callable[[set[int]], bool], what: str, timeout: float = START_TIMEOUT
    ) -> set[int]:
        """Wait until the set of workers meets `condition` (WORKERS of them, alive)."""
        return wait_for(
            self.workers,
            lambda pids: len(pids) == WORKERS and condition(pids),
            timeout,
            f"{what}\n{log_tail(self.log)}",
        )

    def tokens(self) -> set[str]:
        """The tokens of the notes in the database."""
        with connect(self.url) as engine, engine.connect() as connection:
            return set(connection.execute(text("SELECT token FROM note")).scalars())

    def tally(self, name: str) -> int:
        """The value of one counter."""
        with connect(self.url) as engine, engine.connect() as connection:
            value = connection.execute(
                text("SELECT value FROM tally WHERE name = :name"), {"name": name}
            ).scalar_one()
            return int(value)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def serve(
    root: Path,
    url: str,
    directory: Path,
    *,
    backend: str,
    worker_class: str,
    options: Sequence[str] = (),
    migrated: bool = False,
) -> Iterator[Site]:
    """Migrate `url` (unless `migrated`) and serve the project on it with gunicorn.

    WORKERS workers of `worker_class` (gthread with THREADS threads each), bound to a
    free port on 127.0.0.1; stopped, with every worker, when the block ends.
    """
    if not migrated:
        migrate(root, url)
    directory.mkdir(parents=True, exist_ok=True)
    markers = directory / "markers"
    markers.mkdir(exist_ok=True)
    port = free_port()
    log = directory / "gunicorn.log"
    threads = ["--threads", str(THREADS)] if worker_class == "gthread" else []
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--worker-class",
        worker_class,
        *threads,
        "--bind",
        f"127.0.0.1:{port}",
        *options,
        f"{PROJECT_NAME}.wsgi:application",
    ]
    # Its own HOME: gunicorn keeps a control socket there, one per server.
    env = clean_env(DATABASE_URL=url, HOME=str(directory), LOAD_MARKERS=str(markers))
    process = start_server(args, root, log, env)
    try:
        site = Site(process, port, log, url, markers, backend, worker_class)
        wait_for(
            lambda: try_request(port, "/load/ping/"),
            lambda result: result.status == 200,
            START_TIMEOUT,
            f"gunicorn on 127.0.0.1:{port}\n{log_tail(log)}",
        )
        site.wait_for_workers(lambda pids: True, f"{WORKERS} workers")
        yield site
    finally:
        stop_server(process)


def new_token() -> str:
    """A token for one write, unique across the run."""
    return secrets.token_hex(12)


@dataclass(frozen=True)
class Outcome:
    """One request and its answer: a status, or the transport error instead."""

    kind: str
    started: float
    finished: float
    status: int | None = None
    retry_after: str | None = None
    error: str | None = None
    token: str | None = None
    pid: int | None = None
    body: dict[str, Any] | None = None
    leaked: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def refused(self) -> bool:
        """A 503 with Retry-After: the documented answer of a busy or unreachable database."""
        return self.status == 503 and bool(self.retry_after)


def send(port: int, kind: str, query: str = "", token: str | None = None) -> Outcome:
    """Send one request of `kind` to 127.0.0.1:`port` and record its answer.

    A kind that writes carries a token (`token`, or a new random one) in its query
    string; `query` is appended to it (`&seconds=20`).
    """
    method, path, tokened = REQUESTS[kind]
    if tokened and token is None:
        token = new_token()
    target = path + (f"?token={token}" if token else "") + query
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        body = b"" if method == "POST" else None
        connection.request(method, target, body=body, headers={"Connection": "close"})
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Outcome(kind, started, time.monotonic(), error=error, token=token)
    finally:
        connection.close()
    finished = time.monotonic()
    parsed: dict[str, Any] | None = None
    if response.getheader("Content-Type", "").startswith("application/json"):
        parsed = json.loads(content)
    leaked = next((leak for leak in LEAKS if leak in content), None)
    return Outcome(
        kind,
        started,
        finished,
        status=response.status,
        retry_after=response.getheader("Retry-After"),
        token=token,
        pid=parsed.get("pid") if parsed else None,
        body=parsed,
        leaked=leaked,
    )


@dataclass
class Results:
    """The outcomes of a load run, with the questions the tests ask of them."""

    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    def of(self, kind: str) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.kind == kind]

    def statuses(self) -> Counter[int | str]:
        return Counter(o.status if o.status is not None else "error" for o in self.outcomes)

    def failures(self) -> list[Outcome]:
        """Requests that got no HTTP answer at all."""
        return [outcome for outcome in self.outcomes if outcome.status is None]

    def server_errors(self) -> list[Outcome]:
        """5xx answers other than a 503 with Retry-After."""
        return [
            o for o in self.outcomes if o.status is not None and o.status >= 500 and not o.refused
        ]

    def unexpected(self) -> list[Outcome]:
        """Answers that are neither 2xx nor a 503 with Retry-After, and transport errors."""
        return [o for o in self.outcomes if not (o.ok or o.refused)]

    def leaks(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.leaked]

    def ok_tokens(self, kind: str = "write") -> set[str]:
        return {o.token for o in self.of(kind) if o.ok and o.token is not None}

    def sent_tokens(self, kind: str = "write") -> set[str]:
        return {o.token for o in self.of(kind) if o.token is not None}

    def pids(self) -> set[int]:
        return {o.pid for o in self.outcomes if o.pid is not None}

    def rate(self) -> float:
        return len(self.outcomes) / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        shown = ", ".join(
            f"{key}: {count}" for key, count in sorted(self.statuses().items(), key=str)
        )
        return f"{len(self.outcomes)} requests in {self.seconds:.1f} s ({shown})"


class Load:
    """Clients in threads, sending a mix of requests until stopped, timed out or done.

    `requests` bounds the total; `seconds` bounds the time; `stop()` ends a run early.
    Client i sends the mix from position i on, so every kind is sent from the start.
    """

    def __init__(
        self,
        port: int,
        mix: Sequence[str] = MIXED,
        *,
        clients: int = 8,
        requests: int | None = None,
        seconds: float | None = None,
        query: str = "",
    ) -> None:
        self.port = port
        self.mix = tuple(mix)
        self.clients = clients
        self.requests = requests
        self.seconds = min(seconds, LOAD_CAP_SECONDS) if seconds else LOAD_CAP_SECONDS
        self.query = query
        self._stop = threading.Event()
        self._budget = itertools.count()
        self._lock = threading.Lock()
        self._outcomes: list[Outcome] = []
        self._threads: list[threading.Thread] = []
        self._started = 0.0
        self._deadline = 0.0

    def start(self) -> Load:
        self._started = time.monotonic()
        self._deadline = self._started + self.seconds
        self._threads = [
            threading.Thread(target=self._client, args=(index,), daemon=True)
            for index in range(self.clients)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def _client(self, index: int) -> None:
        kinds = itertools.cycle(
            self.mix[index % len(self.mix) :] + self.mix[: index % len(self.mix)]
        )
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            with self._lock:
                if self.requests is not None and next(self._budget) >= self.requests:
                    return
            outcome = send(self.port, next(kinds), self.query)
            with self._lock:
                self._outcomes.append(outcome)

    def snapshot(self) -> list[Outcome]:
        """The outcomes so far (the run goes on)."""
        with self._lock:
            return list(self._outcomes)

    def wait_until(
        self, condition: Callable[[list[Outcome]], bool], timeout: float, what: str
    ) -> None:
        """Wait, while the load runs, until its outcomes so far meet `condition`."""
        wait_for(lambda: self.snapshot(), condition, timeout, what)

    def stop(self) -> Results:
        """Stop the clients (each finishes its request) and return every outcome."""
        self._stop.set()
        return self.join()

    def join(self) -> Results:
        """Wait for the clients to finish by themselves and return every outcome."""
        for thread in self._threads:
            thread.join(REQUEST_TIMEOUT + self.seconds)
        seconds = time.monotonic() - self._started
        return Results(self.snapshot(), seconds)

    def run(self) -> Results:
        """Run to completion (the request budget or the time bound) and return the outcomes."""
        return self.start().join()


def kill(pid: int, sig: signal.Signals) -> None:
    """Send `sig` to a process of the test's own server."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
