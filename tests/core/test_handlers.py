"""The WSGI handler: middleware chain, exceptions as responses, APPEND_SLASH, wrapping."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from webob import Request as WebObRequest

from core.exceptions import ImproperlyConfigured, MiddlewareNotUsed, PermissionDenied
from core.handlers import WSGIHandler
from core.http import HTTPNotFound, Request, Response
from core.testing import Client
from core.types import GetResponse, StartResponse, WSGIEnvironment
from core.urls import path, re_path
from core.views import View
from core.wsgi import get_wsgi_application

HERE = __name__


class Hello(View):
    def get(self, request: Request) -> Response:
        return Response("Hello, world")

    def post(self, request: Request) -> Response:
        return Response("posted")


def odd_path(request: Request) -> Response:
    return Response("odd")


urlpatterns = [
    path("hello/", Hello.as_view(), name="hello"),
    path("caf\u00e9/", Hello.as_view()),
    # Paths that start with a second slash or a backslash: what an attacker would aim at.
    re_path(r"^[/\\].*/$", odd_path),
]


# Middleware used through MIDDLEWARE = [f"{HERE}.name", ...].


def tag(name: str) -> Any:
    def factory(get_response: GetResponse) -> GetResponse:
        def middleware(request: Request) -> Response:
            response = get_response(request)
            response.headers.add("X-Seen-By", name)
            return response

        return middleware

    return factory


outer = tag("outer")
inner = tag("inner")


def raises_runtime_error(get_response: GetResponse) -> GetResponse:
    def middleware(request: Request) -> Response:
        raise RuntimeError("middleware failed")

    return middleware


def raises_permission_denied(get_response: GetResponse) -> GetResponse:
    def middleware(request: Request) -> Response:
        raise PermissionDenied("no")

    return middleware


def raises_after_the_view(get_response: GetResponse) -> GetResponse:
    def middleware(request: Request) -> Response:
        get_response(request)
        raise HTTPNotFound()

    return middleware


class DriverError(Exception):
    """What a database driver raises; SQLAlchemy wraps it."""


def raising(error: DBAPIError) -> Any:
    def factory(get_response: GetResponse) -> GetResponse:
        def middleware(request: Request) -> Response:
            raise error

        return middleware

    return factory


# A server that restarted under a request: SQLAlchemy marks the connection invalidated.
LOST = "server closed the connection unexpectedly"
lost_connection = raising(
    OperationalError("SELECT 1", {}, DriverError(LOST), connection_invalidated=True)
)
lost_interface = raising(
    InterfaceError(
        "SELECT 1", {}, DriverError("the connection is closed"), connection_invalidated=True
    )
)
failed_statement = raising(OperationalError("SELECT 1/0", {}, DriverError("division by zero")))


def short_circuit(get_response: GetResponse) -> GetResponse:
    def middleware(request: Request) -> Response:
        return Response("answered by middleware")

    return middleware


def not_used(get_response: GetResponse) -> GetResponse:
    raise MiddlewareNotUsed


def returns_none(get_response: GetResponse) -> None:
    return None


class ClassMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> Response:
        response = self.get_response(request)
        response.headers["X-Class"] = "yes"
        return response


class Uppercase:
    """A plain PEP 3333 middleware that rewrites the response body."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = WebObRequest(environ).get_response(self.app)
        response.body = response.body.upper()
        response.headers["X-Wrapped"] = "yes"
        return response(environ, start_response)


@pytest.fixture
def make(make_client: Any) -> Any:
    def build(*middleware: str, **overrides: Any) -> Client:
        return make_client(
            ROOT_URLCONF=HERE,
            MIDDLEWARE=[f"{HERE}.{name}" for name in middleware],
            **overrides,
        )

    return build


def test_get_wsgi_application_returns_the_handler() -> None:
    assert isinstance(get_wsgi_application(), WSGIHandler)


