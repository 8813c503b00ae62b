"""A wheel of Stoa, installed into a fresh venv, serving a new project under real gunicorn."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import (
    REPO_ROOT,
    clean_env,
    free_port,
    http_request,
    log_tail,
    raw_http,
    replace_in_file,
    run,
    running_server,
    status_of,
    wait_for_status,
    wrap_application,
)

pytestmark = pytest.mark.slow

START_TIMEOUT = 30
INSTALL_TIMEOUT = 600
PIP_WHEEL_OPTIONS = ("--no-deps", "--no-build-isolation", "-q")

# Views that read the request body, added to the generated project for the body tests.
ECHO_VIEWS = """

from core.http import Response
from core.views import View


# Raw-socket clients send no CSRF token: these views exist to read bodies.
class EchoForm(View):
    csrf_exempt = True

    def post(self, request):
        return Response(f"{len(request.POST)} fields")


class EchoBody(View):
    csrf_exempt = True

    def post(self, request):
        return Response(f"{len(request.body)} bytes")
"""
ECHO_URLS = """
    path("echo/form/", views.EchoForm.as_view()),
    path("echo/body/", views.EchoBody.as_view()),
]"""


@dataclass(frozen=True)
class Venv:
    """A virtual environment with Stoa installed from its wheel."""

    root: Path

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)


@dataclass(frozen=True)
class Server:
    """A running gunicorn and its log."""

    port: int
    log: Path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """Build a wheel of this repository and install it into a new virtual environment."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    built = run(
        [sys.executable, "-m", "pip", "wheel", *PIP_WHEEL_OPTIONS, "-w", str(dist), str(REPO_ROOT)],
        base,
        timeout=INSTALL_TIMEOUT,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = dist.glob("stoa-*.whl")
    root = base / "venv"
    created = run([sys.executable, "-m", "venv", str(root)], base, timeout=INSTALL_TIMEOUT)
    assert created.returncode == 0, created.stderr
    environment = Venv(root)
    installed = run(
        [environment.bin("python"), "-m", "pip", "install", "-q", str(wheel)],
        base,
        timeout=INSTALL_TIMEOUT,
    )
    assert installed.returncode == 0, installed.stderr
    return environment


def new_project(venv: Venv, directory: Path) -> Path:
    """Run the installed `stoa startproject mysite` in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    result = run([venv.bin("stoa"), "startproject", "mysite"], directory)
    assert result.returncode == 0, result.stderr
    return directory / "mysite"


@pytest.fixture(scope="module")
def project(venv: Venv, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project made by the installed Stoa, with two views that read the body."""
    root = new_project(venv, tmp_path_factory.mktemp("deploy"))
    with (root / "mysite" / "views.py").open("a") as views:
        views.write(ECHO_VIEWS)
    replace_in_file(root / "mysite" / "urls.py", "\n]", ECHO_URLS)
    return root


