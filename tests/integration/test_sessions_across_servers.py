"""Sessions shared by two separate gunicorn servers (two workers each) of one project.

A visitor logs in on server A and is recognised by server B (and by both of B's workers);
logging out on B ends the session on A too, and a changed password makes every session of
the user anonymous. One deployment per session engine:

- "db": sessions in the `stoa_session` table of a PostgreSQL database both servers use,
- "redis": sessions in the local Redis, users in PostgreSQL,
- "signed_cookies" (the default): the session is in the cookie, users in a SQLite file.

PostgreSQL comes from TEST_DATABASE_URL (a database is created per deployment and dropped
afterwards); without it, the "db" and "redis" cases are skipped.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import (
    clean_env,
    free_port,
    http_request,
    log_tail,
    replace_in_file,
    run,
    running_server,
    start_project,
    wait_for_status,
)
from tests.integration.db.conftest import TEST_DATABASE_VARIABLE, fresh_postgres_database

pytestmark = pytest.mark.slow

PROJECT_NAME = "mysite"
COMMAND_TIMEOUT = 120
START_TIMEOUT = 30
REQUEST_TIMEOUT = 10
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
SESSION_COOKIE = "sessionid"
CSRF_FIELD = "csrfmiddlewaretoken"
ENGINES = ["db", "redis", "signed_cookies"]

# A view that says who the request's user is, and which worker answered. `?sleep=` keeps
# the worker busy a little, so that concurrent requests reach different workers.
WHOAMI_VIEW = """

import os
import time

from core.http import Response
from core.views import View


class WhoAmI(View):
    def get(self, request):
        time.sleep(min(float(request.GET.get("sleep") or 0), 1.0))
        user = request.user
        name = user.username if user.is_authenticated else "anonymous"
        return Response(f"{name} pid={os.getpid()}", content_type="text/plain")
"""
WHOAMI_URL = """
    path("whoami/", views.WhoAmI.as_view(), name="whoami"),
]"""

ENGINE_SETTINGS = {
    "db": """
SESSION_ENGINE = "core.sessions.backends.db"
INSTALLED_APPS = ["core.sessions", *INSTALLED_APPS]
""",
    "redis": f"""
SESSION_ENGINE = "core.sessions.backends.redis"
SESSION_REDIS_URL = "redis://{REDIS_HOST}:{REDIS_PORT}/0"
# Sessions a test leaves behind expire soon.
SESSION_COOKIE_AGE = 600
""",
    "signed_cookies": """
SESSION_ENGINE = "core.sessions.backends.signed_cookies"
""",
}


def redis_reachable() -> bool:
    """Say whether the local Redis answers a PING within a second."""
    try:
        from redis import Redis
    except ImportError:
        return False
    client = Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=1, socket_connect_timeout=1)
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means "not usable here"
        return False
    finally:
        client.close()


def postgres_available() -> bool:
    return os.environ.get(TEST_DATABASE_VARIABLE, "").startswith("postgresql")


# --- a small browser: keeps cookies (for every port of 127.0.0.1), never follows redirects


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass(frozen=True)
class Page:
    status: int
    text: str
    location: str | None


class Browser:
    """An HTTP client with a cookie jar, talking to 127.0.0.1 only."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        # No proxy from the environment: the traffic must stay on 127.0.0.1.
        self.opener.handlers = [
            h for h in self.opener.handlers if not isinstance(h, urllib.request.ProxyHandler)
        ]

    def request(self, port: int, path: str, data: dict[str, str] | None = None) -> Page:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body)
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                return Page(response.status, response.read().decode("utf-8", "replace"), None)
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                text = error.read().decode("utf-8", "replace")
                return Page(error.code, text, error.headers.get("Location"))

    def get(self, port: int, path: str) -> Page:
        return self.request(port, path)

    def post(self, port: int, path: str, data: dict[str, str]) -> Page:
        return self.request(port, path, data)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def csrf_token(self, port: int) -> str:
        """Render the login page on `port` and return the form's CSRF token."""
        page = self.get(port, "/accounts/login/")
        assert page.status == 200, page
        match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', page.text)
        assert match, f"no CSRF token in the login page:\n{page.text[:2000]}"
        return match.group(1)

    def log_in(self, port: int, username: str, password: str) -> None:
        token = self.csrf_token(port)
        page = self.post(
            port,
            "/accounts/login/",
            {"username": username, "password": password, CSRF_FIELD: token},
        )
        assert page.status == 302, f"login on {port} was not accepted: {page}"
        assert self.cookie(SESSION_COOKIE), "login set no session cookie"

    def log_out(self, port: int) -> None:
        token = self.csrf_token(port)
        page = self.post(port, "/accounts/logout/", {CSRF_FIELD: token})
        assert page.status in (200, 302), f"logout on {port} failed: {page}"

    def whoami(self, port: int) -> str:
        page = self.get(port, "/whoami/")
        assert page.status == 200, page
        return page.text.split(" pid=")[0]


