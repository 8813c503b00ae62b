"""Helpers of the tests that run commands, generated projects and servers in other processes."""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from core.management import execute_from_command_line

REPO_ROOT = Path(__file__).resolve().parent.parent
# The interpreter the tests run under; it has Stoa installed (editable) with its dependencies.
PYTHON = sys.executable

T = TypeVar("T")


@dataclass(frozen=True)
class CommandResult:
    """What an in-process command printed and returned."""

    code: int
    out: str
    err: str


def call_command(*args: str, prog: str = "stoa") -> CommandResult:
    """Run `stoa ARGS` in this process and return its exit status and output.

    argparse's --help ends with SystemExit(0), as it does behind the console script.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = execute_from_command_line([prog, *args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return CommandResult(code, out.getvalue(), err.getvalue())


def clean_env(**extra: str) -> dict[str, str]:
    """Return this process's environment without the settings the framework's tests chose."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("STOA_", "PYTEST_")) and name not in ("DATABASE_URL", "PYTHONPATH")
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run(
    args: list[str],
    cwd: Path,
    *,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion (bounded by `timeout`) and capture its output as text."""
    return subprocess.run(
        args,
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(
    project: Path, *args: str, python: str = PYTHON, timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python manage.py ARGS` in a generated project, in a fresh interpreter."""
    return run([python, "manage.py", *args], project, timeout=timeout, stdin=stdin)


def start_project(directory: Path, name: str = "mysite") -> Path:
    """Generate a project in `directory` (in this process) and return its root."""
    root = directory / name
    root.mkdir()
    result = call_command("startproject", name, str(root))
    assert result.code == 0, result.err
    return root


def replace_in_file(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in a text file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class HTTPResult:
    """A response read over a real connection."""

    status: int
    headers: http.client.HTTPMessage
    text: str


def http_request(
    port: int,
    path: str = "/",
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    timeout: float = 5,
) -> HTTPResult:
    """Send one request to 127.0.0.1:`port` and return the whole response."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, headers=dict(headers or {}))
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return HTTPResult(response.status, response.headers, body)
    finally:
        connection.close()


def try_request(port: int, path: str = "/", **kwargs: object) -> HTTPResult | None:
    """Like http_request, but None while nothing answers (a server starting or restarting)."""
    try:
        return http_request(port, path, **kwargs)  # type: ignore[arg-type]
    except (OSError, http.client.HTTPException):
        return None


def wait_for(
    probe: Callable[[], T | None], condition: Callable[[T], bool], timeout: float, what: str
) -> T:
    """Call `probe` until its result meets `condition`; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = probe()
        if last is not None and condition(last):
            return last
        if time.monotonic() > deadline:
            shown = repr(last)[:500]
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}; last: {shown}")
        time.sleep(0.1)


def wait_for_status(port: int, status: int, timeout: float, path: str = "/") -> HTTPResult:
    """Poll `path` until it answers with `status`."""
    return wait_for(
        lambda: try_request(port, path),
        lambda r: r.status == status,
        timeout,
        f"{status} from 127.0.0.1:{port}{path}",
    )


def raw_http(port: int, data: bytes, *, shutdown: bool = False, timeout: float = 10) -> bytes:
    """Send raw bytes to 127.0.0.1:`port` and return all the server sends back before closing.

    With `shutdown`, the writing half is closed after sending, as a client that sends
    less than it promised would do.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        if shutdown:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def status_of(raw: bytes) -> int | None:
    """The status code on the first line of a raw HTTP response (None if there is none)."""
    parts = raw.split(b"\r\n", 1)[0].split(b" ")
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/") and parts[1].isdigit():
        return int(parts[1])
    return None


def start_server(
    args: list[str], cwd: Path, log: Path, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    """Start a server in its own process group, its output going to `log`.

    SIGINT gets its default action back in the child (a shell may have started the tests
    with it ignored), so the server can be stopped the way Ctrl-C stops it.
    """
    with log.open("wb") as output:
        return subprocess.Popen(
            args,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )


def stop_server(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop a server started by start_server and everything in its process group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    # Children (reloaded servers, gunicorn workers) go with the group, even if orphaned.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=timeout)


@contextlib.contextmanager
def running_server(
    args: list[str], cwd: Path, log: Path, env: Mapping[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server for the duration of a `with` block; always stop it."""
    process = start_server(args, cwd, log, env)
    try:
        yield process
    finally:
        stop_server(process)


def log_tail(log: Path, lines: int = 40) -> str:
    """The end of a server's log, for assertion messages."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# Plain WSGI middleware, as a user would write it around `application` in wsgi.py.
REWRITE_MIDDLEWARE = '''

class Rewrite:
    """Replace bytes in every response body and say so in a header."""

    def __init__(self, app, old, new):
        self.app, self.old, self.new = app, old, new

    def __call__(self, environ, start_response):
        captured = {}
        chunks = []

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        result = self.app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        body = b"".join(chunks).replace(self.old, self.new)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers += [("Content-Length", str(len(body))), ("X-Rewritten-By", "Rewrite")]
        start_response(captured["status"], headers)
        return [body]


application = Rewrite(application, b"It worked!", b"It was rewritten!")
'''


def wrap_application(project: Path, name: str = "mysite") -> None:
    """Wrap the project's `application` in REWRITE_MIDDLEWARE, in its wsgi.py."""
    wsgi = project / name / "wsgi.py"
    assert "application = get_wsgi_application()" in wsgi.read_text()
    with wsgi.open("a") as file:
        file.write(REWRITE_MIDDLEWARE)
