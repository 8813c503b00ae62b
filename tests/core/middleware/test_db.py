"""core.middleware.db: one lazy session per request, committed or rolled back, always closed.

The site tests build their own WSGIHandler on a database of their own, so commits and
rollbacks are real. The last tests use the plugin's `db` and `client` fixtures, which
share one session with the views and roll it back after each test.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session
from webob import Request as WebObRequest

from core.exceptions import ImproperlyConfigured
from core.handlers import WSGIHandler
from core.http import HTTPFound, HTTPNotFound, Request, Response
from core.middleware.db import SCOPE_KEY
from core.testing import Client
from core.urls import path
from orm import atomic, get_engine, on_commit
from orm.session import IMMEDIATE_OPTION, SessionScope, databases
from tests.dbfixtures import (
    DATABASE_MIDDLEWARE,
    DriverStatements,
    count_rows,
    hold_write_lock_from_elsewhere,
    isolate_orm,
)
from tests.orm.models import OrmAuthor

# What views did that a test checks afterwards (reset by the `events` fixture).
EVENTS: list[str] = []


class Boom(Exception):
    pass


def add_author(request: Request, name: str) -> None:
    request.db.add(OrmAuthor(name=name))
    request.db.flush()


def untouched(request: Request) -> Response:
    return Response(f"checked out: {get_engine().pool.checkedout()}")


def authors(request: Request) -> Response:
    names = request.db.scalars(select(OrmAuthor.name).order_by(OrmAuthor.name)).all()
    return Response(",".join(names))


def add(request: Request) -> Response:
    add_author(request, request.params.get("name", "Ada"))
    if request.params.get("fail"):
        raise Boom("view failed after writing")
    return Response("saved", status=int(request.params.get("status", "201")))


def add_then_not_found(request: Request) -> Response:
    add_author(request, "Ada")
    raise HTTPNotFound()


def add_then_redirect(request: Request) -> Response:
    add_author(request, "Ada")
    return Response(status=302, location="/authors/")


def stream(request: Request) -> Response:
    add_author(request, "Ada")

    def body() -> Iterator[bytes]:
        try:
            yield b"one,"
            yield b"two,"
            yield b"three"
        finally:
            EVENTS.append("body closed")

    return Response(app_iter=body(), content_type="text/plain")


def immediate(request: Request) -> Response:
    options = request.db.connection().get_execution_options()
    return Response(str(options.get(IMMEDIATE_OPTION, False)))


def duplicate(request: Request) -> Response:
    add_author(request, "Grace")
    add_author(request, request.params.get("name", "Ada"))
    return Response("saved", status=201)


def savepoints(request: Request) -> Response:
    with atomic():
        add_author(request, "kept")
    try:
        with atomic():
            add_author(request, "undone")
            raise Boom
    except Boom:
        pass
    return Response("done", status=int(request.params.get("status", "200")))


def callbacks(request: Request) -> Response:
    add_author(request, "Ada")
    on_commit(lambda: EVENTS.append("committed"))
    if request.params.get("fail"):
        raise Boom
    return Response("done")


def select_one(request: Request) -> Response:
    return Response(str(request.db.execute(text("SELECT 1")).scalar()))


def redirect_after_reading(request: Request) -> Any:
    request.db.execute(select(OrmAuthor)).all()
    return HTTPFound(location="/authors/")


urlpatterns = [
    path("redirect-after-reading/", redirect_after_reading),
    path("untouched/", untouched),
    path("authors/", authors),
    path("add/", add),
    path("add-then-404/", add_then_not_found),
    path("add-then-redirect/", add_then_redirect),
    path("stream/", stream),
    path("immediate/", immediate),
    path("duplicate/", duplicate),
    path("savepoints/", savepoints),
    path("on-commit/", callbacks),
    path("select-one/", select_one),
]


@pytest.fixture
def events() -> Iterator[list[str]]:
    EVENTS.clear()
    try:
        yield EVENTS
    finally:
        EVENTS.clear()


@pytest.fixture
def site(site_settings: Any) -> WSGIHandler:
    """This module's views behind DatabaseMiddleware, on the test database."""
    site_settings.ROOT_URLCONF = __name__
    return WSGIHandler()


@pytest.fixture
def site_client(site: WSGIHandler) -> Client:
    return Client(site)


@pytest.fixture
def site_engine(site: WSGIHandler) -> Engine:
    """The engine the site's requests use."""
    return get_engine()


def start(app: WSGIHandler, method: str, url: str) -> tuple[dict[str, Any], str, Iterable[bytes]]:
    """Call the application as a server would; return the environ, status and body iterable."""
    environ = WebObRequest.blank(url, method=method, environ={"HTTP_HOST": "localhost"}).environ
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    body = app(environ, start_response)
    return environ, statuses[0], body


