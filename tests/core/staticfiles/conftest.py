"""Fixtures of the static files tests: source directories, apps with static/, a root."""

from __future__ import annotations

import importlib
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

MakeApp = Callable[[str], Path]


def write(path: Path, content: str | bytes) -> Path:
    """Write `content` to `path`, creating its directories; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeApp:
    """Return a factory of importable app packages; each returns its `static/` directory.

    Names get a random suffix: a module imported by one test must not stand in for
    another test's app of the same name.
    """
    apps_dir = tmp_path / "apps"
    apps_dir.mkdir()
    monkeypatch.syspath_prepend(str(apps_dir))

    def make(label: str) -> Path:
        name = f"{label}_{secrets.token_hex(4)}"
        write(apps_dir / name / "__init__.py", "")
        (apps_dir / name / "static").mkdir()
        importlib.invalidate_caches()
        return apps_dir / name / "static"

    return make


@pytest.fixture
def source(tmp_path: Path, settings: Any) -> Path:
    """A STATICFILES_DIRS entry, with a secret file beside it that must never be served."""
    directory = tmp_path / "project" / "static"
    directory.mkdir(parents=True)
    write(tmp_path / "project" / "settings.py", "SECRET_KEY = 'top-secret'\n")
    settings.STATICFILES_DIRS = [directory]
    return directory


@pytest.fixture
def static_root(tmp_path: Path, settings: Any) -> Path:
    """STATIC_ROOT, set to a directory that does not exist yet."""
    root = tmp_path / "collected"
    settings.STATIC_ROOT = root
    return root
