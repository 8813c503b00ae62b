"""A generated project deployed as the docs say: configs from `deployconfig`, real servers.

One project serves every test here: made by startproject, with a view that reports what
the application saw of the request, migrated (on PostgreSQL when TEST_DATABASE_URL is set,
else SQLite), with a user and collected static files. nginx runs with a private prefix
and configuration in a temporary directory; every server listens on a free port of
127.0.0.1 and is stopped when its module is done.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.helpers import (
    clean_env,
    log_tail,
    replace_in_file,
    run,
    start_project,
    start_server,
    stop_server,
    wait_for,
)
from tests.integration.db.conftest import database_for, postgres_url

PROJECT_NAME = "mysite"
START_TIMEOUT = 30
REQUEST_TIMEOUT = 10
COMMAND_TIMEOUT = 60
# A second loopback address: a client there is neither the proxy nor a trusted peer.
VISITOR_ADDRESS = "127.0.0.2"
CSRF_FIELD = "csrfmiddlewaretoken"
USERNAME = "ada"

WHERE_VIEW = """

import os

from core.http import JsonResponse
from core.views import View


class Where(View):
    \"\"\"What the application saw of the request, and which process answered.\"\"\"

    def get(self, request):
        user = request.user
        return JsonResponse(
            {
                "remote_addr": request.remote_addr,
                "scheme": request.scheme,
                "host": request.host,
                "url": request.url,
                "user": user.username if user.is_authenticated else None,
                "pid": os.getpid(),
            }
        )
"""
WHERE_URL = """
    path("where/", views.Where.as_view(), name="where"),
]"""
# Behind the proxy the site also checks X-Forwarded-Host (nginx sets it); from the
# environment: STOA_TRUSTED_PROXIES (the generated settings read it).
EXTRA_SETTINGS = """
USE_X_FORWARDED_HOST = True
"""


@dataclass(frozen=True)
class Project:
    """The deployed project: its directory and the environment its servers run with."""

    root: Path
    env: dict[str, str]
    password: str

    def manage(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """Run `python manage.py ARGS` (DEBUG off, as on a server); return its stdout."""
        result = run(
            [sys.executable, "manage.py", *args],
            self.root,
            timeout=COMMAND_TIMEOUT,
            env={**self.env, **(env or {})},
            stdin="",
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr}"
        return result.stdout

    def deployconfig(self, *args: str) -> str:
        """Return the config `manage.py deployconfig ARGS` prints."""
        return self.manage("deployconfig", *args)

    @property
    def static_files(self) -> dict[str, str]:
        """collectstatic's manifest: original name -> hashed name."""
        manifest = json.loads((self.root / "staticfiles" / "staticfiles.json").read_text())
        paths: dict[str, str] = manifest["paths"]
        return paths


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The generated project, migrated, with a user and its static files collected."""
    directory = tmp_path_factory.mktemp("deploy")
    root = start_project(directory, PROJECT_NAME)
    with (root / PROJECT_NAME / "views.py").open("a", encoding="utf-8") as views:
        views.write(WHERE_VIEW)
    replace_in_file(root / PROJECT_NAME / "urls.py", "\n]", WHERE_URL)
    with (root / PROJECT_NAME / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write(EXTRA_SETTINGS)
    backend = "postgresql" if postgres_url() else "sqlite"
    with database_for(backend, root) as url:
        env = clean_env(
            DATABASE_URL=url,
            STOA_DEBUG="0",
            STOA_SECRET_KEY=secrets.token_urlsafe(50),
            STOA_ALLOWED_HOSTS="localhost,127.0.0.1",
            STOA_TRUSTED_PROXIES="127.0.0.1",
        )
        deployed = Project(root, env, secrets.token_urlsafe(16))
        deployed.manage("migrate")
        deployed.manage(
            "createsuperuser",
            "--noinput",
            env={
                "STOA_SUPERUSER_USERNAME": USERNAME,
                "STOA_SUPERUSER_EMAIL": f"{USERNAME}@example.com",
                "STOA_SUPERUSER_PASSWORD": deployed.password,
            },
        )
        deployed.manage("collectstatic", "--noinput")
        yield deployed


# --- servers


@dataclass
class Server:
    """A running server process and its log."""

    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def wait_until_listening(server: Server, port: int, what: str) -> None:
    """Wait for `port` to accept connections; fail at once if the server died."""

    def probe() -> bool | None:
        if server.process.poll() is not None:
            raise AssertionError(
                f"{what} exited with {server.process.returncode}:\n{log_tail(server.log)}"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return True
        return None

    wait_for(probe, bool, START_TIMEOUT, f"{what} on 127.0.0.1:{port}")


@contextlib.contextmanager
def serving(
    args: list[str], cwd: Path, log: Path, env: Mapping[str, str], port: int, what: str
) -> Iterator[Server]:
    """Run a server until it listens on `port`; stop it (and its children) afterwards."""
    server = Server(start_server(args, cwd, log, env), log)
    try:
        wait_until_listening(server, port, what)
        yield server
    finally:
        stop_server(server.process)


def nginx_binary() -> str:
    """The nginx executable, or skip the test with the way to get one."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).is_file()), None
    )
    if found is None:
        pytest.skip(
            "nginx is not installed (Debian: apt-get install nginx; .ci/run installs it "
            "when run as root)"
        )
    return found


