"""Find static files in STATICFILES_DIRS, then in each installed app's `static/` directory.

The first directory holding a name wins, so a project overrides an app's file by putting
its own under the same name in STATICFILES_DIRS. A name never leads outside its
directory: absolute names, `..`, backslashes and NUL are refused, and a symbolic link
counts only if what it points at is inside the same directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from core.conf import per_settings, settings

# Names that are never static files: editor backups; hidden files are refused by
# `clean_name()` itself (.git, .env, .DS_Store).
IGNORED_SUFFIXES = ("~",)


def clean_name(name: str) -> str | None:
    """Return `name` if it is a safe relative name like `css/site.css`, else None.

    Every way of climbing out of a directory, or of naming the same file twice, is
    refused rather than normalised: a client that sends one is not asking for a file.
    """
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return None
    for part in name.split("/"):
        # "" (a//b, trailing slash), "." and ".." and hidden files alike start badly.
        if not part or part.startswith(".") or part.endswith(IGNORED_SUFFIXES):
            return None
    return name


class FileSystemFinder:
    """Look names up in an ordered list of directories; the first one holding a name wins."""

    def __init__(self, roots: Sequence[str | Path]) -> None:
        self.roots = [Path(root) for root in roots]

    def find(self, name: str) -> Path | None:
        """Return the path of the file called `name`, or None if no directory has it."""
        cleaned = clean_name(name)
        if cleaned is None:
            return None
        for root in self.roots:
            path = _inside(root, cleaned)
            if path is not None:
                return path
        return None

    def list_files(self) -> Iterator[tuple[str, Path]]:
        """Yield (name, path) for every file, each name once, sorted by name."""
        found: dict[str, Path] = {}
        for root in self.roots:
            for name in _walk(root):
                if name not in found:
                    path = _inside(root, name)
                    if path is not None:
                        found[name] = path
        yield from sorted(found.items())


def _inside(root: Path, name: str) -> Path | None:
    # Resolve both: a link inside the root may point anywhere, and the root itself
    # may be reached through a link (common for deployed releases).
    real_root = root.resolve()
    candidate = root / name
    try:
        target = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a link loop, or a component not a directory
        return None
    if not target.is_relative_to(real_root) or not target.is_file():
        return None
    return candidate


def _walk(root: Path) -> Iterator[str]:
    # Linked directories are not descended into: a link to an ancestor would never end.
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if clean_name(d) is not None)
        relative = Path(directory).relative_to(root).as_posix()
        for filename in filenames:
            name = filename if relative == "." else f"{relative}/{filename}"
            if clean_name(name) is not None:
                yield name


def source_dirs() -> list[Path]:
    """Return the directories searched, in order: STATICFILES_DIRS, then apps' `static/`."""
    from core.apps import get_apps

    dirs = [Path(directory) for directory in settings.STATICFILES_DIRS]
    dirs.extend(app.path / "static" for app in get_apps())
    return dirs


@per_settings
def get_finder() -> FileSystemFinder:
    """Return the finder of the current settings (directories may appear later)."""
    return FileSystemFinder(source_dirs())


def find(name: str) -> Path | None:
    """Return the path of the static file `name` under the current settings, or None."""
    return get_finder().find(name)


__all__ = ["FileSystemFinder", "clean_name", "find", "get_finder", "source_dirs"]
