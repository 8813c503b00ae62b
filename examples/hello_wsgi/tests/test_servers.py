"""The applications under real servers: wsgiref, gunicorn and uWSGI, on 127.0.0.1.

Each test starts one server on a free port, sends real HTTP requests and stops it,
whatever happens. uWSGI compiles from source and may be missing: its tests are skipped
then, with the command that installs it.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 20.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wsgiref_command(app: str, port: int) -> list[str]:
    """The wsgiref server of wsgiapps/serve.py."""
    return [sys.executable, "-m", "wsgiapps.serve", app, "--port", str(port)]


def gunicorn_command(app: str, port: int) -> list[str]:
    """gunicorn with one sync worker (gunicorn.conf.py supplies the rest)."""
    return [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", app]


def uwsgi_command(app: str, port: int) -> list[str]:
    """uWSGI with its HTTP router, in this virtual environment; skip if it is missing."""
    binary = shutil.which("uwsgi", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip(
            "uWSGI is not installed in this environment: pip install uwsgi "
            "(it compiles from source, with gcc and the Python headers)"
        )
    return [
        binary,
        "--http",
        f"127.0.0.1:{port}",
        "--module",
        app,
        "--virtualenv",
        sys.prefix,
        "--pythonpath",
        str(PROJECT),
        "--master",
        "--workers",
        "1",
        "--need-app",
        "--die-on-term",
        "--disable-logging",
    ]


SERVERS: dict[str, Callable[[str, int], list[str]]] = {
    "wsgiref": wsgiref_command,
    "gunicorn": gunicorn_command,
    "uwsgi": uwsgi_command,
}


@dataclass(frozen=True)
class Answer:
    """A response read over a real connection."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        """The body, decoded as UTF-8."""
        return self.body.decode()


@dataclass(frozen=True)
class Server:
    """A running server: where it listens, and its log."""

    port: int
    log: Path

    def request(self, method: str, path: str, body: bytes | None = None) -> Answer:
        """Send one request and read the whole answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()


def wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Return once `port` accepts connections; fail if the server exits or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail(f"nothing listens on 127.0.0.1:{port} after {START_TIMEOUT} s:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and every process it started (workers, routers) at once.

    The tests need nothing from a graceful shutdown, which would cost gunicorn and
    uWSGI a second each; SIGKILL to the process group leaves nothing behind.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[str, str], Server]]:
    """Start `server` (a key of SERVERS) on `app` (`module:callable`); stopped afterwards."""
    processes: list[subprocess.Popen[bytes]] = []
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "NOT_FOR_CLIENTS": "a secret of the server's process",
    }
    env.pop("STOA_DEBUG", None)

    def start(server: str, app: str) -> Server:
        port = free_port()
        log = tmp_path / f"{server}-{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                SERVERS[server](app, port),
                cwd=PROJECT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.append(process)
        wait_until_listening(process, port, log)
        return Server(port, log)

    try:
        yield start
    finally:
        for process in processes:
            stop(process)


servers = pytest.mark.parametrize("server", list(SERVERS))


@servers
def test_hello(serve: Callable[[str, str], Server], server: str) -> None:
    answer = serve(server, "wsgiapps.hello:application").request("GET", "/")

    assert answer.status == 200
    assert answer.text == "Hello, world!\n"
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"


@servers
def test_echo(serve: Callable[[str, str], Server], server: str) -> None:
    answer = serve(server, "wsgiapps.echo:application").request("POST", "/a/b?x=1", b"ping")

    lines = answer.text.splitlines()
    assert answer.status == 200
    assert "REQUEST_METHOD = 'POST'" in lines
    assert "PATH_INFO = '/a/b'" in lines
    assert "QUERY_STRING = 'x=1'" in lines
    assert lines[-1] == "body = b'ping'"
    assert "NOT_FOR_CLIENTS" not in answer.text


@servers
def test_reverse_body(serve: Callable[[str, str], Server], server: str) -> None:
    answer = serve(server, "wsgiapps.reverse:application").request("GET", "/")

    assert answer.status == 200
    assert answer.text == "!dlrow ,olleH\n"
    assert answer.headers["Content-Length"] == str(len(answer.body))


@servers
def test_the_project_serves_its_view_and_the_mounts(
    serve: Callable[[str, str], Server], server: str
) -> None:
    running = serve(server, "hello.wsgi:application")

    home = running.request("GET", "/")
    hello = running.request("GET", "/hello/")
    echo = running.request("GET", "/echo/a?x=1")
    reversed_hello = running.request("GET", "/reversed/")

    assert home.status == 200
    assert home.text.startswith("Hello from a Stoa view!")
    assert hello.text == "Hello, world!\n"
    assert hello.headers["X-Content-Type-Options"] == "nosniff"
    assert "SCRIPT_NAME = '/echo'" in echo.text.splitlines()
    assert "PATH_INFO = '/a'" in echo.text.splitlines()
    assert reversed_hello.text == "!dlrow ,olleH\n"


# In-process tests cover the wrapped project in full; one production server is enough here.
def test_the_middleware_around_the_project_under_gunicorn(
    serve: Callable[[str, str], Server],
) -> None:
    running = serve("gunicorn", "hello.wsgi_reversed:application")

    home = running.request("GET", "/")
    missing = running.request("GET", "/nowhere/")

    assert home.status == 200
    assert home.text.endswith("\n!weiv aotS a morf olleH\n")
    assert missing.status == 404
    assert "<html" in missing.text


def test_without_uwsgi_its_tests_skip_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))

    with pytest.raises(pytest.skip.Exception, match="pip install uwsgi"):
        uwsgi_command("wsgiapps.hello:application", 8000)
