"""Storage: hashed copies, the manifest, CSS references rewritten, gzip, atomic writes."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from core.exceptions import ImproperlyConfigured
from core.staticfiles.finders import FileSystemFinder
from core.staticfiles.storage import (
    CollectResult,
    ManifestStorage,
    atomic_write,
    file_hash,
    hashed_name,
    load_manifest,
)
from tests.core.staticfiles.conftest import write

LOGO = b"\x89PNG\r\n\x1a\n not really an image"
CSS = "body { color: #123; }\n" * 20


def collect(source: Path, root: Path, *, dry_run: bool = False) -> CollectResult:
    """Collect every file of `source` into `root`."""
    files = FileSystemFinder([source]).list_files()
    return ManifestStorage(root).collect(files, dry_run=dry_run)


def hashed(root: Path, name: str) -> str:
    """Return the hashed name of `name` from the manifest in `root`."""
    manifest = load_manifest(root)
    assert manifest is not None
    return manifest[name]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    return tmp_path / "src"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "root"


def test_hashed_name_puts_the_hash_before_the_suffix() -> None:
    assert hashed_name("css/site.css", "3f2a9c1b2e4d") == "css/site.3f2a9c1b2e4d.css"


def test_hashed_name_of_a_name_with_two_dots_keeps_the_last_suffix() -> None:
    assert hashed_name("js/app.min.js", "3f2a9c1b2e4d") == "js/app.min.3f2a9c1b2e4d.js"


def test_hashed_name_of_a_name_without_suffix_appends_the_hash() -> None:
    assert hashed_name("LICENSE", "3f2a9c1b2e4d") == "LICENSE.3f2a9c1b2e4d"


def test_file_hash_is_twelve_hex_digits_of_sha256() -> None:
    assert file_hash(b"body {}") == hashlib.sha256(b"body {}").hexdigest()[:12]


def test_collect_copies_the_original_byte_for_byte(src: Path, root: Path) -> None:
    write(src / "img" / "logo.png", LOGO)

    collect(src, root)

    assert (root / "img" / "logo.png").read_bytes() == LOGO


def test_collect_writes_a_hashed_copy_next_to_the_original(src: Path, root: Path) -> None:
    write(src / "img" / "logo.png", LOGO)

    collect(src, root)

    assert (root / "img" / f"logo.{file_hash(LOGO)}.png").read_bytes() == LOGO


def test_manifest_maps_each_original_to_its_hashed_name(src: Path, root: Path) -> None:
    write(src / "img" / "logo.png", LOGO)

    collect(src, root)

    manifest = json.loads((root / "staticfiles.json").read_text())
    assert manifest == {"version": 1, "paths": {"img/logo.png": f"img/logo.{file_hash(LOGO)}.png"}}


def test_css_url_is_rewritten_to_the_hashed_name(src: Path, root: Path) -> None:
    write(src / "img" / "logo.png", LOGO)
    write(src / "css" / "site.css", 'h1 { background: url("../img/logo.png"); }')

    collect(src, root)

    css = (root / hashed(root, "css/site.css")).read_text()
    assert css == f'h1 {{ background: url("../img/logo.{file_hash(LOGO)}.png"); }}'


def test_css_url_without_quotes_keeps_its_query_and_fragment(src: Path, root: Path) -> None:
    write(src / "fonts" / "icons.woff", b"font")
    write(src / "site.css", "@font-face { src: url(fonts/icons.woff?v=2#iefix); }")

    collect(src, root)

    css = (root / hashed(root, "site.css")).read_text()
    assert f"url(fonts/icons.{file_hash(b'font')}.woff?v=2#iefix)" in css


def test_css_import_is_rewritten(src: Path, root: Path) -> None:
    write(src / "base.css", "body {}")
    write(src / "site.css", '@import "base.css";')

    collect(src, root)

    css = (root / hashed(root, "site.css")).read_text()
    assert css == f'@import "{hashed(root, "base.css")}";'


def test_css_url_starting_with_static_url_is_rewritten(src: Path, root: Path) -> None:
    write(src / "img" / "logo.png", LOGO)
    write(src / "site.css", "a { background: url('/static/img/logo.png'); }")

    collect(src, root)

    css = (root / hashed(root, "site.css")).read_text()
    assert f"url('/static/img/logo.{file_hash(LOGO)}.png')" in css


@pytest.mark.parametrize(
    "reference",
    [
        "url(https://cdn.example.com/logo.png)",
        "url(//cdn.example.com/logo.png)",
        "url('data:image/png;base64,iVBORw0KGgo=')",
        "url(#gradient)",
        "url(/elsewhere/logo.png)",
    ],
)
def test_css_leaves_references_it_does_not_own(src: Path, root: Path, reference: str) -> None:
    write(src / "site.css", f"a {{ background: {reference}; }}")

    collect(src, root)

    assert reference in (root / hashed(root, "site.css")).read_text()


def test_css_reference_inside_a_comment_is_left_alone(src: Path, root: Path) -> None:
    write(src / "img" / "logo.png", LOGO)
    write(src / "site.css", "/* url(img/logo.png) */")

    collect(src, root)

    assert (root / hashed(root, "site.css")).read_text() == "/* url(img/logo.png) */"


def test_css_reference_to_a_missing_file_is_left_with_a_warning(src: Path, root: Path) -> None:
    write(src / "site.css", "a { background: url(img/missing.png); }")

    result = collect(src, root)

    assert "url(img/missing.png)" in (root / hashed(root, "site.css")).read_text()
    assert result.warnings == [
        "site.css refers to img/missing.png, which is not a collected static file: "
        "the reference is left as it is."
    ]


def test_stylesheets_that_import_each_other_do_not_loop(src: Path, root: Path) -> None:
    write(src / "a.css", '@import "b.css";')
    write(src / "b.css", '@import "a.css";')

    result = collect(src, root)

    assert len(result.manifest) == 2
    assert "refer to each other" in result.warnings[0]


def test_css_hash_changes_when_a_referenced_image_changes(src: Path, root: Path) -> None:
    write(src / "logo.png", LOGO)
    write(src / "site.css", "a { background: url(logo.png); }")
    collect(src, root)
    before = hashed(root, "site.css")

    write(src / "logo.png", LOGO + b"changed")
    collect(src, root)

    assert hashed(root, "site.css") != before


def test_the_original_css_is_not_rewritten(src: Path, root: Path) -> None:
    write(src / "logo.png", LOGO)
    write(src / "site.css", "a { background: url(logo.png); }")

    collect(src, root)

    assert (root / "site.css").read_text() == "a { background: url(logo.png); }"


def test_non_utf8_css_keeps_its_bytes(src: Path, root: Path) -> None:
    write(src / "logo.png", LOGO)
    write(src / "site.css", b"/* caf\xe9 */ a { background: url(logo.png); }")

    collect(src, root)

    css = (root / hashed(root, "site.css")).read_bytes()
    assert css.startswith(b"/* caf\xe9 */ a { background: url(logo.")


def test_compressible_files_get_a_gzip_variant(src: Path, root: Path) -> None:
    write(src / "site.css", CSS)

    collect(src, root)

    assert gzip.decompress((root / "site.css.gz").read_bytes()) == CSS.encode()
    assert (root / (hashed(root, "site.css") + ".gz")).is_file()


def test_images_get_no_gzip_variant(src: Path, root: Path) -> None:
    write(src / "logo.png", LOGO * 100)

    collect(src, root)

    assert not (root / "logo.png.gz").exists()


def test_a_gzip_variant_that_saves_nothing_is_not_written(src: Path, root: Path) -> None:
    write(src / "tiny.css", "a{}")

    collect(src, root)

    assert not (root / "tiny.css.gz").exists()


def test_a_changed_file_never_keeps_the_old_gzip_variant(src: Path, root: Path) -> None:
    write(src / "site.css", CSS)
    collect(src, root)

    write(src / "site.css", "a{}")
    collect(src, root)

    assert not (root / "site.css.gz").exists()


def test_a_second_collect_reports_the_files_as_unmodified(src: Path, root: Path) -> None:
    write(src / "site.css", CSS)
    collect(src, root)

    result = collect(src, root)

    assert (result.copied, result.unmodified) == ([], ["site.css"])


def test_dry_run_writes_nothing(src: Path, root: Path) -> None:
    write(src / "site.css", CSS)

    result = collect(src, root, dry_run=True)

    assert result.copied == ["site.css"]
    assert not root.exists()


def test_a_source_named_like_the_manifest_is_refused(src: Path, root: Path) -> None:
    write(src / "staticfiles.json", "{}")

    with pytest.raises(ImproperlyConfigured, match="rename it"):
        collect(src, root)


def test_clear_deletes_everything_inside_the_root(root: Path) -> None:
    write(root / "old.css", "old")
    write(root / "css" / "older.css", "older")

    deleted = ManifestStorage(root).clear()

    assert deleted == 2
    assert root.is_dir()
    assert list(root.iterdir()) == []


def test_clear_dry_run_deletes_nothing(root: Path) -> None:
    write(root / "old.css", "old")

    assert ManifestStorage(root).clear(dry_run=True) == 1
    assert (root / "old.css").exists()


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a" / "site.css", b"body {}")

    assert [p.name for p in (tmp_path / "a").iterdir()] == ["site.css"]


def test_atomic_write_makes_a_file_others_can_read(tmp_path: Path) -> None:
    atomic_write(tmp_path / "site.css", b"body {}")

    assert (tmp_path / "site.css").stat().st_mode & 0o777 == 0o644


def test_load_manifest_without_a_manifest_is_none(tmp_path: Path) -> None:
    assert load_manifest(tmp_path) is None


def test_load_manifest_of_a_broken_manifest_names_collectstatic(tmp_path: Path) -> None:
    write(tmp_path / "staticfiles.json", "{not json")

    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        load_manifest(tmp_path)


def test_load_manifest_of_a_foreign_json_file_names_collectstatic(tmp_path: Path) -> None:
    write(tmp_path / "staticfiles.json", '{"paths": ["a.css"]}')

    with pytest.raises(ImproperlyConfigured, match="collectstatic"):
        load_manifest(tmp_path)
