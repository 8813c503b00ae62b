"""Error pages: plain templates with DEBUG off, technical pages with DEBUG on."""

from __future__ import annotations

from typing import Any

import pytest

from core.debug import MASK, mask, safe_repr
from core.exceptions import PermissionDenied, SuspiciousOperation
from core.http import HTTPNotFound, Request, Response
from core.testing import Client
from core.urls import include, path
from core.views import View

SECRET_KEY_VALUE = "tests-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DB_PASSWORD = "db-pass-" + "w0rd"  # built so the source line never shows it whole
SETTINGS_DB_PASSWORD = "settings-" + "pass"


class Boom(View):
    def get(self, request: Request) -> Response:
        api_token = "tok-" + "a1b2c3"  # noqa: F841 (masked on the debug page)
        connection_url = "postgresql://app:" + DB_PASSWORD + "@db/site"  # noqa: F841
        harmless = "visible-" + "value"  # noqa: F841
        raise RuntimeError("kaboom")


class Missing(View):
    def get(self, request: Request) -> Response:
        raise HTTPNotFound("no such article")


class Forbidden(View):
    def get(self, request: Request) -> Response:
        raise PermissionDenied("members only")


class Suspicious(View):
    def get(self, request: Request) -> Response:
        raise SuspiciousOperation("odd input")


class Echo(View):
    def post(self, request: Request) -> Response:
        return Response(request.body)


def view(request: Request, **kwargs: Any) -> Response:
    return Response("ok")


urlpatterns = [
    path("boom/", Boom.as_view()),
    path("missing/", Missing.as_view()),
    path("forbidden/", Forbidden.as_view()),
    path("suspicious/", Suspicious.as_view()),
    path("echo/", Echo.as_view()),
    path("articles/<int:pk>/", view, name="article"),
    path("blog/", include(([path("<slug:slug>/", view, name="post")], "blog"))),
]


@pytest.fixture
def production(make_client: Any) -> Client:
    return make_client(ROOT_URLCONF=__name__, DEBUG=False, DATA_UPLOAD_MAX_MEMORY_SIZE=10)


@pytest.fixture
def debug(make_client: Any) -> Client:
    return make_client(
        ROOT_URLCONF=__name__,
        DEBUG=True,
        DATABASES={"default": f"postgresql+psycopg://app:{SETTINGS_DB_PASSWORD}@db:5432/site"},
    )


def leaks(text: str) -> list[str]:
    """Return the internals that appear in a page meant for visitors."""
    found = [word for word in ("Traceback", "kaboom", "File ", ".py", "/work/") if word in text]
    found += [word for word in ("SECRET_KEY", SECRET_KEY_VALUE, "ROOT_URLCONF") if word in text]
    return found


def bad_request(client: Client) -> Any:
    return client.get("/suspicious/")


def forbidden(client: Client) -> Any:
    return client.get("/forbidden/")


def not_found(client: Client) -> Any:
    return client.get("/nowhere/")


def not_allowed(client: Client) -> Any:
    return client.put("/boom/")


def too_large(client: Client) -> Any:
    return client.post("/echo/", data=b"x" * 11)


def server_error(client: Client) -> Any:
    return client.get("/boom/")


@pytest.mark.parametrize(
    ("send", "status", "message"),
    [
        (bad_request, 400, "The request could not be understood by the server."),
        (forbidden, 403, "You do not have permission to access this page."),
        (not_found, 404, "The requested page could not be found."),
        (not_allowed, 405, "This page does not accept that request method."),
        (too_large, 413, "The request is larger than this site accepts."),
        (server_error, 500, "Something went wrong on our side."),
    ],
)
def test_error_page_without_debug_comes_from_its_template(
    production: Client, send: Any, status: int, message: str
) -> None:
    response = send(production)

    assert response.status_code == status
    assert message in response.text
    assert response.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "send", [bad_request, forbidden, not_found, not_allowed, too_large, server_error]
)
def test_error_page_without_debug_reveals_nothing(production: Client, send: Any) -> None:
    response = send(production)

    assert response.status_code >= 400
    assert leaks(response.text) == []


def test_http_error_detail_is_not_shown_without_debug(production: Client) -> None:
    response = production.get("/missing/")

    assert response.status_code == 404
    assert "no such article" not in response.text


