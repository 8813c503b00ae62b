"""uWSGI serving the project's wsgi.py: with its own HTTP router, and behind nginx's uwsgi_pass.

The ini files come from `manage.py deployconfig uwsgi`, the nginx site from
`deployconfig nginx --protocol uwsgi`, and the second uWSGI is started by the
ExecStart line of `deployconfig systemd --server uwsgi`.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.helpers import free_port
from tests.integration.deploy.conftest import (
    VISITOR_ADDRESS,
    Browser,
    Project,
    Server,
    running_nginx,
    serving,
    unseen_by,
    uwsgi_binary,
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Running:
    """A uWSGI (and the nginx before it, if any) and the port clients use."""

    port: int
    uwsgi: Server
    nginx: Server | None = None

    def browser(self, source: str = VISITOR_ADDRESS) -> Browser:
        return Browser(self.port, source=source)


def exec_start(unit: str) -> list[str]:
    """The command line of a systemd unit's ExecStart."""
    (line,) = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


@pytest.fixture(scope="module")
def http_router(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """`uwsgi --ini uwsgi.ini` with `http = 127.0.0.1:PORT`: no proxy in front."""
    binary = uwsgi_binary()
    directory = tmp_path_factory.mktemp("uwsgi-http")
    port = free_port()
    ini = directory / "uwsgi.ini"
    project.deployconfig("uwsgi", "--http", f"127.0.0.1:{port}", "--workers", "2", "-o", str(ini))
    args = [binary, "--ini", str(ini)]
    with serving(args, project.root, directory / "uwsgi.log", project.env, port, "uwsgi") as server:
        yield Running(port, server)


@pytest.fixture(scope="module")
def behind_nginx(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """nginx (plain http) passing requests with uwsgi_pass to `uwsgi --socket`."""
    uwsgi_binary()
    directory = tmp_path_factory.mktemp("uwsgi-socket")
    socket_port, port = free_port(), free_port()
    ini = directory / "uwsgi.ini"
    project.deployconfig(
        "uwsgi", "--socket", f"127.0.0.1:{socket_port}", "--workers", "2", "-o", str(ini)
    )
    unit = project.deployconfig("systemd", "--server", "uwsgi", "--ini", str(ini))
    site = project.deployconfig(
        "nginx",
        "--protocol",
        "uwsgi",
        "--listen",
        f"127.0.0.1:{port}",
        "--upstream",
        f"127.0.0.1:{socket_port}",
    )
    log = directory / "uwsgi.log"
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(
            serving(exec_start(unit), project.root, log, project.env, socket_port, "uwsgi")
        )
        nginx_dir = directory / "nginx"
        nginx_dir.mkdir()
        nginx = stack.enter_context(running_nginx(site, nginx_dir, [port]))
        yield Running(port, server, nginx)


# --- uWSGI's HTTP router


def test_http_router_serves_the_home_page(http_router: Running) -> None:
    reply = http_router.browser().get("/")

    assert reply.status == 200
    assert "It worked!" in reply.text


def test_http_router_serves_static_files_from_the_application(
    http_router: Running, project: Project
) -> None:
    hashed = project.static_files["mysite/site.css"]

    reply = http_router.browser().get(f"/static/{hashed}")

    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert reply.body == (project.root / "staticfiles" / hashed).read_bytes()


def test_http_router_gives_the_view_the_client_s_own_address(http_router: Running) -> None:
    where = http_router.browser().where(
        **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )

    assert where["remote_addr"] == VISITOR_ADDRESS
    assert where["scheme"] == "http"
    assert where["host"] == f"localhost:{http_router.port}"


def test_http_router_accepts_the_login_form(http_router: Running, project: Project) -> None:
    browser = http_router.browser()

    reply = browser.log_in(project.password)

    assert reply.status == 302, reply.text[:2000]
    assert browser.where()["user"] == "ada"


# --- the uwsgi protocol behind nginx


def test_uwsgi_pass_serves_the_home_page(behind_nginx: Running) -> None:
    reply = behind_nginx.browser().get("/")

    assert reply.status == 200
    assert "It worked!" in reply.text
    assert reply.headers["Server"].startswith("nginx")


def test_uwsgi_pass_leaves_static_files_to_nginx(behind_nginx: Running, project: Project) -> None:
    hashed = project.static_files["mysite/site.css"]
    browser = behind_nginx.browser()
    marker = "static-probe-uwsgi"

    reply = browser.get(f"/static/{hashed}?{marker}")

    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert unseen_by([behind_nginx.uwsgi], marker, browser), "uWSGI saw the static request"


def test_uwsgi_pass_gives_the_view_the_visitor_and_the_host(behind_nginx: Running) -> None:
    where = behind_nginx.browser().where(
        **{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "evil.example"}
    )

    assert where["remote_addr"] == VISITOR_ADDRESS
    assert where["scheme"] == "http"
    assert where["host"] == f"localhost:{behind_nginx.port}"
    assert where["url"] == f"http://localhost:{behind_nginx.port}/where/"


def test_uwsgi_pass_accepts_the_login_form(behind_nginx: Running, project: Project) -> None:
    browser = behind_nginx.browser()

    reply = browser.log_in(project.password)

    assert reply.status == 302, reply.text[:2000]
    assert browser.where()["user"] == "ada"
