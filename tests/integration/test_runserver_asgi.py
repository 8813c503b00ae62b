"""`manage.py runserver --asgi`: the project through its ASGI handler under uvicorn, reloaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import (
    PYTHON,
    call_command,
    clean_env,
    free_port,
    log_tail,
    replace_in_file,
    running_server,
    start_project,
    try_request,
    wait_for,
)

pytest.importorskip("uvicorn", reason="uvicorn is not installed: pip install 'stoa[asgi]'")

pytestmark = pytest.mark.slow

START_TIMEOUT = 30
RELOAD_TIMEOUT = 15

ASYNC_VIEW = """

from core.http import Response


async def added(request):
    return Response("async view added while running")
"""


def wait_for_page(port: int, log: Path, path: str, text: str, timeout: float) -> str:
    try:
        result = wait_for(
            lambda: try_request(port, path),
            lambda r: r.status == 200 and text in r.text,
            timeout,
            f"200 with {text!r} at {path}",
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- server log ---\n{log_tail(log)}") from None
    return result.text


def test_serves_through_uvicorn_and_reloads_on_change(tmp_path: Path) -> None:
    project = start_project(tmp_path)
    port = free_port()
    log = tmp_path / "runserver.log"
    args = [PYTHON, "manage.py", "runserver", "--asgi", f"127.0.0.1:{port}"]
    with running_server(args, project, log, clean_env()):
        wait_for_page(port, log, "/", "It worked!", START_TIMEOUT)
        with (project / "mysite" / "views.py").open("a") as views:
            views.write(ASYNC_VIEW)
        replace_in_file(
            project / "mysite" / "urls.py", "\n]", '\n    path("added/", views.added),\n]'
        )
        body = wait_for_page(port, log, "/added/", "added while running", RELOAD_TIMEOUT)
    assert body == "async view added while running"
    output = log.read_text()
    assert "ASGI development server (uvicorn) at http://127.0.0.1:" in output
    assert "changed, reloading" in output
    assert "Traceback" not in output


def test_a_project_that_fails_to_load_shows_its_error(tmp_path: Path) -> None:
    project = start_project(tmp_path)
    with (project / "mysite" / "views.py").open("a") as views:
        views.write("\ndef broken(:\n")
    port = free_port()
    log = tmp_path / "runserver.log"
    args = [PYTHON, "manage.py", "runserver", "--asgi", "--noreload", f"127.0.0.1:{port}"]
    with running_server(args, project, log, clean_env()):
        result = wait_for(
            lambda: try_request(port, "/"),
            lambda r: r.status == 500,
            START_TIMEOUT,
            "the error page",
        )
    assert "SyntaxError" in result.text
    assert "views.py" in result.text


def test_without_uvicorn_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "uvicorn" else find_spec(name, *args),
    )
    result = call_command("runserver", "--asgi", "--noreload", "127.0.0.1:1")
    assert result.code != 0
    assert "pip install 'stoa[asgi]'" in result.err


def test_help_lists_the_asgi_option() -> None:
    result = call_command("runserver", "--help")
    assert result.code == 0
    assert "--asgi" in result.out