def test_project_can_override_an_error_template(make_client: Any, tmp_path: Any) -> None:
    (tmp_path / "404.html").write_text("<h1>Lost? {{ status }}</h1>")
    client = make_client(
        ROOT_URLCONF=__name__, TEMPLATES={"DIRS": [str(tmp_path)], "APP_DIRS": True}
    )

    response = client.get("/nowhere/")

    assert response.status_code == 404
    assert response.text == "<h1>Lost? 404</h1>"


def test_server_error_is_logged_with_its_traceback(
    production: Client, caplog: pytest.LogCaptureFixture
) -> None:
    production.get("/boom/")

    assert "Internal Server Error: GET /boom/" in caplog.text
    assert "RuntimeError: kaboom" in caplog.text


def test_technical_404_lists_the_patterns_tried(debug: Client) -> None:
    response = debug.get("/nowhere/")

    assert response.status_code == 404
    assert "<code>articles/&lt;int:pk&gt;/</code>" in response.text
    assert "<code>blog/&lt;slug:slug&gt;/</code>" in response.text
    assert "<code>blog:post</code>" in response.text
    assert f"Using the URLconf defined in <code>{__name__}</code>" in response.text


def test_technical_404_shows_the_path(debug: Client) -> None:
    response = debug.get("/nowhere/")

    assert response.status_code == 404
    assert "didn't match any of these" in response.text
    assert "<code>/nowhere/</code>" in response.text


def test_technical_404_from_a_view_names_it(debug: Client) -> None:
    response = debug.get("/missing/")

    assert response.status_code == 404
    assert f"{__name__}.Missing" in response.text
    assert "no such article" in response.text


def test_technical_500_shows_the_exception_and_traceback(debug: Client) -> None:
    response = debug.get("/boom/")

    assert response.status_code == 500
    assert "RuntimeError at /boom/" in response.text
    assert "kaboom" in response.text
    assert "Traceback (most recent call last)" in response.text


def test_technical_500_shows_local_variables(debug: Client) -> None:
    response = debug.get("/boom/")

    assert response.status_code == 500
    assert "visible-value" in response.text


def test_technical_500_masks_secret_looking_locals(debug: Client) -> None:
    response = debug.get("/boom/")

    assert response.status_code == 500
    assert "<code>api_token</code></td><td><code>" + MASK in response.text
    assert "tok-a1b2c3" not in response.text


def test_technical_500_masks_passwords_in_urls_held_by_locals(debug: Client) -> None:
    response = debug.get("/boom/")

    assert response.status_code == 500
    assert "<code>connection_url</code>" in response.text
    assert DB_PASSWORD not in response.text


def test_technical_500_masks_secret_settings(debug: Client) -> None:
    response = debug.get("/boom/")

    assert response.status_code == 500
    assert f"<th>SECRET_KEY</th><td><code>&#39;{MASK}&#39;</code>" in response.text
    assert SECRET_KEY_VALUE not in response.text


def test_technical_500_masks_the_database_password(debug: Client) -> None:
    response = debug.get("/boom/")

    assert response.status_code == 500
    assert f"postgresql+psycopg://app:{MASK}@db:5432/site" in response.text
    assert SETTINGS_DB_PASSWORD not in response.text


def test_technical_500_masks_credentials_in_request_headers(debug: Client) -> None:
    debug.set_cookie("sessionid", "cookie-secret-1")

    response = debug.get("/boom/", headers={"Authorization": "Bearer header-secret-2"})

    assert response.status_code == 500
    assert "cookie-secret-1" not in response.text
    assert "header-secret-2" not in response.text


def test_technical_400_says_why(debug: Client) -> None:
    response = debug.get("/suspicious/")

    assert response.status_code == 400
    assert "SuspiciousOperation" in response.text
    assert "odd input" in response.text


def test_mask_hides_secret_looking_names() -> None:
    assert [mask(name, "v") for name in ("API_KEY", "db_password", "AUTH_TOKEN")] == [MASK] * 3


def test_mask_keeps_other_values() -> None:
    assert mask("DEBUG", True) is True


def test_mask_hides_passwords_inside_nested_urls() -> None:
    value = {"default": "mysql://root:pw@localhost/db", "other": ["redis://:pw2@cache:6379/0"]}

    assert mask("DATABASES", value) == {
        "default": f"mysql://root:{MASK}@localhost/db",
        "other": [f"redis://:{MASK}@cache:6379/0"],
    }


def test_safe_repr_survives_a_broken_repr() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise ValueError

    assert safe_repr(Broken()) == "<unprintable Broken: ValueError>"


def test_safe_repr_is_bounded() -> None:
    assert len(safe_repr("x" * 100_000)) < 5000
