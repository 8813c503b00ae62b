"""Locate the framework's own templates and the project template, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from core.exceptions import ImproperlyConfigured

_PACKAGE = Path(__file__).resolve().parent


@cache
def resource_dir(name: str) -> Path:
    """Return the directory of a bundled resource (`templates` or `project_template`).

    A wheel carries them inside the package (core/_resources/NAME); a source checkout
    keeps them at the repository root.
    """
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise ImproperlyConfigured(
        f"Stoa's {name!r} directory is missing from {_PACKAGE.parent}: reinstall Stoa."
    )