def scope_of(environ: dict[str, Any]) -> SessionScope:
    scope: SessionScope = environ[SCOPE_KEY]
    return scope


def assert_connection_returned(engine: Engine, backend: str) -> None:
    """The request's transaction is over and its connection back where it belongs."""
    if backend == "sqlite":
        # Kept by the thread for its next request, idle: other writers are not blocked.
        assert engine.pool.checkedout() <= 1
        assert hold_write_lock_from_elsewhere(engine)
    else:
        assert engine.pool.checkedout() == 0


# Laziness


def test_a_view_that_never_uses_the_database_checks_out_nothing(
    site_client: Client, site_engine: Engine
) -> None:
    checkouts: list[Any] = []
    event.listen(site_engine, "checkout", lambda *args: checkouts.append(args))

    response = site_client.get("/untouched/")

    assert response.status_code == 200
    assert response.text == "checked out: 0"
    assert checkouts == []
    assert site_engine.pool.checkedout() == 0


def test_a_request_that_used_the_database_leaves_no_transaction_open(
    site_client: Client, site_engine: Engine, backend: str
) -> None:
    response = site_client.post("/add/", data={"name": "Ada"})

    assert response.status_code == 201
    if backend == "sqlite":
        # The thread keeps its SQLite connection, idle: another writer is not blocked.
        assert site_engine.pool.checkedout() == 1
        assert hold_write_lock_from_elsewhere(site_engine)
    else:
        # A server's connection goes back to the pool (and is pinged when taken out).
        assert site_engine.pool.checkedout() == 0


def test_requests_of_a_thread_reuse_its_session_and_sqlite_connection(
    site_client: Client, site_engine: Engine, backend: str
) -> None:
    checkouts: list[Any] = []
    event.listen(site_engine, "checkout", lambda *args: checkouts.append(args))

    for _ in range(5):
        assert site_client.get("/authors/").status_code == 200

    assert len(checkouts) == (1 if backend == "sqlite" else 5)


def test_a_request_inside_a_request_gets_a_session_of_its_own(site: WSGIHandler) -> None:
    sessions = databases().request_sessions()
    outer = sessions.acquire(immediate=False)
    try:
        inner = sessions.acquire(immediate=True)
        assert inner is not outer
        inner.execute(select(OrmAuthor)).all()
        sessions.release(inner)
        assert sessions.acquire(immediate=False) is not outer  # still busy
    finally:
        sessions.release(outer)
    assert sessions.acquire(immediate=False) is outer


# Commit and rollback


def test_a_2xx_response_commits(site_client: Client, engine: Engine) -> None:
    response = site_client.post("/add/", data={"name": "Ada"})

    assert response.status_code == 201
    assert count_rows(engine, "orm_author") == 1


def test_a_3xx_response_commits(site_client: Client, engine: Engine) -> None:
    response = site_client.post("/add-then-redirect/")

    assert response.status_code == 302
    assert count_rows(engine, "orm_author") == 1


def test_a_get_that_writes_and_answers_2xx_commits(site_client: Client, engine: Engine) -> None:
    response = site_client.get("/add/", {"name": "Ada"})

    assert response.status_code == 201
    assert count_rows(engine, "orm_author") == 1


def test_the_committed_rows_are_seen_by_the_next_request(site_client: Client) -> None:
    site_client.post("/add/", data={"name": "Ada"})

    response = site_client.get("/authors/")

    assert response.status_code == 200
    assert response.text == "Ada"


def test_an_exception_answers_500_and_rolls_back(site_client: Client, engine: Engine) -> None:
    response = site_client.post("/add/", data={"name": "Ada", "fail": "1"})

    assert response.status_code == 500
    assert "view failed" not in response.text
    assert count_rows(engine, "orm_author") == 0


def test_a_4xx_response_rolls_back(site_client: Client, engine: Engine) -> None:
    response = site_client.post("/add/", data={"name": "Ada", "status": "400"})

    assert response.status_code == 400
    assert count_rows(engine, "orm_author") == 0


def test_a_raised_http_error_rolls_back(site_client: Client, engine: Engine) -> None:
    response = site_client.post("/add-then-404/")

    assert response.status_code == 404
    assert count_rows(engine, "orm_author") == 0


def test_an_integrity_error_is_a_500_that_leaks_nothing(
    site_client: Client, engine: Engine
) -> None:
    site_client.post("/add/", data={"name": "Ada"})

    response = site_client.post("/duplicate/", data={"name": "Ada"})

    assert response.status_code == 500
    for secret in (
        "INSERT",
        "orm_author",
        "UNIQUE",
        "unique",
        "duplicate",
        "Integrity",
        "Traceback",
    ):
        assert secret not in response.text


