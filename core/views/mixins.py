"""What the model views share: the model (or statement) they work on, and its names."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import Select

from core.exceptions import ImproperlyConfigured
from orm.models import table_name_for

M = TypeVar("M")


class ModelMixin(Generic[M]):
    """Name the model of a view: `model`, or the entity that `query` selects."""

    model: type[M] | None = None
    query: Select[Any] | None = None

    def get_model(self) -> type[M]:
        """Return the model class, from `model` or from the entity `query` selects."""
        if self.model is not None:
            return self.model
        if self.query is not None:
            entity = self.query.column_descriptions[0].get("entity")
            if entity is not None:
                return entity  # type: ignore[no-any-return]
        name = type(self).__name__
        raise ImproperlyConfigured(
            f"{name} needs a model or a query: set {name}.model or override get_query()."
        )


def model_label(model: type[Any]) -> tuple[str, str]:
    """Return (app label, model name) for default template names: ("blog", "article")."""
    from core.apps import get_apps

    module = model.__module__
    app_label = module.partition(".")[0]
    for app in get_apps():
        if module == app.name or module.startswith(app.name + "."):
            app_label = app.label
            break
    return app_label, table_name_for(model.__name__)
