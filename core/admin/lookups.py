"""What a name in list_display or readonly_fields means, and how its value is shown.

A name is a column or many-to-one relationship of the model, a method of the
ModelAdmin, an attribute or method of the model, a callable, or "__str__". Each resolves
once, when the ModelAdmin is made, so a misspelt name fails at start-up with the fix.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

from core.exceptions import ImproperlyConfigured
from core.forms.converters import default_label

if TYPE_CHECKING:
    from core.admin.options import BaseModelAdmin

EMPTY_VALUE_DISPLAY = "—"


def verbose_name(model: type[Any]) -> str:
    """Return a model's name for people: ArticleTag -> "article tag"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", model.__name__).lower()


@dataclass(frozen=True)
class AdminField:
    """A resolved list_display or readonly_fields entry."""

    name: str
    label: str
    getter: Callable[[Any], Any]
    ordering: str | None = None
    boolean: bool = False
    empty_value: str | None = None

    def value(self, obj: Any) -> Any:
        """Return the raw value for `obj`."""
        return self.getter(obj)

    def display(self, obj: Any, empty_value: str = EMPTY_VALUE_DISPLAY) -> str | Markup:
        """Return the value for `obj` as text (or a yes/no icon), ready to be escaped."""
        shown: str | Markup = display_value(
            self.value(obj), self.boolean, self.empty_value or empty_value
        )
        return shown


def display_value(value: Any, boolean: bool = False, empty: str = EMPTY_VALUE_DISPLAY) -> Any:
    """Format a value for a cell: icons for booleans, ISO dates, enum names, "—" for None."""
    if boolean or isinstance(value, bool):
        if value is None:
            return Markup(
                '<span class="bool bool-unknown" role="img" aria-label="Unknown">?</span>'
            )
        if value:
            return Markup('<span class="bool bool-yes" role="img" aria-label="Yes">✓</span>')
        return Markup('<span class="bool bool-no" role="img" aria-label="No">✗</span>')
    if value is None or value == "":
        return empty
    if isinstance(value, enum.Enum):
        return str(value.name).replace("_", " ").capitalize()
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date | datetime.time | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value) or empty
    return str(value)


def resolve_field(admin: BaseModelAdmin[Any], name: Any, option: str) -> AdminField:
    """Resolve one entry of `option` (list_display, readonly_fields) on `admin`."""
    model = admin.model
    if callable(name):
        return _from_callable(getattr(name, "__name__", "value"), name, lambda obj: name(obj))
    if not isinstance(name, str):
        raise ImproperlyConfigured(
            f"{type(admin).__name__}.{option} holds {name!r}: use a field name (a string) or "
            f"a callable."
        )
    if name == "__str__":
        return AdminField(name, verbose_name(model).capitalize(), str)
    method = getattr(type(admin), name, None)
    if callable(method):
        bound = getattr(admin, name)
        return _from_callable(name, method, lambda obj: bound(obj))
    mapper = inspect(model)
    prop = mapper.attrs.get(name)
    if isinstance(prop, ColumnProperty):
        column = prop.columns[0]
        return AdminField(
            name,
            str(column.info.get("label") or default_label(name, column)),  # type: ignore[arg-type]
            lambda obj: getattr(obj, name),
            ordering=name,
            boolean=isinstance(column.type, sqltypes.Boolean),
        )
    if isinstance(prop, RelationshipProperty):
        local = [column.key for column in prop.local_columns if column.key]
        ordering = next((key for key in local if key in mapper.columns), None)
        label = name.replace("_", " ").capitalize()
        return AdminField(name, label, lambda obj: getattr(obj, name), ordering=ordering)
    attribute = getattr(model, name, None)
    if attribute is not None:
        target = attribute.fget if isinstance(attribute, property) else attribute
        return _from_callable(name, target, lambda obj: _call_if_callable(getattr(obj, name)))
    raise ImproperlyConfigured(
        f"{type(admin).__name__}.{option} names {name!r}, which is not a column of "
        f"{model.__name__} ({', '.join(mapper.columns.keys())}), a method of "
        f"{type(admin).__name__}, nor an attribute of {model.__name__}: correct the name, or "
        f"define {name}(self, obj) on {type(admin).__name__}."
    )


def _call_if_callable(value: Any) -> Any:
    return value() if callable(value) else value


def _from_callable(name: str, source: Any, getter: Callable[[Any], Any]) -> AdminField:
    label = getattr(source, "short_description", None) or name.replace("_", " ").capitalize()
    return AdminField(
        name,
        str(label),
        getter,
        ordering=getattr(source, "admin_order_field", None),
        boolean=bool(getattr(source, "boolean", False)),
        empty_value=getattr(source, "empty_value_display", None),
    )


__all__ = ["EMPTY_VALUE_DISPLAY", "AdminField", "display_value", "resolve_field", "verbose_name"]
