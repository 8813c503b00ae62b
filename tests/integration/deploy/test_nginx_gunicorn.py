"""nginx over https in front of two gunicorn instances, each run from the generated systemd unit.

Every config comes from `manage.py deployconfig`: the nginx site (an upstream of the
two instances, STATIC_ROOT served by nginx, the proxy headers, TLS and the redirect from
plain http) and the gunicorn unit, whose Environment and ExecStart lines are run as
systemd would run them, with %i the instance's port.
"""

from __future__ import annotations

import contextlib
import shlex
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import clean_env, free_port
from tests.integration.deploy.conftest import (
    VISITOR_ADDRESS,
    Browser,
    Project,
    Server,
    running_nginx,
    self_signed_certificate,
    serving,
    unseen_by,
)

pytestmark = pytest.mark.slow

BODY_LIMIT = 2_621_440  # DATA_UPLOAD_MAX_MEMORY_SIZE's default


@dataclass(frozen=True)
class Site:
    """nginx on https_port (and http_port, redirecting) before two gunicorn instances."""

    https_port: int
    http_port: int
    tls: ssl.SSLContext
    nginx: Server
    instances: list[Server]
    instance_ports: list[int]

    def browser(self, source: str = VISITOR_ADDRESS) -> Browser:
        return Browser(self.https_port, source=source, tls=self.tls)


def unit_command(unit: str, instance: int) -> tuple[list[str], dict[str, str], Path]:
    """Return the ExecStart, the Environment and the WorkingDirectory of a systemd unit."""
    service: dict[str, list[str]] = {}
    for line in unit.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            service.setdefault(key, []).append(value.replace("%i", str(instance)))
    environment = dict(entry.split("=", 1) for entry in service["Environment"])
    (exec_start,) = service["ExecStart"]
    (directory,) = service["WorkingDirectory"]
    return shlex.split(exec_start), environment, Path(directory)


def environment_file(path: Path) -> dict[str, str]:
    """Read a systemd EnvironmentFile (KEY=VALUE lines)."""
    lines = path.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