def test_middleware_wraps_the_view(make: Any) -> None:
    response = make("outer").get("/hello/")

    assert response.status_code == 200
    assert response.headers["X-Seen-By"] == "outer"


def test_middleware_runs_outermost_first(make: Any) -> None:
    response = make("outer", "inner").get("/hello/")

    assert response.status_code == 200
    assert response.headers.getall("X-Seen-By") == ["inner", "outer"]


def test_class_middleware_works(make: Any) -> None:
    response = make("ClassMiddleware").get("/hello/")

    assert response.status_code == 200
    assert response.headers["X-Class"] == "yes"


def test_middleware_can_answer_without_the_view(make: Any) -> None:
    response = make("outer", "short_circuit").get("/nowhere")

    assert response.status_code == 200
    assert response.text == "answered by middleware"


def test_exception_in_a_middleware_reaches_outer_middleware_as_a_500(make: Any) -> None:
    response = make("outer", "raises_runtime_error").get("/hello/")

    assert response.status_code == 500
    assert response.headers["X-Seen-By"] == "outer"


def test_exception_in_a_middleware_is_logged(make: Any, caplog: pytest.LogCaptureFixture) -> None:
    make("outer", "raises_runtime_error").get("/hello/")

    assert "Internal Server Error: GET /hello/" in caplog.text
    assert "middleware failed" in caplog.text


def test_permission_denied_in_a_middleware_reaches_outer_middleware_as_403(make: Any) -> None:
    response = make("outer", "raises_permission_denied").get("/hello/")

    assert response.status_code == 403
    assert response.headers["X-Seen-By"] == "outer"


def test_http_error_raised_after_the_view_is_a_response(make: Any) -> None:
    response = make("outer", "raises_after_the_view").get("/hello/")

    assert response.status_code == 404
    assert response.headers["X-Seen-By"] == "outer"


def test_view_exception_reaches_middleware_as_a_response(make: Any) -> None:
    response = make("outer").get("/nowhere")

    assert response.status_code == 404
    assert response.headers["X-Seen-By"] == "outer"


def test_middleware_not_used_is_left_out(make: Any) -> None:
    response = make("outer", "not_used").get("/hello/")

    assert response.status_code == 200
    assert response.text == "Hello, world"


def test_unimportable_middleware_module_names_the_setting(settings: Any) -> None:
    settings.MIDDLEWARE = [f"{HERE}_nope.Middleware"]

    with pytest.raises(ImproperlyConfigured, match="listed in MIDDLEWARE") as info:
        WSGIHandler()
    assert f"'{HERE}_nope'" in str(info.value)


def test_missing_middleware_attribute_names_the_setting(settings: Any) -> None:
    settings.MIDDLEWARE = [f"{HERE}.NoSuchMiddleware"]

    with pytest.raises(ImproperlyConfigured, match="listed in MIDDLEWARE") as info:
        WSGIHandler()
    assert "has no attribute 'NoSuchMiddleware'" in str(info.value)


def test_middleware_without_dots_names_the_setting(settings: Any) -> None:
    settings.MIDDLEWARE = ["Middleware"]

    with pytest.raises(ImproperlyConfigured, match="listed in MIDDLEWARE"):
        WSGIHandler()


def test_middleware_factory_returning_none_is_refused(settings: Any) -> None:
    settings.MIDDLEWARE = [f"{HERE}.returns_none"]

    with pytest.raises(ImproperlyConfigured, match="returns_none"):
        WSGIHandler()


def test_missing_root_urlconf_is_refused_at_start_up(settings: Any) -> None:
    settings.ROOT_URLCONF = ""

    with pytest.raises(ImproperlyConfigured, match="ROOT_URLCONF is not set"):
        WSGIHandler()


def test_plain_wsgi_middleware_can_rewrite_the_response(settings: Any) -> None:
    settings.ROOT_URLCONF = HERE
    client = Client(Uppercase(get_wsgi_application()))

    response = client.get("/hello/")

    assert response.status_code == 200
    assert response.text == "HELLO, WORLD"
    assert response.headers["X-Wrapped"] == "yes"


