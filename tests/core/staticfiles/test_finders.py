"""Finders: STATICFILES_DIRS, then apps' static/; first found wins; never outside a root."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.staticfiles.finders import FileSystemFinder, clean_name, find, get_finder, source_dirs
from tests.core.staticfiles.conftest import MakeApp, write


def test_finds_a_file_in_staticfiles_dirs(source: Path) -> None:
    write(source / "css" / "site.css", "body {}")

    assert find("css/site.css") == source / "css" / "site.css"


def test_finds_a_file_in_an_app_static_dir(settings: Any, make_app: MakeApp) -> None:
    static = make_app("blog")
    write(static / "blog" / "app.js", "1")
    settings.INSTALLED_APPS = ["tests.project", static.parent.name]

    assert find("blog/app.js") == static / "blog" / "app.js"


def test_staticfiles_dirs_come_before_app_static_dirs(
    settings: Any, source: Path, make_app: MakeApp
) -> None:
    static = make_app("blog")
    write(static / "site.css", "from the app")
    write(source / "site.css", "from the project")
    settings.INSTALLED_APPS = ["tests.project", static.parent.name]

    assert find("site.css") == source / "site.css"


def test_earlier_staticfiles_dirs_entry_wins(tmp_path: Path, settings: Any) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "a.txt", "first")
    write(second / "a.txt", "second")
    settings.STATICFILES_DIRS = [first, second]

    assert find("a.txt") == first / "a.txt"


def test_earlier_app_wins_over_a_later_one(settings: Any, make_app: MakeApp) -> None:
    one, two = make_app("one"), make_app("two")
    write(one / "shared.css", "one")
    write(two / "shared.css", "two")
    settings.INSTALLED_APPS = [one.parent.name, two.parent.name]

    assert find("shared.css") == one / "shared.css"


def test_source_dirs_lists_staticfiles_dirs_then_apps(
    settings: Any, source: Path, make_app: MakeApp
) -> None:
    static = make_app("blog")
    settings.INSTALLED_APPS = [static.parent.name]

    assert source_dirs() == [source, static]


def test_a_missing_file_is_none(source: Path) -> None:
    assert find("nowhere.css") is None


def test_a_directory_is_not_a_file(source: Path) -> None:
    (source / "css").mkdir()

    assert find("css") is None


def test_list_files_names_each_file_once_the_first_found(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first / "a.css", "first")
    write(second / "a.css", "second")
    write(second / "js" / "b.js", "b")

    listed = list(FileSystemFinder([first, second]).list_files())

    assert listed == [("a.css", first / "a.css"), ("js/b.js", second / "js" / "b.js")]


def test_list_files_skips_hidden_files_and_backups(tmp_path: Path) -> None:
    write(tmp_path / "site.css", "kept")
    write(tmp_path / ".env", "SECRET=1")
    write(tmp_path / ".git" / "config", "[core]")
    write(tmp_path / "site.css~", "backup")

    assert [name for name, _ in FileSystemFinder([tmp_path]).list_files()] == ["site.css"]


def test_a_missing_root_lists_nothing(tmp_path: Path) -> None:
    assert list(FileSystemFinder([tmp_path / "nowhere"]).list_files()) == []


def test_the_finder_is_rebuilt_when_settings_change(tmp_path: Path, settings: Any) -> None:
    settings.STATICFILES_DIRS = [tmp_path / "a"]
    before = get_finder()
    settings.STATICFILES_DIRS = [tmp_path / "b"]

    assert get_finder() is not before
    assert get_finder().roots[0] == tmp_path / "b"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/etc/passwd",
        "../settings.py",
        "css/../../settings.py",
        "css/..",
        "./site.css",
        "..\\settings.py",
        "css\\site.css",
        "site.css\x00.png",
        "css//site.css",
        "css/",
        ".env",
        "css/.hidden.css",
        "site.css~",
    ],
)
def test_clean_name_refuses(name: str) -> None:
    assert clean_name(name) is None


def test_clean_name_accepts_a_nested_name() -> None:
    assert clean_name("css/fonts/icons.woff2") == "css/fonts/icons.woff2"


def test_find_never_climbs_to_an_existing_file(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    write(tmp_path / "settings.py", "secret")

    assert FileSystemFinder([root]).find("../settings.py") is None


def test_find_refuses_an_absolute_path_to_an_existing_file(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.txt", "secret")

    assert FileSystemFinder([tmp_path / "static"]).find(str(secret)) is None


def test_a_link_pointing_outside_the_root_is_not_found(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    secret = write(tmp_path / "secret.txt", "secret")
    (root / "innocent.css").symlink_to(secret)

    assert FileSystemFinder([root]).find("innocent.css") is None


def test_a_linked_directory_pointing_outside_the_root_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "static"
    root.mkdir()
    write(tmp_path / "private" / "secret.txt", "secret")
    (root / "css").symlink_to(tmp_path / "private", target_is_directory=True)

    assert FileSystemFinder([root]).find("css/secret.txt") is None


def test_a_link_inside_the_root_is_found(tmp_path: Path) -> None:
    root = tmp_path / "static"
    write(root / "real.css", "body {}")
    (root / "alias.css").symlink_to(root / "real.css")

    assert FileSystemFinder([root]).find("alias.css") == root / "alias.css"


def test_list_files_skips_a_link_pointing_outside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "static"
    write(root / "site.css", "body {}")
    (root / "innocent.css").symlink_to(write(tmp_path / "secret.txt", "secret"))

    assert [name for name, _ in FileSystemFinder([root]).list_files()] == ["site.css"]


def test_a_root_reached_through_a_link_still_works(tmp_path: Path) -> None:
    write(tmp_path / "release" / "static" / "site.css", "body {}")
    (tmp_path / "current").symlink_to(tmp_path / "release", target_is_directory=True)
    root = tmp_path / "current" / "static"

    assert FileSystemFinder([root]).find("site.css") == root / "site.css"