def uwsgi_binary() -> str:
    """The uwsgi executable of this environment, or skip with the way to get one."""
    found = Path(sys.executable).parent / "uwsgi"
    if not found.is_file():
        pytest.skip(
            "uWSGI is not installed in this environment: pip install 'stoa[uwsgi]' "
            "(it compiles from source, with gcc and the Python headers)"
        )
    return str(found)


def nginx_conf_dir(nginx: str) -> Path:
    """The directory of the system's nginx.conf, where mime.types is."""
    result = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=10, check=False)
    match = re.search(r"--conf-path=(\S+)", result.stderr + result.stdout)
    return Path(match.group(1)).parent if match else Path("/etc/nginx")


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log info;
events {{
    worker_connections 128;
}}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include site.conf;
}}
"""


def nginx_command(site: str, directory: Path) -> list[str]:
    """Lay out a private nginx prefix in `directory` around `site`; return nginx's command."""
    nginx = nginx_binary()
    system_conf = nginx_conf_dir(nginx)
    mime_types = system_conf / "mime.types"
    if not mime_types.is_file():
        pytest.skip(f"nginx's mime.types is not in {system_conf}")
    (directory / "logs").mkdir()
    (directory / "temp").mkdir()
    (directory / "site.conf").write_text(site)
    # As root, nginx's workers would run as nobody, who cannot read the temporary project.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        NGINX_CONF.format(prefix=directory, user=user, mime_types=mime_types)
    )
    return [
        nginx,
        "-p",
        f"{directory}/",
        "-c",
        str(directory / "nginx.conf"),
        "-e",
        str(directory / "logs" / "error.log"),
    ]


@contextlib.contextmanager
def running_nginx(site: str, directory: Path, ports: list[int]) -> Iterator[Server]:
    """Run nginx with `site` (a generated site config) under a private prefix."""
    args = nginx_command(site, directory)
    log = directory / "nginx.log"
    with serving(args, directory, log, clean_env(), ports[0], "nginx") as server:
        for port in ports[1:]:
            wait_until_listening(server, port, "nginx")
        yield server


# --- a small browser: cookies, a chosen source address, TLS with the test's certificate


@dataclass(frozen=True)
class Reply:
    """One response."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """An HTTP(S) client for one port of 127.0.0.1 that keeps cookies, never redirects."""

    port: int
    host: str = "localhost"
    source: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        connection: http.client.HTTPConnection
        if self.tls is not None:
            connection = http.client.HTTPSConnection(
                "127.0.0.1",
                self.port,
                timeout=REQUEST_TIMEOUT,
                source_address=(self.source, 0),
                context=self.tls,
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT, source_address=(self.source, 0)
            )
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: Mapping[str, str], **headers: str) -> Reply:
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )

    def where(self, **headers: str) -> dict[str, Any]:
        reply = self.get("/where/", **headers)
        assert reply.status == 200, reply
        data: dict[str, Any] = reply.json()
        return data

    def log_in(self, password: str) -> Reply:
        """Fill in and send the login form, CSRF token included, as a browser would."""
        page = self.get("/accounts/login/")
        assert page.status == 200, page
        match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
        assert match, f"no CSRF token in the login page:\n{page.text[:2000]}"
        form = {"username": USERNAME, "password": password, CSRF_FIELD: match.group(1)}
        return self.post("/accounts/login/", form, Origin=self.origin, Referer=self.origin + "/")


def unseen_by(servers: list[Server], marker: str, browser: Browser) -> bool:
    """Say whether no server logged `marker`, once each has logged a later request.

    Requests are sent until every server has logged one sent after `marker`, so a log
    without `marker` is complete, not late.
    """
    later = f"after-{secrets.token_hex(4)}"

    def probe() -> bool | None:
        assert browser.get(f"/where/?{later}").status == 200
        return all(later in server.log_text() for server in servers) or None

    wait_for(probe, bool, START_TIMEOUT, f"each server to log {later}")
    return not any(marker in server.log_text() for server in servers)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """Make a certificate for localhost and 127.0.0.1 with openssl, or skip."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: the https tests need it to make a certificate")
    certificate, key = directory / "localhost.pem", directory / "localhost-key.pem"
    result = run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        directory,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    return certificate, key