def test_append_slash_redirects_get(make: Any) -> None:
    response = make().get("/hello")

    assert response.status_code == 301
    assert response.headers["Location"] == "/hello/"


def test_append_slash_redirects_head(make: Any) -> None:
    response = make().head("/hello")

    assert response.status_code == 301
    assert response.headers["Location"] == "/hello/"


def test_append_slash_keeps_the_query_string(make: Any) -> None:
    response = make().get("/hello", data={"a": "1"})

    assert response.status_code == 301
    assert response.headers["Location"] == "/hello/?a=1"


def test_append_slash_quotes_the_path(make: Any) -> None:
    response = make().get("/caf%C3%A9")

    assert response.status_code == 301
    assert response.headers["Location"] == "/caf%C3%A9/"


def test_append_slash_keeps_the_script_name(make: Any) -> None:
    response = make().get("/hello", environ={"SCRIPT_NAME": "/site"})

    assert response.status_code == 301
    assert response.headers["Location"] == "/site/hello/"


def test_append_slash_does_not_redirect_post(make: Any) -> None:
    response = make().post("/hello", data={"a": "1"})

    assert response.status_code == 404


def test_append_slash_does_not_redirect_when_nothing_would_match(make: Any) -> None:
    response = make().get("/nowhere")

    assert response.status_code == 404
    assert "Location" not in response.headers


def test_append_slash_off_gives_404(make: Any) -> None:
    response = make(APPEND_SLASH=False).get("/hello")

    assert response.status_code == 404


@pytest.mark.parametrize("target", ["//evil.com", "///evil.com", "/\\evil.com"])
def test_append_slash_never_redirects_off_site(make: Any, target: str) -> None:
    response = make().get(target)

    assert response.status_code == 301
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    assert "\\" not in location


def test_response_to_a_view_exception_is_a_500_page(make: Any) -> None:
    response = make("raises_runtime_error").get("/hello/")

    assert response.status_code == 500
    assert "Something went wrong on our side." in response.text


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 500])
def test_error_response_renders_the_status_template(status: int) -> None:
    handler = WSGIHandler()

    response = handler.error_response(Request.blank("/"), status)

    assert response.status_code == status
    assert f"<title>{status} " in response.text


def test_error_response_falls_back_when_the_template_is_broken(
    settings: Any, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "404.html").write_text("{% broken %}")
    settings.TEMPLATES = {"DIRS": [str(tmp_path)], "APP_DIRS": True}
    handler = WSGIHandler()

    response = handler.error_response(Request.blank("/"), 404)

    assert response.status_code == 404
    assert "<h1>404 Not Found</h1>" in response.text
    assert "The 404.html error template failed to render" in caplog.text


def test_error_logging_uses_the_request_logger(make: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="stoa.request"):
        make("raises_runtime_error").get("/hello/")

    assert [record.name for record in caplog.records] == ["stoa.request"]


@pytest.mark.parametrize("middleware", ["lost_connection", "lost_interface"])
def test_a_lost_database_connection_is_a_503_with_retry_after(make: Any, middleware: str) -> None:
    response = make(middleware).get("/hello/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_a_lost_database_connection_shows_nothing_of_the_database(make: Any) -> None:
    response = make("lost_connection").get("/hello/")

    assert response.status_code == 503
    for detail in ("SELECT", LOST, "OperationalError", "Traceback"):
        assert detail not in response.text


def test_a_lost_database_connection_is_one_log_line(
    make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="stoa.request"):
        make("lost_connection").get("/hello/")

    (record,) = caplog.records
    assert record.getMessage() == (
        "Service Unavailable: the database cannot be reached (OperationalError) for GET /hello/"
    )
    assert record.exc_info is None


def test_a_failing_statement_on_a_live_connection_is_a_500(make: Any) -> None:
    response = make("failed_statement").get("/hello/")

    assert response.status_code == 500
    assert "Retry-After" not in response.headers
