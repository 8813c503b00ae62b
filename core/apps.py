"""The installed apps: imported once, in INSTALLED_APPS order, so every model is known."""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class App:
    """One entry of INSTALLED_APPS: its module, directory and label."""

    name: str
    module: ModuleType
    path: Path

    @property
    def label(self) -> str:
        """The last part of the dotted name: `blog` for `mysite.blog`."""
        return self.name.rpartition(".")[2]

    @property
    def templates_dir(self) -> Path:
        """The app's own templates directory (it may not exist)."""
        return self.path / "templates"


_registry: dict[tuple[str, ...], list[App]] = {}


def populate(installed_apps: list[str]) -> list[App]:
    """Import every app and its `models` module, in order; return the apps."""
    key = tuple(installed_apps)
    if key in _registry:
        return _registry[key]
    apps = [_load(name) for name in installed_apps]
    labels: dict[str, str] = {}
    for app in apps:
        if app.label in labels:
            raise ImproperlyConfigured(
                f"INSTALLED_APPS has two apps labelled {app.label!r}: {labels[app.label]!r} "
                f"and {app.name!r}. Rename one of them."
            )
        labels[app.label] = app.name
    for app in apps:
        if importlib.util.find_spec(f"{app.name}.models") is not None:
            importlib.import_module(f"{app.name}.models")
    _registry.clear()
    _registry[key] = apps
    return apps


def get_apps() -> list[App]:
    """Return the apps of the current settings, importing them if needed."""
    from core.conf import settings

    return populate(settings.INSTALLED_APPS)


def _load(name: str) -> App:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise ImproperlyConfigured(
                f"INSTALLED_APPS lists {name!r}, which cannot be imported: check the spelling, "
                f"or create it with 'manage.py startapp {name.rpartition('.')[2]}'."
            ) from exc
        raise
    paths = list(getattr(module, "__path__", []))
    if not paths and module.__file__:
        raise ImproperlyConfigured(
            f"INSTALLED_APPS lists {name!r}, which is a module, not a package: an app is a "
            f"directory with an __init__.py."
        )
    if len(paths) != 1:
        raise ImproperlyConfigured(
            f"The app {name!r} has no single directory ({paths!r}): give it an __init__.py."
        )
    return App(name=name, module=module, path=Path(paths[0]))
