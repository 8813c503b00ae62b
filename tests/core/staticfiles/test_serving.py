"""Serving: from the source directories with DEBUG, from STATIC_ROOT without; no traversal."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from core.handlers import WSGIHandler
from core.staticfiles.finders import get_finder
from core.staticfiles.handlers import StaticFilesHandler, static_prefix
from core.staticfiles.storage import ManifestStorage, load_manifest
from core.testing import Client
from core.wsgi import get_wsgi_application
from tests.core.staticfiles.conftest import MakeApp, write

CSS = "body { color: #123; }\n" * 40
FOREVER = "max-age=315360000, public, immutable"

MakeClient = Callable[[], Client]


@pytest.fixture
def dev(settings: Any, source: Path) -> Client:
    """A client of the application with DEBUG on, serving from `source`."""
    write(source / "css" / "site.css", CSS)
    settings.DEBUG = True
    return Client(get_wsgi_application())


@pytest.fixture
def collected(settings: Any, source: Path, static_root: Path) -> Path:
    """Collect `source` into STATIC_ROOT, as collectstatic does; return STATIC_ROOT."""
    write(source / "css" / "site.css", CSS)
    write(source / "img" / "logo.png", b"\x89PNG not an image")
    ManifestStorage(static_root).collect(get_finder().list_files())
    return static_root


@pytest.fixture
def prod(settings: Any, collected: Path) -> Client:
    """A client of the application with DEBUG off, serving STATIC_ROOT."""
    settings.DEBUG = False
    return Client(get_wsgi_application())


@pytest.fixture
def hashed_css(collected: Path) -> str:
    manifest = load_manifest(collected)
    assert manifest is not None
    return "/static/" + manifest["css/site.css"]


# Development: DEBUG on, files found through the finders.


def test_debug_serves_a_file_from_staticfiles_dirs(dev: Client) -> None:
    response = dev.get("/static/css/site.css")

    assert response.status_code == 200
    assert response.text == CSS


def test_debug_serves_css_as_text_css(dev: Client) -> None:
    response = dev.get("/static/css/site.css")

    assert response.headers["Content-Type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("app.js", "text/javascript; charset=utf-8"),
        ("logo.png", "image/png"),
        ("logo.svg", "image/svg+xml"),
        ("data.json", "application/json"),
        ("font.woff2", "font/woff2"),
    ],
)
def test_debug_sends_the_content_type_of_the_suffix(
    dev: Client, source: Path, name: str, content_type: str
) -> None:
    write(source / name, b"x")

    assert dev.get(f"/static/{name}").headers["Content-Type"] == content_type


def test_debug_sends_nosniff(dev: Client) -> None:
    assert dev.get("/static/css/site.css").headers["X-Content-Type-Options"] == "nosniff"


def test_debug_serves_an_app_static_file(settings: Any, make_app: MakeApp) -> None:
    static = make_app("blog")
    write(static / "blog" / "app.js", "alert(1)")
    settings.INSTALLED_APPS = ["tests.project", static.parent.name]
    settings.DEBUG = True

    response = Client(get_wsgi_application()).get("/static/blog/app.js")

    assert response.status_code == 200
    assert response.text == "alert(1)"


def test_debug_serves_a_file_added_after_start(dev: Client, source: Path) -> None:
    write(source / "new.css", "p {}")

    assert dev.get("/static/new.css").text == "p {}"


def test_debug_serves_a_changed_file_without_restart(dev: Client, source: Path) -> None:
    dev.get("/static/css/site.css")
    write(source / "css" / "site.css", "changed")

    assert dev.get("/static/css/site.css").text == "changed"


def test_debug_asks_browsers_to_revalidate(dev: Client) -> None:
    assert dev.get("/static/css/site.css").headers["Cache-Control"] == "max-age=0, public"


def test_debug_answers_304_to_a_matching_if_none_match(dev: Client) -> None:
    etag = dev.get("/static/css/site.css").headers["ETag"]

    response = dev.get("/static/css/site.css", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_debug_answers_304_to_an_if_modified_since_not_before(dev: Client) -> None:
    modified = dev.get("/static/css/site.css").headers["Last-Modified"]

    response = dev.get("/static/css/site.css", headers={"If-Modified-Since": modified})

    assert response.status_code == 304


def test_debug_answers_200_to_a_stale_etag(dev: Client) -> None:
    response = dev.get("/static/css/site.css", headers={"If-None-Match": '"stale"'})

    assert response.status_code == 200


def test_head_sends_the_headers_and_no_body(dev: Client) -> None:
    response = dev.head("/static/css/site.css")

    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(CSS))
    assert response.content == b""


def test_post_to_a_static_file_is_405(dev: Client) -> None:
    response = dev.post("/static/css/site.css")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_a_range_is_served_as_206(dev: Client) -> None:
    response = dev.get("/static/css/site.css", headers={"Range": "bytes=0-3"})

    assert response.status_code == 206
    assert response.text == CSS[:4]


def test_an_unsatisfiable_range_is_416(dev: Client) -> None:
    response = dev.get("/static/css/site.css", headers={"Range": "bytes=99999-"})

    assert response.status_code == 416


def test_a_missing_static_file_goes_on_to_the_project_404(dev: Client) -> None:
    response = dev.get("/static/missing.css")

    assert response.status_code == 404


def test_other_paths_reach_the_project(dev: Client) -> None:
    response = dev.get("/hello/")

    assert response.status_code == 200


def test_debug_does_not_serve_static_root(settings: Any, source: Path, static_root: Path) -> None:
    write(static_root / "only-collected.css", "p {}")
    settings.DEBUG = True

    response = Client(get_wsgi_application()).get("/static/only-collected.css")

    assert response.status_code == 404


def test_debug_does_not_follow_a_link_out_of_the_source(
    dev: Client, source: Path, tmp_path: Path
) -> None:
    (source / "innocent.css").symlink_to(tmp_path / "project" / "settings.py")

    response = dev.get("/static/innocent.css")

    assert response.status_code == 404
    assert "top-secret" not in response.text


def test_debug_does_not_serve_a_gzip_variant_by_its_own_name(dev: Client, source: Path) -> None:
    write(source / "css" / "site.css.gz", gzip.compress(CSS.encode()))

    assert dev.get("/static/css/site.css.gz").status_code == 404


def test_a_static_url_of_another_host_is_served_under_its_path(settings: Any, source: Path) -> None:
    write(source / "site.css", "p {}")
    settings.DEBUG = True
    settings.STATIC_URL = "https://cdn.example.com/assets/"

    assert Client(get_wsgi_application()).get("/assets/site.css").text == "p {}"


# Production: DEBUG off, STATIC_ROOT listed at start-up.


def test_production_serves_a_hashed_name(prod: Client, hashed_css: str) -> None:
    response = prod.get(hashed_css)

    assert response.status_code == 200
    assert response.text == CSS


def test_production_caches_a_hashed_name_for_ten_years(prod: Client, hashed_css: str) -> None:
    assert prod.get(hashed_css).headers["Cache-Control"] == FOREVER


def test_production_caches_an_unhashed_name_for_a_minute(prod: Client) -> None:
    assert prod.get("/static/css/site.css").headers["Cache-Control"] == "max-age=60, public"


def test_production_sends_gzip_to_clients_that_accept_it(prod: Client, hashed_css: str) -> None:
    response = prod.get(hashed_css, headers={"Accept-Encoding": "gzip, deflate"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == CSS.encode()


def test_production_says_the_response_varies_by_encoding(prod: Client, hashed_css: str) -> None:
    assert prod.get(hashed_css).headers["Vary"] == "Accept-Encoding"


def test_production_sends_plain_bytes_without_accept_encoding(
    prod: Client, hashed_css: str
) -> None:
    response = prod.get(hashed_css)

    assert "Content-Encoding" not in response.headers
    assert response.text == CSS


def test_production_answers_304_to_a_matching_etag(prod: Client, hashed_css: str) -> None:
    etag = prod.get(hashed_css).headers["ETag"]

    assert prod.get(hashed_css, headers={"If-None-Match": etag}).status_code == 304


def test_production_serves_an_image_with_its_type(prod: Client) -> None:
    response = prod.get("/static/img/logo.png")

    assert response.headers["Content-Type"] == "image/png"


def test_production_does_not_serve_a_file_only_in_the_sources(prod: Client, source: Path) -> None:
    write(source / "late.css", "p {}")

    assert prod.get("/static/late.css").status_code == 404


def test_production_serves_a_file_removed_since_start_as_404(prod: Client, collected: Path) -> None:
    (collected / "css" / "site.css").unlink()

    assert prod.get("/static/css/site.css").status_code == 404


# When there is nothing to serve, the project's handler is returned as it is.


def test_without_static_root_the_application_is_not_wrapped(settings: Any) -> None:
    settings.STATIC_ROOT = None

    assert isinstance(get_wsgi_application(), WSGIHandler)


def test_with_a_missing_static_root_the_application_is_not_wrapped(
    static_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    application = get_wsgi_application()

    assert isinstance(application, WSGIHandler)
    assert "run 'manage.py collectstatic --noinput'" in caplog.text


def test_serve_static_off_leaves_the_application_unwrapped(settings: Any, collected: Path) -> None:
    settings.SERVE_STATIC = False

    assert isinstance(get_wsgi_application(), WSGIHandler)


def test_debug_wraps_the_application(dev: Client, settings: Any) -> None:
    assert isinstance(get_wsgi_application(), StaticFilesHandler)


@pytest.mark.parametrize(
    ("static_url", "prefix"),
    [("/static/", "/static/"), ("static", "/static/"), ("https://cdn.example.com/a/b/", "/a/b/")],
)
def test_static_prefix_is_the_path_of_static_url(static_url: str, prefix: str) -> None:
    assert static_prefix(static_url) == prefix


# Traversal: never a file outside the roots, through the client and the raw application.

CLIMBING_URLS = [
    "/static/../settings.py",
    "/static/%2e%2e/settings.py",
    "/static/%2E%2E/settings.py",
    "/static/..%5csettings.py",
    "/static/%2e%2e%5csettings.py",
    "/static/css/../../settings.py",
    "/static//etc/passwd",
    "/static/css/site.css%00.png",
    "/static/%00",
    "/static/.env",
]

CLIMBING_PATH_INFOS = [
    "/static/../settings.py",
    "/static/..\\settings.py",
    "/static/css/..\\..\\settings.py",
    "/static/css/site.css\x00",
    "/static/\x00../settings.py",
    "/static//etc/passwd",
    "/static/%2e%2e/settings.py",
]


@pytest.fixture(params=["debug", "production"])
def any_mode(request: pytest.FixtureRequest, settings: Any, collected: Path) -> Client:
    """A client of the application in development, then in production."""
    settings.DEBUG = request.param == "debug"
    write(collected.parent / "project" / "static" / ".env", "SECRET=1")
    return Client(get_wsgi_application())


@pytest.mark.parametrize("url", CLIMBING_URLS)
def test_a_climbing_url_is_404(any_mode: Client, url: str) -> None:
    response = any_mode.get(url)

    assert response.status_code == 404
    assert "top-secret" not in response.text
    assert "SECRET" not in response.text


def call_raw(application: Any, path_info: str) -> tuple[str, bytes]:
    """Call the application with a server-made environ; return status and body."""
    environ: dict[str, Any] = {
        "SCRIPT_NAME": "",
        "PATH_INFO": path_info,
        "QUERY_STRING": "",
        "HTTP_HOST": "localhost",
    }
    setup_testing_defaults(environ)
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = status
        return lambda data: None

    body: Iterable[bytes] = validator(application)(environ, start_response)
    try:
        content = b"".join(body)
    finally:
        getattr(body, "close", lambda: None)()
    return captured["status"], content


@pytest.mark.parametrize("path_info", CLIMBING_PATH_INFOS)
def test_a_climbing_path_info_is_404_through_the_raw_application(
    any_mode: Client, path_info: str
) -> None:
    status, body = call_raw(get_wsgi_application(), path_info)

    assert status.startswith("404")
    assert b"top-secret" not in body


def test_the_raw_application_passes_validation_for_a_file(settings: Any, collected: Path) -> None:
    settings.DEBUG = False

    status, body = call_raw(get_wsgi_application(), "/static/css/site.css")

    assert status == "200 OK"
    assert body == CSS.encode()
