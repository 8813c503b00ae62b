"""Small helpers used across the framework."""

from __future__ import annotations

import importlib
from typing import Any

from core.exceptions import ImproperlyConfigured


def import_string(dotted_path: str, *, setting: str | None = None) -> Any:
    """Import `package.module.attribute` and return the attribute.

    With `setting`, a failure is reported as an ImproperlyConfigured that names it.
    """
    module_path, _, attribute = dotted_path.rpartition(".")
    where = f" (listed in {setting})" if setting else ""
    if not module_path:
        raise ImproperlyConfigured(
            f"{dotted_path!r}{where} is not a dotted path like 'package.module.name'."
        )
    try:
        module = importlib.import_module(module_path)
    except ModuleNotFoundError as exc:
        if exc.name and module_path.startswith(exc.name):
            raise ImproperlyConfigured(
                f"Cannot import {dotted_path!r}{where}: no module named {exc.name!r}."
            ) from exc
        raise
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise ImproperlyConfigured(
            f"Cannot import {dotted_path!r}{where}: module {module_path!r} has no "
            f"attribute {attribute!r}."
        ) from None


def qualified_name(obj: object) -> str:
    """Return `module.QualName` of a function, class or callable instance, for messages."""
    target = getattr(obj, "view_class", obj)
    if not hasattr(target, "__qualname__"):
        target = type(target)
    module = getattr(target, "__module__", None)
    name = getattr(target, "__qualname__", repr(target))
    return f"{module}.{name}" if module else str(name)
