"""Scaffolding: render a template directory into a new project or app.

Files ending in `-tpl` (`settings.py-tpl`) are rendered with Jinja2 and lose the suffix;
every other file, Jinja2 templates included, is copied byte for byte. A directory or
file named `project_name` or `app_name` takes the new name. Nothing is ever overwritten.
"""

from __future__ import annotations

import importlib.util
import keyword
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from core.management.base import CommandError

RENDERED_SUFFIX = "-tpl"
SKIPPED = {"__pycache__", ".DS_Store"}


def validate_name(name: str, kind: str) -> None:
    """Refuse a name that is not an identifier or that would shadow an importable module."""
    if not name:
        raise CommandError(f"Give the {kind} a name.")
    if not name.isidentifier():
        raise CommandError(
            f"{name!r} is not a valid {kind} name: use letters, digits and underscores, "
            f"not starting with a digit."
        )
    if keyword.iskeyword(name):
        raise CommandError(f"{name!r} is a Python keyword: choose another {kind} name.")
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        found = True
    else:
        # A plain directory (a namespace package) is no module: it may be the target itself.
        found = spec is not None and spec.origin not in (None, "namespace")
    if found:
        raise CommandError(
            f"{name!r} conflicts with the name of an existing Python module and cannot be "
            f"used as a {kind} name: choose another one."
        )


def plan(source: Path, target: Path, replacements: Mapping[str, str]) -> list[tuple[Path, Path]]:
    """Return (template file, destination) pairs, without touching the disk."""
    pairs = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or SKIPPED.intersection(relative.parts) or path.suffix == ".pyc":
            continue
        parts = [replacements.get(part, part) for part in relative.parts]
        destination = target.joinpath(*parts)
        if destination.name.endswith(RENDERED_SUFFIX):
            destination = destination.with_name(destination.name[: -len(RENDERED_SUFFIX)])
        pairs.append((path, destination))
    return pairs


def render_tree(
    source: Path, target: Path, context: Mapping[str, Any], replacements: Mapping[str, str]
) -> list[Path]:
    """Write the rendered template tree into `target`; return the files written."""
    pairs = plan(source, target, replacements)
    existing = [destination for _, destination in pairs if destination.exists()]
    if existing:
        shown = ", ".join(str(path) for path in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise CommandError(f"{shown}{more} already exist(s); files are never overwritten.")
    # Python source, not HTML: escaping would corrupt it.
    env = jinja2.Environment(
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701
        undefined=jinja2.StrictUndefined,
    )
    written = []
    for template, destination in pairs:
        destination.parent.mkdir(parents=True, exist_ok=True)
        if template.name.endswith(RENDERED_SUFFIX):
            text = env.from_string(template.read_text(encoding="utf-8")).render(context)
            destination.write_text(text, encoding="utf-8")
            shutil.copymode(template, destination)
        else:
            shutil.copyfile(template, destination)
        written.append(destination)
    return written