@contextlib.contextmanager
def gunicorn(
    venv: Venv, project: Path, log: Path, *options: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Run the venv's gunicorn in `project` until it answers; stop it afterwards."""
    port = free_port()
    # Its own HOME: gunicorn's control socket lives there, one per server.
    environment = clean_env(HOME=str(log.parent), **(env or {}))
    args = [venv.bin("gunicorn"), "--bind", f"127.0.0.1:{port}", *options]
    with running_server(args, project, log, environment) as process:
        try:
            wait_for_status(port, 200, START_TIMEOUT)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{log_tail(log)}") from None
        assert process.poll() is None
        yield Server(port, log)


@pytest.fixture(scope="module")
def server(venv: Venv, project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`gunicorn --bind 127.0.0.1:PORT --workers 2 mysite.wsgi` in the project."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with gunicorn(venv, project, log, "--workers", "2", "mysite.wsgi") as running:
        yield running


def raw(server: Server, request: str, body: bytes = b"", *, shutdown: bool = False) -> bytes:
    """Send a hand-written HTTP/1.1 request; header lines are joined with CRLF."""
    head = request.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n"
    return raw_http(server.port, head + body, shutdown=shutdown)


def header(response: bytes, name: str) -> str | None:
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None


def test_the_wheel_is_installed_not_linked_to_the_checkout(venv: Venv, tmp_path: Path) -> None:
    result = run([venv.bin("python"), "-c", "import core; print(core.__file__)"], tmp_path)

    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(venv.root)


@pytest.mark.parametrize("target", ["nginx", "uwsgi", "systemd"])
def test_the_wheel_carries_the_deployment_config_templates(
    venv: Venv, project: Path, target: str
) -> None:
    result = run([venv.bin("python"), "manage.py", "deployconfig", target], project)

    assert result.returncode == 0, result.stderr
    assert "mysite" in result.stdout
    assert f"made by `manage.py deployconfig {target}" in result.stdout


def test_the_wheel_carries_the_admins_templates_and_static_files(venv: Venv, project: Path) -> None:
    collected = run([venv.bin("python"), "manage.py", "collectstatic", "--noinput"], project)
    check = "from core.resources import resource_dir; print(resource_dir('templates'))"
    found = run([venv.bin("python"), "-c", check], project)

    assert collected.returncode == 0, collected.stderr
    assert (project / "staticfiles" / "admin" / "admin.css").is_file()
    assert (project / "staticfiles" / "admin" / "admin.js").is_file()
    assert (Path(found.stdout.strip()) / "admin" / "change_list.html").is_file()


def test_the_admin_login_page(server: Server) -> None:
    response = http_request(server.port, "/admin/login/", headers={"Host": "localhost"})

    assert response.status == 200
    assert "Log in" in response.text
    assert "/static/admin/admin" in response.text


def test_home_page(server: Server) -> None:
    response = http_request(server.port, "/", headers={"Host": "localhost"})

    assert response.status == 200
    assert "It worked!" in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_path_is_404_without_details(server: Server) -> None:
    response = http_request(server.port, "/no-such-page/")

    assert response.status == 404
    assert "Traceback" not in response.text
    assert "mysite" not in response.text


def test_host_not_allowed_is_400(server: Server) -> None:
    response = http_request(server.port, "/", headers={"Host": "evil.example.com"})

    assert response.status == 400
    assert "evil.example.com" not in response.text


@pytest.mark.parametrize("host", ["a.com@b", "<x>", "a.com:abc", "a.com/x", "a.com?x", "a.com#x"])
def test_malformed_host_is_400(server: Server, host: str) -> None:
    response = raw(server, f"GET / HTTP/1.1\nHost: {host}\nConnection: close")

    assert status_of(response) == 400
    assert b"Traceback" not in response


def test_missing_host_is_400(server: Server) -> None:
    response = raw(server, "GET / HTTP/1.1\nConnection: close")

    assert status_of(response) == 400


def test_undecodable_path_is_400_or_404(server: Server) -> None:
    response = raw(server, "GET /%ff HTTP/1.1\nHost: localhost\nConnection: close")

    assert status_of(response) in (400, 404)


def test_undecodable_query_is_not_a_server_error(server: Server) -> None:
    response = raw(server, "GET /?a=%ff HTTP/1.1\nHost: localhost\nConnection: close")

    assert status_of(response) in (200, 400)


def test_unknown_method_is_405_with_allow(server: Server) -> None:
    response = raw(server, "FOO / HTTP/1.1\nHost: localhost\nConnection: close")

    assert status_of(response) == 405
    allowed = header(response, "Allow")
    assert allowed is not None
    assert "GET" in allowed


@pytest.mark.parametrize("path", ["/echo/form/", "/echo/body/"])
def test_body_shorter_than_content_length_is_never_500(server: Server, path: str) -> None:
    response = raw(
        server,
        f"POST {path} HTTP/1.1\nHost: localhost\nConnection: close\n"
        "Content-Type: application/x-www-form-urlencoded\nContent-Length: 100",
        b"a=12345678",
        shutdown=True,
    )

    assert status_of(response) in (400, None)
    assert b"Traceback" not in response


@pytest.mark.parametrize("path", ["/", "/echo/form/", "/echo/body/"])
def test_body_over_the_limit_is_413_without_sending_it(server: Server, path: str) -> None:
    response = raw(
        server,
        f"POST {path} HTTP/1.1\nHost: localhost\nConnection: close\n"
        "Content-Type: application/octet-stream\nContent-Length: 10000000",
    )

    assert status_of(response) == 413


def test_complete_body_is_read(server: Server) -> None:
    response = raw(
        server,
        "POST /echo/form/ HTTP/1.1\nHost: localhost\nConnection: close\n"
        "Content-Type: application/x-www-form-urlencoded\nContent-Length: 7",
        b"a=1&b=2",
    )

    assert status_of(response) == 200
    assert response.endswith(b"2 fields")


def test_still_serves_after_bad_requests(server: Server) -> None:
    for request in (
        "GET / HTTP/1.1\nHost: a.com@b\nConnection: close",
        "GET / HTTP/1.1\nConnection: close",
        "GET /%ff HTTP/1.1\nHost: localhost\nConnection: close",
        "FOO / HTTP/1.1\nHost: localhost\nConnection: close",
        "POST /echo/body/ HTTP/1.1\nHost: localhost\nConnection: close\nContent-Length: 10000000",
    ):
        raw(server, request)
    raw(
        server,
        "POST /echo/body/ HTTP/1.1\nHost: localhost\nContent-Length: 100",
        b"x" * 10,
        shutdown=True,
    )

    response = http_request(server.port, "/")

    assert response.status == 200
    assert "It worked!" in response.text
    assert "Internal Server Error" not in server.log.read_text()
    assert "Traceback" not in server.log.read_text()


def test_gunicorn_conf_py(venv: Venv, project: Path, tmp_path: Path) -> None:
    log = tmp_path / "gunicorn.log"
    options = ("-c", "gunicorn.conf.py")

    with gunicorn(venv, project, log, *options, env={"WEB_CONCURRENCY": "2"}) as running:
        response = http_request(running.port, "/")

    assert response.status == 200
    assert "It worked!" in response.text
    assert '"GET / HTTP/1.1" 200' in log.read_text()  # its access log goes to stdout


def test_plain_wsgi_middleware_in_wsgi_py(venv: Venv, tmp_path: Path) -> None:
    wrapped = new_project(venv, tmp_path / "wrapped")
    wrap_application(wrapped)
    log = tmp_path / "gunicorn.log"

    with gunicorn(venv, wrapped, log, "--workers", "1", "mysite.wsgi") as running:
        response = http_request(running.port, "/")

    assert response.status == 200
    assert response.headers["X-Rewritten-By"] == "Rewrite"
    assert "It was rewritten!" in response.text