def whoami_with_cookie(port: int, session_cookie: str) -> str:
    """Ask `port` who a request carrying only this session cookie is (a replayed copy)."""
    response = http_request(
        port,
        "/whoami/",
        headers={"Cookie": f"{SESSION_COOKIE}={session_cookie}"},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status == 200, response
    return response.text.split(" pid=")[0]


def whoami_on_every_worker(browser: Browser, port: int, rounds: int = 10) -> dict[int, str]:
    """Send pairs of concurrent, slow requests until two workers answered; {pid: user}."""
    seen: dict[int, str] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(rounds):
            pages = list(pool.map(lambda _: browser.get(port, "/whoami/?sleep=0.3"), range(2)))
            for page in pages:
                assert page.status == 200, page
                name, _, pid = page.text.partition(" pid=")
                seen[int(pid)] = name
            if len(seen) >= 2:
                break
    return seen


# --- the deployment: one project, one database, two servers


@dataclass(frozen=True)
class Deployment:
    engine: str
    root: Path
    server_a: int
    server_b: int
    logs: tuple[Path, Path]
    env: dict[str, str]
    users: dict[str, str]  # username -> password

    def manage(self, *args: str, stdin: str = "") -> None:
        result = run(
            [sys.executable, "manage.py", *args],
            self.root,
            timeout=COMMAND_TIMEOUT,
            env=self.env,
            stdin=stdin,
        )
        assert result.returncode == 0, (
            f"manage.py {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n"
            f"{result.stderr}"
        )

    def logs_tail(self) -> str:
        return "\n".join(f"--- {log.name}\n{log_tail(log)}" for log in self.logs)


@contextlib.contextmanager
def database(engine: str, directory: Path) -> Iterator[str]:
    if engine == "signed_cookies":
        yield f"sqlite:///{directory / 'shared.sqlite3'}"
    else:
        with fresh_postgres_database() as url:
            yield url


@contextlib.contextmanager
def gunicorn(root: Path, log: Path, env: dict[str, str]) -> Iterator[int]:
    """Run `gunicorn --workers 2` on a free port of 127.0.0.1 until it answers."""
    port = free_port()
    # Its own HOME: gunicorn's control socket lives there, one per server.
    home = log.parent / f"home-{port}"
    home.mkdir()
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "30",
        f"{PROJECT_NAME}.wsgi:application",
    ]
    with running_server(args, root, log, {**env, "HOME": str(home)}) as process:
        try:
            wait_for_status(port, 200, START_TIMEOUT, path="/whoami/")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{log_tail(log)}") from None
        assert process.poll() is None, log_tail(log)
        yield port


