"""The view, add, change and delete permissions of every model, named and created.

    permission_codename(Article, "change")     # "blog.change_article"
    create_permissions(session)                # one row per model and action, if missing

`migrate` calls `create_permissions()` once the database is at the latest migration, as
Django does after its migrations, so a group can be given "blog.change_article" from the
admin right away.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from core.views.mixins import model_label

DEFAULT_ACTIONS: Sequence[str] = ("add", "change", "delete", "view")

_VERBS = {"add": "Can add", "change": "Can change", "delete": "Can delete", "view": "Can view"}


def permission_codename(model: type[Any], action: str) -> str:
    """Return the permission of `action` on `model`: ("blog", "article") -> "blog.view_article"."""
    app_label, model_name = model_label(model)
    return f"{app_label}.{action}_{model_name}"


def permission_name(model: type[Any], action: str) -> str:
    """Return the human name of a permission: "Can change article"."""
    verb = _VERBS.get(action, f"Can {action}")
    return f"{verb} {model_label(model)[1].replace('_', ' ')}"


def installed_models() -> list[type[Any]]:
    """Return the mapped model classes of the installed apps, in a stable order."""
    from core.apps import get_apps
    from orm.models import Model

    names = [app.name for app in get_apps()]
    models = []
    for mapper in Model.registry.mappers:
        module = mapper.class_.__module__
        if any(module == name or module.startswith(f"{name}.") for name in names):
            models.append(mapper.class_)
    return sorted(models, key=lambda model: model_label(model))


def create_permissions(
    session: Session,
    models: Iterable[type[Any]] | None = None,
    actions: Sequence[str] = DEFAULT_ACTIONS,
) -> list[str]:
    """Add the missing permission rows of `models` (default: every installed model).

    Returns the codenames created, in order. The caller commits (or the request does).
    """
    from core.auth.models import Permission

    wanted = {
        permission_codename(model, action): permission_name(model, action)
        for model in (installed_models() if models is None else models)
        if inspect(model, raiseerr=False) is not None
        for action in actions
    }
    if not wanted:
        return []
    existing = set(session.scalars(select(Permission.codename)))
    created = [codename for codename in wanted if codename not in existing]
    session.add_all(Permission(codename=codename, name=wanted[codename]) for codename in created)
    session.flush()
    return created


__all__ = [
    "DEFAULT_ACTIONS",
    "create_permissions",
    "installed_models",
    "permission_codename",
    "permission_name",
]
