"""A private PostgreSQL cluster for the tests that stop and start the database server.

The machine's shared server is never touched: initdb makes a cluster in a temporary
directory, pg_ctl runs it on a free loopback port with its socket in that directory, and
the whole directory goes when the test is done. As root, the server binaries run as the
`postgres` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import free_port

BINARIES = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
COMMAND_TIMEOUT = 60


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin with initdb and pg_ctl, or None."""
    candidates = sorted(
        (path for path in BINARIES.glob("*/bin") if (path / "initdb").exists()),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    found = [path for path in candidates if (path / "pg_ctl").exists()]
    return found[-1] if found else None


def missing_reason() -> str | None:
    """Why a private cluster cannot be made here, or None if it can."""
    if server_binaries() is None:
        return f"no PostgreSQL server binaries (initdb, pg_ctl) under {BINARIES}/*/bin"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to start PostgreSQL as another user"
    return None


@dataclass
class Cluster:
    """A PostgreSQL server of the test's own: its data, its socket, its port."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
            cwd=self.root,
        )
        assert result.returncode == 0, f"{program} {args}: {result.stdout}\n{result.stderr}"
        return result

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "-t",
            str(COMMAND_TIMEOUT),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: roll back open transactions, cut every client off)."""
        self.run(
            "pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(COMMAND_TIMEOUT), "stop"
        )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (self.root / "server.log").read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def private_cluster() -> Iterator[Cluster]:
    """Make, start and finally remove a PostgreSQL cluster on a free loopback port."""
    binaries = server_binaries()
    assert binaries is not None, missing_reason()
    # Not under pytest's tmp_path: its directories are private to this user, and the
    # server runs as another one.
    root = Path(tempfile.mkdtemp(prefix="stoa-pg-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        account = pwd.getpwnam(SERVER_USER)
        os.chown(root, account.pw_uid, account.pw_gid)
    cluster = Cluster(binaries, root, free_port())
    try:
        cluster.run(
            "initdb",
            "-D",
            str(cluster.data),
            "-U",
            SERVER_USER,
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        cluster.start()
        try:
            yield cluster
        finally:
            with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
                cluster.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)