def test_an_integrity_error_leaves_nothing_half_written(
    site_client: Client, engine: Engine
) -> None:
    site_client.post("/add/", data={"name": "Ada"})

    site_client.post("/duplicate/", data={"name": "Ada"})

    with Session(engine) as session:
        assert session.scalars(select(OrmAuthor.name)).all() == ["Ada"]  # no "Grace"


def test_an_integrity_error_is_logged_with_its_traceback(
    site_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    site_client.post("/add/", data={"name": "Ada"})

    with caplog.at_level(logging.ERROR):
        site_client.post("/duplicate/", data={"name": "Ada"})

    assert any(
        record.exc_info and "IntegrityError" in repr(record.exc_info[1])
        for record in caplog.records
    )


def test_the_site_serves_on_after_an_integrity_error(site_client: Client) -> None:
    site_client.post("/add/", data={"name": "Ada"})
    site_client.post("/duplicate/", data={"name": "Ada"})

    response = site_client.post("/add/", data={"name": "Grace"})

    assert response.status_code == 201
    assert site_client.get("/authors/").text == "Ada,Grace"


# Reader and writer sessions


def test_a_get_uses_a_reader_session(site_client: Client) -> None:
    response = site_client.get("/immediate/")

    assert response.status_code == 200
    assert response.text == "False"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_an_unsafe_method_uses_a_writer_session(site_client: Client, method: str) -> None:
    response = site_client.request(method, "/immediate/")

    assert response.status_code == 200
    assert response.text == "True"


def test_on_sqlite_a_post_begins_immediate(
    site_client: Client, site_engine: Engine, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    recorder = DriverStatements(site_engine)
    try:
        response = site_client.post("/add/", data={"name": "Ada"})
    finally:
        recorder.detach()

    assert response.status_code == 201
    assert recorder.starting("BEGIN") == ["BEGIN IMMEDIATE"]


# Closing


def test_the_session_stays_open_until_the_body_is_closed(
    site: WSGIHandler, events: list[str]
) -> None:
    environ, status, body = start(site, "GET", "/stream/")
    chunks = list(body)

    assert status.startswith("200")
    assert chunks == [b"one,", b"two,", b"three"]
    assert scope_of(environ).active
    body.close()  # type: ignore[attr-defined]
    assert not scope_of(environ).active


def test_closing_the_body_early_closes_the_session(
    site: WSGIHandler, site_engine: Engine, backend: str, events: list[str]
) -> None:
    environ, status, body = start(site, "GET", "/stream/")
    first = next(iter(body))

    body.close()  # type: ignore[attr-defined]

    assert status.startswith("200")
    assert first == b"one,"
    assert not scope_of(environ).active
    assert events == ["body closed"]
    assert_connection_returned(site_engine, backend)


def test_a_head_request_closes_the_session(
    site: WSGIHandler, site_engine: Engine, backend: str
) -> None:
    environ, status, body = start(site, "HEAD", "/authors/")

    assert list(body) == []
    body.close()  # type: ignore[attr-defined]

    assert status.startswith("200")
    assert not scope_of(environ).active
    assert_connection_returned(site_engine, backend)


def test_an_error_response_closes_the_session(
    site: WSGIHandler, site_engine: Engine, backend: str
) -> None:
    environ, status, body = start(site, "POST", "/add/?fail=1")
    list(body)
    body.close()  # type: ignore[attr-defined]

    assert status.startswith("500")
    assert not scope_of(environ).active
    assert_connection_returned(site_engine, backend)


# atomic() and on_commit() in a request


def test_atomic_in_a_request_is_a_savepoint_rolled_back_alone(
    site_client: Client, engine: Engine
) -> None:
    response = site_client.post("/savepoints/")

    assert response.status_code == 200
    with Session(engine) as session:
        assert session.scalars(select(OrmAuthor.name)).all() == ["kept"]


def test_atomic_in_a_request_does_not_commit_on_its_own(
    site_client: Client, engine: Engine
) -> None:
    response = site_client.post("/savepoints/", data={"status": "400"})

    assert response.status_code == 400
    assert count_rows(engine, "orm_author") == 0


def test_on_commit_in_a_request_runs_after_the_commit(
    site_client: Client, events: list[str]
) -> None:
    response = site_client.post("/on-commit/")

    assert response.status_code == 200
    assert events == ["committed"]


def test_on_commit_in_a_failed_request_never_runs(site_client: Client, events: list[str]) -> None:
    response = site_client.post("/on-commit/", data={"fail": "1"})

    assert response.status_code == 500
    assert events == []


# Misconfiguration and outages


def test_request_db_without_the_middleware_says_what_to_add() -> None:
    request = Request.blank("/")

    with pytest.raises(
        ImproperlyConfigured, match=r"'core\.middleware\.db\.DatabaseMiddleware' in MIDDLEWARE"
    ):
        request.db  # noqa: B018


def test_a_bad_database_url_stops_the_start(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_orm(monkeypatch)
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [DATABASE_MIDDLEWARE]
    settings.DATABASES = {"default": "mysql+mysqldb://user@localhost/site"}

    with pytest.raises(ImproperlyConfigured, match="pip install mysqlclient"):
        WSGIHandler()


UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-stoa-directory/db.sqlite3",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=5",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def unreachable_client(
    request: pytest.FixtureRequest, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """A site whose database cannot be reached (no server needed to test this)."""
    isolate_orm(monkeypatch)
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [DATABASE_MIDDLEWARE]
    settings.DATABASES = {"default": UNREACHABLE[request.param]}
    try:
        yield Client(WSGIHandler())
    finally:
        get_engine().dispose()


def test_an_unreachable_database_answers_503_with_retry_after(
    unreachable_client: Client,
) -> None:
    response = unreachable_client.get("/select-one/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_an_unreachable_database_leaks_nothing(unreachable_client: Client) -> None:
    response = unreachable_client.get("/select-one/")

    assert response.status_code == 503
    for secret in (
        "SELECT",
        "nonexistent",
        "127.0.0.1",
        "sqlite",
        "psycopg",
        "Operational",
        "Traceback",
    ):
        assert secret not in response.text


def test_a_view_without_the_database_works_while_it_is_down(
    unreachable_client: Client,
) -> None:
    response = unreachable_client.get("/untouched/")

    assert response.status_code == 200


# The plugin's `db` fixture: one session shared with the views, rolled back after each test


@pytest.fixture
def shared_site(settings: Any) -> Any:
    """Route this module's views through DatabaseMiddleware on the plugin's test database.

    Requested before `client` so that the plugin's app is built with these settings.
    """
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [DATABASE_MIDDLEWARE]
    return settings


def test_data_added_with_db_is_seen_by_a_view(
    shared_site: Any, db: Session, client: Client
) -> None:
    db.add(OrmAuthor(name="only in this test"))
    db.flush()

    response = client.get("/authors/")

    assert response.status_code == 200
    assert response.text == "only in this test"


def test_data_of_the_previous_test_is_gone(shared_site: Any, db: Session, client: Client) -> None:
    response = client.get("/authors/")

    assert response.status_code == 200
    assert response.text == ""
    assert db.scalar(select(func.count()).select_from(OrmAuthor)) == 0


def test_data_written_by_a_view_is_seen_through_db(
    shared_site: Any, db: Session, client: Client
) -> None:
    response = client.post("/add/", data={"name": "from a view"})

    assert response.status_code == 201
    assert db.scalars(select(OrmAuthor.name)).all() == ["from a view"]


def test_a_failed_view_under_db_is_rolled_back_alone(
    shared_site: Any, db: Session, client: Client
) -> None:
    db.add(OrmAuthor(name="kept"))
    db.flush()

    response = client.post("/add/", data={"name": "undone", "fail": "1"})

    assert response.status_code == 500
    assert db.scalars(select(OrmAuthor.name)).all() == ["kept"]


def test_an_integrity_error_in_a_view_leaves_db_usable(
    shared_site: Any, db: Session, client: Client
) -> None:
    db.add(OrmAuthor(name="Ada"))
    db.flush()

    response = client.post("/duplicate/", data={"name": "Ada"})

    assert response.status_code == 500
    assert db.scalars(select(OrmAuthor.name)).all() == ["Ada"]


def test_a_body_the_server_never_gets_to_close_costs_the_thread_nothing(
    site: WSGIHandler, site_engine: Engine, backend: str
) -> None:
    # WebOb answers HEAD for its HTTP exceptions with a body of its own, so ours (which
    # closes the session) is dropped unclosed. The next requests must still keep one
    # session between them, and no transaction may stay open.
    _, status, body = start(site, "HEAD", "/redirect-after-reading/")
    list(body)
    getattr(body, "close", lambda: None)()
    assert status.startswith("302")

    sessions = databases().request_sessions()
    used = []
    for _ in range(3):
        session = sessions.acquire(immediate=False)
        used.append(session)
        sessions.finished(session)
        sessions.release(session)

    assert used[0] is used[1] is used[2]
    if backend == "sqlite":
        assert hold_write_lock_from_elsewhere(site_engine)
