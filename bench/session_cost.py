"""Count the CPU instructions of a request that reads `request.user`, with callgrind.

    python bench/session_cost.py [--calls N]

A project from `startproject` (its full default stack, SQLite, migrated) gets a view
that says who the user is. Three requests are counted, each `--calls` times after a
warm-up, counting switched on only around them (as bench/run.py counts the benchmark
scenarios): `plaintext` (the view reads nothing of the user), `anonymous` (it reads
`request.user`, no cookie) and `authenticated` (it reads `request.user` with the
session cookie of a logged-in user). Prints thousands of instructions per request.

The counts repeat to within 0.1% for the same code. Between commits that do not touch
the request path, `authenticated` still moves by up to 2-3% (the garbage collector's
work inside the count depends on everything the process holds): compare a change with
its parent commit, counted the same way.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
PROJECT = "costsite"
SCENARIOS = ("plaintext", "anonymous", "authenticated")

VIEWS = """

from core.http import Response


def plaintext(request):
    return Response(b"Hello, World!", content_type="text/plain")


def whoami(request):
    user = request.user
    name = user.username if user.is_authenticated else "anonymous"
    return Response(name, content_type="text/plain")
"""
URLS = '''"""URLs of the instruction count."""

from core.urls import path

from costsite import views

urlpatterns = [path("plaintext", views.plaintext), path("whoami", views.whoami)]
'''


def make_project(directory: Path) -> Path:
    """Generate and migrate the project in `directory`; return its root."""
    root = directory / PROJECT
    root.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    run = [sys.executable, "-m", "core.management"]
    subprocess.run(
        [*run, "startproject", PROJECT, str(root)],
        cwd=root,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    with (root / PROJECT / "views.py").open("a") as views:
        views.write(VIEWS)
    (root / PROJECT / "urls.py").write_text(URLS)
    subprocess.run(
        [sys.executable, "manage.py", "migrate"],
        cwd=root,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return root


def child(root: Path, calls: int) -> None:
    """Serve the counted requests: under callgrind, driven by `parent()` on stdin."""
    sys.path[:0] = [str(root), str(BENCH_DIR)]
    os.environ["STOA_SETTINGS_MODULE"] = f"{PROJECT}.settings"
    from core.auth.models import User
    from core.conf import settings
    from core.testing import Client
    from core.wsgi import get_wsgi_application
    from orm.session import session_scope

    from harness import call, make_environ

    app = get_wsgi_application()
    with session_scope() as session:
        user = User.create_user("ada", "a long pass phrase", session=session)
        client = Client(app)
        client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME]}"
    environs = {
        "plaintext": make_environ("/plaintext", ""),
        "anonymous": make_environ("/whoami", ""),
        "authenticated": {**make_environ("/whoami", ""), "HTTP_COOKIE": cookie},
    }
    expected = {"anonymous": b"anonymous", "authenticated": b"ada"}
    for scenario in SCENARIOS:
        environ = environs[scenario]
        for _ in range(50):  # warm: connections, caches, lazy imports
            status, _, body = call(app, environ)
        assert status.startswith("200"), (scenario, status)
        assert expected.get(scenario, body) == body, (scenario, body)
        gc.collect()  # each count starts from the same collector state
        print("ready", scenario, flush=True)
        sys.stdin.readline()
        for _ in range(calls):
            call(app, environ)
        print("done", flush=True)
        sys.stdin.readline()


def parent(calls: int) -> dict[str, float]:
    """Run `child()` under callgrind and return the instructions per request of each scenario."""
    with tempfile.TemporaryDirectory(prefix="stoa-cost-") as tmp:
        root = make_project(Path(tmp))
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            str(root),
            "--calls",
            str(calls),
        ]
        env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
        env["PYTHONHASHSEED"] = "0"
        found = {}
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        ) as process:
            assert process.stdin is not None
            assert process.stdout is not None

            def control(*args: str) -> None:
                subprocess.run(
                    ["callgrind_control", *args, str(process.pid)],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )

            def answer() -> None:
                assert process.stdin is not None
                process.stdin.write("\n")
                process.stdin.flush()

            for dump, scenario in enumerate(SCENARIOS, start=1):
                ready = process.stdout.readline().split()
                if ready != ["ready", scenario]:
                    raise RuntimeError(f"expected 'ready {scenario}', got {ready}")
                control("--zero")
                control("--instr=on")
                answer()
                if process.stdout.readline().strip() != "done":
                    raise RuntimeError(f"{scenario}: the counted process stopped")
                control("--instr=off")
                control("--dump")
                text = Path(f"{out}.{dump}").read_text()
                totals = re.search(r"^totals:\s+(\d+)", text, re.MULTILINE)
                if totals is None:
                    raise RuntimeError(f"callgrind wrote no totals for {scenario}")
                found[scenario] = int(totals.group(1)) / calls
                answer()
            process.stdin.close()
            if process.wait(timeout=120) != 0:
                raise RuntimeError("the counted process failed")
    return found


def main() -> None:
    """Count, or serve the counted requests (--child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="requests counted per scenario")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.calls)
        return
    for scenario, count in parent(args.calls).items():
        print(f"{scenario:>14}: {count / 1000:,.1f}k instructions per request")


if __name__ == "__main__":
    main()
