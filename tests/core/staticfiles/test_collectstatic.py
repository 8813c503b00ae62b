"""collectstatic end to end: copies, hashes, gzips, the manifest, --clear, --dry-run, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from core.staticfiles.urls import static_url
from tests.core.staticfiles.conftest import MakeApp, write
from tests.helpers import CommandResult, call_command

CSS = "body { color: #123; }\n" * 40


def collectstatic(*args: str) -> CommandResult:
    return call_command("collectstatic", "--noinput", *args)


@pytest.fixture
def sources(settings: Any, source: Path, make_app: MakeApp, static_root: Path) -> Path:
    """Two static files in STATICFILES_DIRS and one in an app; return STATIC_ROOT."""
    static = make_app("blog")
    write(source / "css" / "site.css", CSS)
    write(source / "img" / "logo.png", b"\x89PNG not an image")
    write(static / "blog" / "app.js", "alert(1);\n" * 40)
    settings.INSTALLED_APPS = ["tests.project", static.parent.name]
    return static_root


def manifest_paths(root: Path) -> dict[str, str]:
    paths: dict[str, str] = json.loads((root / "staticfiles.json").read_text())["paths"]
    return paths


def test_copies_every_found_file(sources: Path) -> None:
    collectstatic()

    assert sorted(manifest_paths(sources)) == ["blog/app.js", "css/site.css", "img/logo.png"]


def test_writes_originals_hashed_copies_and_gzip_variants(sources: Path) -> None:
    collectstatic()

    hashed = manifest_paths(sources)["css/site.css"]
    assert (sources / "css" / "site.css").read_text() == CSS
    assert (sources / hashed).read_text() == CSS
    assert (sources / f"{hashed}.gz").is_file()
    assert (sources / "css" / "site.css.gz").is_file()


def test_prints_how_many_files_were_copied(sources: Path) -> None:
    result = collectstatic()

    assert result.code == 0
    assert result.out == (
        f"3 static files copied to {str(sources)!r}, 0 unmodified, manifest written.\n"
    )


def test_a_second_run_reports_unmodified_files(sources: Path) -> None:
    collectstatic()

    result = collectstatic()

    assert "0 static files copied" in result.out
    assert "3 unmodified" in result.out


def test_static_then_returns_the_hashed_url(sources: Path) -> None:
    collectstatic()

    assert static_url("css/site.css") == "/static/" + manifest_paths(sources)["css/site.css"]


def test_clear_deletes_what_is_no_longer_a_static_file(sources: Path) -> None:
    write(sources / "stale.css", "old")

    result = collectstatic("--clear")

    assert result.code == 0
    assert "Deleted 1 file in" in result.out
    assert not (sources / "stale.css").exists()
    assert (sources / "css" / "site.css").is_file()


def test_without_clear_old_files_stay(sources: Path) -> None:
    write(sources / "stale.css", "old")

    collectstatic()

    assert (sources / "stale.css").is_file()


def test_dry_run_writes_nothing(sources: Path) -> None:
    result = collectstatic("--dry-run")

    assert result.code == 0
    assert "3 static files would be copied" in result.out
    assert "dry run: nothing was written" in result.out
    assert not sources.exists()


def test_dry_run_with_clear_deletes_nothing(sources: Path) -> None:
    write(sources / "stale.css", "old")

    result = collectstatic("--clear", "--dry-run")

    assert "Pretending to delete 1 file" in result.out
    assert (sources / "stale.css").is_file()


def test_missing_static_root_is_a_one_line_error(settings: Any) -> None:
    settings.STATIC_ROOT = None

    result = collectstatic()

    assert result.code == 1
    assert result.err.startswith("Error: The STATIC_ROOT setting is not set")
    assert len(result.err.splitlines()) == 1


def test_an_unwritable_static_root_is_an_error_without_traceback(
    sources: Path, settings: Any, tmp_path: Path
) -> None:
    settings.STATIC_ROOT = write(tmp_path / "a-file", "not a directory")

    result = collectstatic()

    assert result.code == 1
    assert result.err.startswith("Error: Cannot collect static files")
    assert "Traceback" not in result.err


def test_a_static_root_inside_a_source_directory_is_refused(
    sources: Path, settings: Any, source: Path
) -> None:
    settings.STATIC_ROOT = source / "collected"

    result = collectstatic()

    assert result.code == 1
    assert "overlap" in result.err
    assert not (source / "collected").exists()


def test_a_missing_staticfiles_dirs_entry_is_warned_about(
    sources: Path, settings: Any, tmp_path: Path
) -> None:
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path / "nowhere"]

    result = collectstatic()

    assert result.code == 0
    assert "nowhere" in result.err
    assert "is not a directory; it is skipped" in result.err


def test_a_broken_css_reference_is_warned_about(sources: Path, source: Path) -> None:
    write(source / "broken.css", "a { background: url(missing.png); }")

    result = collectstatic()

    assert result.code == 0
    assert "Warning: broken.css refers to missing.png" in result.err


def test_without_noinput_it_asks_and_stops_unless_told_yes(
    sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))

    result = call_command("collectstatic")

    assert result.code == 1
    assert "Type 'yes' to continue" in result.out
    assert "cancelled" in result.err
    assert not sources.exists()


def test_without_noinput_yes_collects(sources: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))

    result = call_command("collectstatic")

    assert result.code == 0
    assert (sources / "staticfiles.json").is_file()


def test_without_noinput_and_no_input_it_says_to_use_noinput(
    sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    result = call_command("collectstatic")

    assert result.code == 1
    assert "use --noinput" in result.err


def test_help_describes_the_options() -> None:
    result = call_command("collectstatic", "--help")

    assert result.code == 0
    for option in ("--noinput", "--clear", "--dry-run"):
        assert option in result.out


def test_an_unknown_option_is_a_one_line_error(sources: Path) -> None:
    result = collectstatic("--bogus")

    assert result.code == 2
    assert len(result.err.splitlines()) == 1
