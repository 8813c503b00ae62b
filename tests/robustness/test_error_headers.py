"""Every error response the framework makes carries the security headers of a normal page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from core.handlers import WSGIHandler
from core.testing import Client, TestResponse
from core.wsgi import get_wsgi_application
from tests.core.auth.conftest import Browser
from tests.robustness.conftest import DEFAULT_MIDDLEWARE, SECURITY_HEADERS

LIMIT = 1000


def assert_secured(response: TestResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response, name, response.headers)


@pytest.fixture
def client(site: Any, db: Any) -> Client:
    site.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    return Client(WSGIHandler())


def test_a_normal_page_has_them(client: Client) -> None:
    response = client.get("/whoami/")

    assert response.status_code == 200
    assert_secured(response)


@pytest.mark.parametrize("host", ["evil.com", "a.com@b", "<x>", "localhost:abc"])
def test_bad_host_400(client: Client, host: str) -> None:
    response = client.get("/whoami/", headers={"Host": host})

    assert response.status_code == 400
    assert_secured(response)


def test_missing_host_400(site: Any, db: Any) -> None:
    response = Client(WSGIHandler(), host="").get("/whoami/")

    assert response.status_code == 400
    assert_secured(response)


def test_csrf_403(browser: Browser) -> None:
    response = browser.post("/whoami/", {"x": "1"})

    assert response.status_code == 403
    assert_secured(response)


def test_404(client: Client) -> None:
    response = client.get("/nowhere/")

    assert response.status_code == 404
    assert_secured(response)


def test_405_keeps_allow(client: Client) -> None:
    response = client.put("/whoami/")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert_secured(response)


def test_413_before_the_middleware(client: Client) -> None:
    response = client.post(
        "/whoami/", environ={"wsgi.input": io.BytesIO(), "CONTENT_LENGTH": str(LIMIT + 1)}
    )

    assert response.status_code == 413
    assert_secured(response)


def test_500(client: Client) -> None:
    response = client.get("/boom/")

    assert response.status_code == 500
    assert "kaboom" not in response.text
    assert_secured(response)


def test_500_for_a_header_with_cr_lf(client: Client) -> None:
    response = client.get("/bad-header/")

    assert response.status_code == 500
    assert "X-Injected" not in response.headers
    assert_secured(response)


def test_503_when_the_database_is_down(client: Client) -> None:
    response = client.get("/database-down/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert_secured(response)


def test_debug_pages_have_them_too(site: Any, db: Any) -> None:
    site.DEBUG = True
    client = Client(WSGIHandler())

    assert_secured(client.get("/nowhere/"))
    assert_secured(client.get("/whoami/", headers={"Host": "evil.com"}))


def test_each_header_is_sent_once(client: Client) -> None:
    response = client.get("/nowhere/")

    names = [name.lower() for name, _ in response.headers.items()]
    assert len(names) == len(set(names))


def test_without_the_middleware_error_pages_add_none(site: Any, db: Any) -> None:
    # The same headers as a normal page: a project that drops a middleware drops its header.
    site.MIDDLEWARE = [m for m in DEFAULT_MIDDLEWARE if "clickjacking" not in m]
    client = Client(WSGIHandler())

    page, error = client.get("/whoami/"), client.get("/whoami/", headers={"Host": "evil.com"})

    assert "X-Frame-Options" not in page.headers
    assert "X-Frame-Options" not in error.headers
    assert error.headers["X-Content-Type-Options"] == "nosniff"


def test_the_settings_choose_the_values(site: Any, db: Any) -> None:
    site.X_FRAME_OPTIONS = "SAMEORIGIN"
    site.SECURE_REFERRER_POLICY = "no-referrer"

    response = Client(WSGIHandler()).get("/whoami/", headers={"Host": "evil.com"})

    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "no-referrer"


# Static files


@pytest.fixture
def static(site: Any, db: Any, tmp_path: Path) -> Client:
    """The project's application serving STATIC_ROOT (DEBUG off), as gunicorn runs it."""
    root = tmp_path / "staticfiles"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text("body { color: #123; }\n")
    site.STATIC_ROOT = str(root)
    site.SERVE_STATIC = True
    return Client(get_wsgi_application())


def test_a_static_file_has_them(static: Client) -> None:
    response = static.get("/static/css/site.css")

    assert response.status_code == 200
    assert_secured(response)


@pytest.mark.parametrize("host", ["evil.com", "<x>", ""])
def test_a_static_file_for_a_bad_host_is_400(
    static: Client, host: str, caplog: pytest.LogCaptureFixture
) -> None:
    response = static.get("/static/css/site.css", headers={"Host": host})

    assert response.status_code == 400
    assert "#123" not in response.text
    assert_secured(response)
    assert any(r.name == "stoa.security.DisallowedHost" for r in caplog.records)


def test_a_climbing_static_path_is_404(static: Client) -> None:
    response = static.get("/static/%2e%2e/settings.py")

    assert response.status_code == 404
    assert_secured(response)


def test_a_static_post_is_405(static: Client) -> None:
    response = static.post("/static/css/site.css")

    assert response.status_code == 405
    assert_secured(response)