@pytest.fixture(scope="module")
def site(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("nginx-gunicorn")
    # What production keeps in /etc/mysite/environment: the settings and secrets.
    secrets_file = directory / "environment"
    settings_names = [name for name in project.env if name.startswith(("STOA_", "DATABASE_"))]
    secrets_file.write_text("".join(f"{name}={project.env[name]}\n" for name in settings_names))
    unit = project.deployconfig(
        "systemd", "--environment-file", str(secrets_file), "--workers", "1"
    )
    instance_ports = [free_port(), free_port()]
    certificate, key = self_signed_certificate(directory)
    https_port, http_port = free_port(), free_port()
    site_conf = project.deployconfig(
        "nginx",
        "--listen",
        f"127.0.0.1:{https_port}",
        "--redirect-listen",
        f"127.0.0.1:{http_port}",
        "--ssl-certificate",
        str(certificate),
        "--ssl-certificate-key",
        str(key),
        *(f"--upstream=127.0.0.1:{port}" for port in instance_ports),
    )
    tls = ssl.create_default_context(cafile=str(certificate))
    with contextlib.ExitStack() as stack:
        instances = []
        for port in instance_ports:
            args, unit_env, working_directory = unit_command(unit, port)
            env = {**clean_env(), **environment_file(secrets_file), **unit_env}
            # gunicorn keeps a control socket in HOME: one per instance.
            home = directory / f"home-{port}"
            home.mkdir()
            env["HOME"] = str(home)
            log = directory / f"gunicorn-{port}.log"
            instances.append(
                stack.enter_context(serving(args, working_directory, log, env, port, "gunicorn"))
            )
        nginx_dir = directory / "nginx"
        nginx_dir.mkdir()
        nginx = stack.enter_context(running_nginx(site_conf, nginx_dir, [https_port, http_port]))
        yield Site(https_port, http_port, tls, nginx, instances, instance_ports)


def test_the_home_page_comes_through_nginx_over_https(site: Site) -> None:
    reply = site.browser().get("/")

    assert reply.status == 200
    assert "It worked!" in reply.text
    assert reply.headers["Server"].startswith("nginx")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"


def test_plain_http_is_redirected_to_https(site: Site) -> None:
    reply = Browser(site.http_port).get("/accounts/login/?next=/")

    assert reply.status == 301
    assert reply.headers["Location"] == "https://localhost/accounts/login/?next=/"


def test_requests_are_shared_by_both_instances(site: Site) -> None:
    browser = site.browser()

    pids = {browser.where()["pid"] for _ in range(4)}

    assert len(pids) == 2


def test_a_hashed_static_file_is_served_by_nginx_and_cached_for_ever(
    site: Site, project: Project
) -> None:
    hashed = project.static_files["mysite/site.css"]
    browser = site.browser()
    marker = "static-probe-hashed"

    reply = browser.get(f"/static/{hashed}?{marker}")

    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/css")
    assert reply.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert reply.body == (project.root / "staticfiles" / hashed).read_bytes()
    assert unseen_by(site.instances, marker, browser), "a gunicorn instance saw the request"


def test_an_unhashed_static_file_is_cached_briefly(site: Site) -> None:
    reply = site.browser().get("/static/mysite/site.css")

    assert reply.status == 200
    assert reply.headers["Cache-Control"] == "max-age=60"


def test_nginx_sends_the_gzip_file_collectstatic_made(site: Site, project: Project) -> None:
    hashed = project.static_files["mysite/site.css"]
    if not (project.root / "staticfiles" / f"{hashed}.gz").is_file():
        pytest.skip("collectstatic made no gzip variant of site.css (not worth it)")

    reply = site.browser().get(f"/static/{hashed}", **{"Accept-Encoding": "gzip"})

    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"


def test_a_missing_static_file_is_nginx_s_404(site: Site) -> None:
    browser = site.browser()
    marker = "static-probe-missing"

    reply = browser.get(f"/static/no-such-file.css?{marker}")

    assert reply.status == 404
    assert unseen_by(site.instances, marker, browser)


def test_the_view_sees_the_visitor_the_scheme_and_the_host(site: Site) -> None:
    where = site.browser().where()

    assert where["remote_addr"] == VISITOR_ADDRESS
    assert where["scheme"] == "https"
    assert where["host"] == f"localhost:{site.https_port}"
    assert where["url"] == f"https://localhost:{site.https_port}/where/"


def test_forwarded_headers_a_visitor_sends_are_not_believed(site: Site) -> None:
    where = site.browser().where(
        **{
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "http",
            "X-Forwarded-Host": "evil.example",
        }
    )

    assert where["remote_addr"] == VISITOR_ADDRESS
    assert where["scheme"] == "https"
    assert where["host"] == f"localhost:{site.https_port}"


def test_a_peer_that_is_not_the_proxy_cannot_claim_forwarded_headers(site: Site) -> None:
    direct = Browser(site.instance_ports[0], source=VISITOR_ADDRESS)

    where = direct.where(
        **{
            "X-Forwarded-For": "203.0.113.9",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "evil.example",
        }
    )

    assert where["remote_addr"] == VISITOR_ADDRESS
    assert where["scheme"] == "http"
    assert where["host"] == f"localhost:{site.instance_ports[0]}"


def test_logging_in_through_the_proxy_passes_the_csrf_check(site: Site, project: Project) -> None:
    browser = site.browser()

    reply = browser.log_in(project.password)

    assert reply.status == 302, reply.text[:2000]
    assert browser.where()["user"] == "ada"


def test_a_form_post_without_its_csrf_token_is_refused(site: Site) -> None:
    browser = site.browser()

    reply = browser.post(
        "/accounts/login/", {"username": "ada", "password": "x"}, Origin=browser.origin
    )

    assert reply.status == 403


def test_a_body_over_the_framework_s_limit_is_refused_by_nginx(site: Site) -> None:
    browser = site.browser()
    marker = "body-probe"

    # The headers alone: nginx answers from the declared length, before any body.
    reply = browser.request(
        "POST",
        f"/accounts/login/?{marker}",
        headers={"Content-Type": "text/plain", "Content-Length": str(BODY_LIMIT + 1)},
    )

    assert reply.status == 413
    assert "nginx" in reply.text
    assert unseen_by(site.instances, marker, browser)
