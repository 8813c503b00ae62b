"""static_url() and the static() template global: hashed with a manifest and DEBUG off."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from core.exceptions import ImproperlyConfigured
from core.staticfiles.urls import static_url
from core.templating import get_engine
from tests.core.staticfiles.conftest import write

HASHED = "css/site.3f2a9c1b2e4d.css"


@pytest.fixture
def manifest(static_root: Path) -> Path:
    """A manifest in STATIC_ROOT naming one hashed stylesheet."""
    data = {"version": 1, "paths": {"css/site.css": HASHED}}
    return write(static_root / "staticfiles.json", json.dumps(data))


def render(source: str) -> str:
    return get_engine().env.from_string(source).render()


def test_without_static_root_the_url_is_plain(settings: Any) -> None:
    settings.STATIC_ROOT = None

    assert static_url("css/site.css") == "/static/css/site.css"


def test_without_a_manifest_the_url_is_plain(static_root: Path) -> None:
    assert static_url("css/site.css") == "/static/css/site.css"


def test_with_a_manifest_and_debug_off_the_url_is_hashed(manifest: Path) -> None:
    assert static_url("css/site.css") == f"/static/{HASHED}"


def test_with_debug_on_the_url_is_plain(manifest: Path, settings: Any) -> None:
    settings.DEBUG = True

    assert static_url("css/site.css") == "/static/css/site.css"


def test_a_leading_slash_is_ignored(manifest: Path) -> None:
    assert static_url("/css/site.css") == f"/static/{HASHED}"


def test_a_query_string_is_kept_after_the_hashed_name(manifest: Path) -> None:
    assert static_url("css/site.css?v=2") == f"/static/{HASHED}?v=2"


def test_the_url_uses_static_url(manifest: Path, settings: Any) -> None:
    settings.STATIC_URL = "https://cdn.example.com/assets/"

    assert static_url("css/site.css") == f"https://cdn.example.com/assets/{HASHED}"


def test_a_name_with_a_space_is_quoted(static_root: Path) -> None:
    assert static_url("img/my logo.png") == "/static/img/my%20logo.png"


def test_a_name_missing_from_the_manifest_falls_back_to_the_plain_url(manifest: Path) -> None:
    assert static_url("js/app.js") == "/static/js/app.js"


def test_a_name_missing_from_the_manifest_is_logged_naming_collectstatic(
    manifest: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="stoa.staticfiles"):
        static_url("js/app.js")

    assert "'js/app.js' is not in the manifest" in caplog.text
    assert "collectstatic" in caplog.text


def test_a_missing_name_is_logged_once(manifest: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="stoa.staticfiles"):
        static_url("js/app.js")
        static_url("js/app.js")

    assert len(caplog.records) == 1


def test_the_manifest_is_read_once_per_configuration(manifest: Path) -> None:
    static_url("css/site.css")
    manifest.unlink()

    assert static_url("css/site.css") == f"/static/{HASHED}"


def test_a_new_configuration_reads_the_manifest_again(manifest: Path, settings: Any) -> None:
    static_url("css/site.css")
    manifest.unlink()
    settings.STATIC_URL = "/static/"

    assert static_url("css/site.css") == "/static/css/site.css"


def test_a_broken_manifest_raises_naming_collectstatic(static_root: Path) -> None:
    write(static_root / "staticfiles.json", "{")

    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        static_url("css/site.css")


def test_the_template_global_is_hashed_with_a_manifest(manifest: Path) -> None:
    assert render('{{ static("css/site.css") }}') == f"/static/{HASHED}"


def test_the_template_global_is_plain_without_a_manifest(static_root: Path) -> None:
    assert render('{{ static("css/site.css") }}') == "/static/css/site.css"