@pytest.fixture(scope="module", params=ENGINES)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    engine: str = request.param
    if engine in ("db", "redis") and not postgres_available():
        pytest.skip(
            f"the {engine!r} session case needs PostgreSQL shared by both servers: set "
            f"{TEST_DATABASE_VARIABLE}, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    if engine == "redis" and not redis_reachable():
        pytest.skip(
            f"the 'redis' session case needs the redis package and a Redis on "
            f"{REDIS_HOST}:{REDIS_PORT} answering PING"
        )

    directory = tmp_path_factory.mktemp(f"sessions-{engine}")
    root = start_project(directory, PROJECT_NAME)
    with (root / PROJECT_NAME / "settings.py").open("a", encoding="utf-8") as settings:
        settings.write(ENGINE_SETTINGS[engine])
    with (root / PROJECT_NAME / "views.py").open("a", encoding="utf-8") as views:
        views.write(WHOAMI_VIEW)
    replace_in_file(root / PROJECT_NAME / "urls.py", "\n]", WHOAMI_URL)

    with database(engine, directory) as url:
        env = clean_env(
            DATABASE_URL=url,
            STOA_SECRET_KEY=secrets.token_urlsafe(50),
            STOA_ALLOWED_HOSTS="127.0.0.1,localhost",
        )
        users = {
            "ada": f"ada-{secrets.token_urlsafe(12)}",
            "bob": f"bob-{secrets.token_urlsafe(12)}",
        }
        deployed = Deployment(engine, root, 0, 0, (), env, users)
        if engine == "db":
            deployed.manage("makemigrations", "-m", "sessions")
        deployed.manage("migrate")
        for username, password in users.items():
            user_env = {
                "STOA_SUPERUSER_USERNAME": username,
                "STOA_SUPERUSER_EMAIL": f"{username}@example.com",
                "STOA_SUPERUSER_PASSWORD": password,
            }
            result = run(
                [sys.executable, "manage.py", "createsuperuser", "--noinput"],
                root,
                timeout=COMMAND_TIMEOUT,
                env={**env, **user_env},
                stdin="",
            )
            assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"

        logs = (directory / "gunicorn-a.log", directory / "gunicorn-b.log")
        with gunicorn(root, logs[0], env) as port_a, gunicorn(root, logs[1], env) as port_b:
            yield Deployment(engine, root, port_a, port_b, logs, env, users)


def sessions_in_database(deployment: Deployment) -> int:
    """The number of rows in stoa_session (the db engine only)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(deployment.env["DATABASE_URL"], poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM stoa_session")).scalar_one())
    finally:
        engine.dispose()


# --- the tests


def test_login_on_one_server_is_recognised_by_the_other_and_logout_ends_it(
    deployment: Deployment,
) -> None:
    a, b = deployment.server_a, deployment.server_b
    browser = Browser()
    assert browser.whoami(a) == "anonymous"

    browser.log_in(a, "ada", deployment.users["ada"])
    session_cookie = browser.cookie(SESSION_COOKIE)
    assert session_cookie is not None

    assert browser.whoami(a) == "ada", deployment.logs_tail()
    assert browser.whoami(b) == "ada", deployment.logs_tail()
    # Both of B's workers (separate processes) know the session.
    workers = whoami_on_every_worker(browser, b)
    assert len(workers) == 2, f"only one worker of B answered: {workers}"
    assert set(workers.values()) == {"ada"}, workers
    # A bare copy of the cookie is enough (checked here, so that the replay below means
    # something).
    assert whoami_with_cookie(a, session_cookie) == "ada"
    if deployment.engine == "db":
        assert sessions_in_database(deployment) >= 1

    browser.log_out(b)

    # The browser dropped (or replaced) its cookie: anonymous on both servers.
    assert browser.whoami(a) == "anonymous"
    assert browser.whoami(b) == "anonymous"
    # A copy of the cookie taken before logout is worthless: the session ended on the
    # server, for A as well as for B (with signed cookies, through the user's row).
    assert whoami_with_cookie(a, session_cookie) == "anonymous"
    assert whoami_with_cookie(b, session_cookie) == "anonymous"
    if deployment.engine == "db":
        assert sessions_in_database(deployment) == 0

    # Logging in again (on B this time) works and is seen by A.
    browser.log_in(b, "ada", deployment.users["ada"])
    assert browser.whoami(a) == "ada"
    browser.log_out(a)
    assert browser.whoami(b) == "anonymous"


def test_changed_password_makes_other_sessions_anonymous(deployment: Deployment) -> None:
    a, b = deployment.server_a, deployment.server_b
    old_password = deployment.users["bob"]
    on_a, on_b = Browser(), Browser()
    on_a.log_in(a, "bob", old_password)
    on_b.log_in(b, "bob", old_password)
    for browser in (on_a, on_b):
        assert browser.whoami(a) == "bob"
        assert browser.whoami(b) == "bob"

    new_password = f"bob-new-{secrets.token_urlsafe(12)}"
    deployment.manage("changepassword", "bob", stdin=f"{new_password}\n{new_password}\n")

    for browser in (on_a, on_b):
        assert browser.whoami(a) == "anonymous", deployment.logs_tail()
        assert browser.whoami(b) == "anonymous", deployment.logs_tail()

    # The old password is refused, the new one works on either server.
    fresh = Browser()
    token = fresh.csrf_token(a)
    refused = fresh.post(
        a, "/accounts/login/", {"username": "bob", "password": old_password, CSRF_FIELD: token}
    )
    assert refused.status == 200  # the form again, with an error
    assert fresh.whoami(a) == "anonymous"
    fresh.log_in(a, "bob", new_password)
    assert fresh.whoami(b) == "bob"
