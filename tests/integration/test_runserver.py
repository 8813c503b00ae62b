"""`manage.py runserver` in a generated project: serves, reloads on change, stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import (
    PYTHON,
    clean_env,
    free_port,
    log_tail,
    replace_in_file,
    running_server,
    start_project,
    try_request,
    wait_for,
    wait_for_status,
)

pytestmark = pytest.mark.slow

START_TIMEOUT = 30
RELOAD_TIMEOUT = 15
STOP_TIMEOUT = 5


@dataclass
class DevServer:
    """A running `manage.py runserver` and the project it serves."""

    process: subprocess.Popen[bytes]
    port: int
    project: Path
    log: Path

    @property
    def views(self) -> Path:
        return self.project / "mysite" / "views.py"

    def wait_for_page(self, status: int, text: str, timeout: float = RELOAD_TIMEOUT) -> str:
        """Poll the home page until it answers `status` with `text` in it; return the body."""
        try:
            result = wait_for(
                lambda: try_request(self.port),
                lambda r: r.status == status and text in r.text,
                timeout,
                f"{status} with {text!r}",
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- server log ---\n{log_tail(self.log)}") from None
        return result.text


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    """`python manage.py runserver 127.0.0.1:PORT` in a new project, answering requests."""
    project = start_project(tmp_path)
    port = free_port()
    log = tmp_path / "runserver.log"
    args = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}"]
    with running_server(args, project, log, clean_env()) as process:
        server = DevServer(process, port, project, log)
        server.wait_for_page(200, "It worked!", timeout=START_TIMEOUT)
        yield server


def test_serves_the_home_page(dev_server: DevServer) -> None:
    response = try_request(dev_server.port)

    assert response is not None
    assert response.status == 200
    assert "It worked!" in response.text
    assert "<code>mysite</code>" in response.text


def test_debug_is_on_under_manage_py(dev_server: DevServer) -> None:
    response = try_request(dev_server.port, "/no-such-page/")

    assert response is not None
    assert response.status == 404
    assert "Using the URLconf defined in <code>mysite.urls</code>" in response.text


def test_reloads_after_a_view_changes(dev_server: DevServer) -> None:
    replace_in_file(
        dev_server.views,
        'extra_context = {"project_name": "mysite"}',
        'extra_context = {"project_name": "reloaded-site"}',
    )

    body = dev_server.wait_for_page(200, "reloaded-site")

    assert "It worked!" in body


def test_serves_a_view_added_while_running(dev_server: DevServer) -> None:
    with dev_server.views.open("a") as views:
        views.write(
            "\n\nfrom core.http import Response\n\n\n"
            "def added(request):\n"
            '    return Response("added while running")\n'
        )
    replace_in_file(
        dev_server.project / "mysite" / "urls.py",
        "\n]",
        '\n    path("added/", views.added),\n]',
    )

    result = wait_for_status(dev_server.port, 200, RELOAD_TIMEOUT, path="/added/")

    assert result.text == "added while running"


def test_syntax_error_is_shown_on_the_page(dev_server: DevServer) -> None:
    with dev_server.views.open("a") as views:
        views.write("\ndef broken(:\n")

    body = dev_server.wait_for_page(500, "SyntaxError")

    assert "views.py" in body


def test_recovers_once_the_syntax_error_is_fixed(dev_server: DevServer) -> None:
    original = dev_server.views.read_text()
    dev_server.views.write_text(original + "\ndef broken(:\n")
    dev_server.wait_for_page(500, "SyntaxError")

    dev_server.views.write_text(original)

    body = dev_server.wait_for_page(200, "It worked!")
    assert "SyntaxError" not in body


def test_ctrl_c_stops_the_server(dev_server: DevServer) -> None:
    # A terminal's Ctrl-C signals the whole foreground process group.
    os.killpg(dev_server.process.pid, signal.SIGINT)

    returncode = dev_server.process.wait(timeout=STOP_TIMEOUT)

    assert returncode in (0, 130, -signal.SIGINT)
    assert try_request(dev_server.port) is None


def test_sigint_to_the_reloader_stops_the_serving_child(dev_server: DevServer) -> None:
    dev_server.process.send_signal(signal.SIGINT)

    dev_server.process.wait(timeout=STOP_TIMEOUT)

    wait_for(
        lambda: try_request(dev_server.port) is None,
        bool,
        STOP_TIMEOUT,
        "the port to stop answering",
    )
