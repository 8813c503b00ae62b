"""`manage.py down` and `up` against a real gunicorn with two workers, no restart."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.helpers import (
    clean_env,
    free_port,
    http_request,
    log_tail,
    run,
    running_server,
    start_project,
    wait_for_status,
)

pytestmark = pytest.mark.slow

PID_VIEW = """

import os

from core.http import Response


def pid(request):
    return Response(str(os.getpid()), content_type="text/plain")
"""


def answers(port: int, count: int = 20) -> list[tuple[int, str]]:
    """Send `count` requests, each on a new connection (so the workers share them)."""
    found = []
    for _ in range(count):
        response = http_request(port, "/pid/", headers={"Connection": "close"})
        found.append((response.status, response.text))
    return found


def workers_seen(port: int, timeout: float = 20) -> set[str]:
    deadline = time.monotonic() + timeout
    pids: set[str] = set()
    while len(pids) < 2 and time.monotonic() < deadline:
        pids |= {text for status, text in answers(port, 10) if status == 200}
    return pids


def test_down_and_up_reach_every_worker_without_a_restart(tmp_path: Path) -> None:
    root = start_project(tmp_path)
    with (root / "mysite" / "views.py").open("a", encoding="utf-8") as views:
        views.write(PID_VIEW)
    urls = root / "mysite" / "urls.py"
    urls.write_text(
        urls.read_text(encoding="utf-8").replace(
            "urlpatterns = [", 'urlpatterns = [\n    path("pid/", views.pid),', 1
        ),
        encoding="utf-8",
    )
    env = clean_env()
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate"], root, timeout=60, env=env)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with running_server([*args, "mysite.wsgi:application"], root, log, env):
        wait_for_status(port, 200, 30, "/pid/")
        before = workers_seen(port)
        assert len(before) == 2, log_tail(log)

        down = run(
            [*manage, "down", "-m", "Upgrading", "--retry-after", "120"], root, timeout=60, env=env
        )
        time.sleep(1.5)  # each worker looks at the flag once a second
        during = answers(port)
        page = http_request(port, "/pid/")

        run([*manage, "up"], root, timeout=60, env=env)
        time.sleep(1.5)
        after = answers(port)
        again = workers_seen(port)

    assert "The site is down" in down.stdout
    assert {status for status, _ in during} == {503}, during
    assert page.headers["Retry-After"] == "120"
    assert "Upgrading" in page.text
    assert {status for status, _ in after} == {200}, after
    assert again == before, "the same two workers serve again: nothing was restarted"
