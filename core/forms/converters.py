"""Form fields for SQLAlchemy columns: by type, nullability, length, default and choices.

    String(n) -> StringField + Length(max=n)     Text -> TextAreaField
    Integer, BigInteger -> IntegerField          Numeric -> DecimalField
    (numbers bounded by what the column holds: 32 bits for Integer, precision for Numeric)
    Float -> FloatField                          Boolean -> BooleanField (never required)
    Date -> DateField    DateTime -> DateTimeField    Time -> TimeField
    Enum -> SelectField with the enum's choices
    ForeignKey -> IntegerField, or a SelectField of the related rows given a session

A nullable column gives Optional(); one that is not nullable and has no default gives
InputRequired(). A column's `info={"label": ..., "help_text": ...}` (or its `comment`)
sets the field's label and help text.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import Mapper
from wtforms import (  # type: ignore[import-untyped, unused-ignore]
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import (  # type: ignore[import-untyped, unused-ignore]
    enum_choices,
    enum_coerce,
)

from core.forms.fields import DateTimeField
from core.forms.validators import InputRequired, Length, NumberRange, Optional

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.orm import Session, registry

BLANK_CHOICE_LABEL = "---------"
NO_DEFAULT = object()

# Checked in order: Enum and Text are kinds of String, Float a kind of Numeric.
FIELD_CLASSES: list[tuple[type[sqltypes.TypeEngine[Any]], Any]] = [
    (sqltypes.Boolean, BooleanField),
    (sqltypes.Text, TextAreaField),
    (sqltypes.String, StringField),
    (sqltypes.Integer, IntegerField),
    (sqltypes.Float, FloatField),
    (sqltypes.Numeric, DecimalField),
    (sqltypes.DateTime, DateTimeField),
    (sqltypes.Date, DateField),
    (sqltypes.Time, TimeField),
]


def editable_by_default(column: Column[Any]) -> bool:
    """Say whether a column gets a field without being listed in Meta.fields.

    Primary keys and values the database or the application computes (server defaults,
    autoincrement, callable or SQL defaults, onupdate, computed and identity columns)
    are left out; list one in Meta.fields to edit it anyway.
    """
    default = column.default
    return not (
        column.primary_key
        or column.server_default is not None
        or column.autoincrement is True
        or (default is not None and not default.is_scalar)
        or column.onupdate is not None
        or column.server_onupdate is not None
        or column.computed is not None
        or column.identity is not None
    )


def has_default(column: Column[Any]) -> bool:
    """Say whether the database or SQLAlchemy fills the column when it is not given."""
    return column.default is not None or column.server_default is not None


def scalar_default(column: Column[Any]) -> Any:
    """Return the column's plain `default=` value, or NO_DEFAULT."""
    default = column.default
    if default is not None and default.is_scalar:
        return getattr(default, "arg", NO_DEFAULT)
    return NO_DEFAULT


def column_type(column: Column[Any]) -> sqltypes.TypeEngine[Any]:
    """Return the column's type, the referenced column's for a foreign key declared bare."""
    if isinstance(column.type, sqltypes.NullType) and column.foreign_keys:
        return next(iter(column.foreign_keys)).column.type
    return column.type


def field_for_column(
    key: str,
    column: Column[Any],
    *,
    session: Session | None = None,
    models: registry | None = None,
) -> Any | None:
    """Return an unbound field for `column` (mapped as `key`), or None for an unknown type.

    With a session, a foreign key becomes a SelectField of the rows it may point to,
    labelled by str(row) when the `models` registry maps their table.
    """
    type_ = column_type(column)
    kwargs: dict[str, Any] = {
        "label": column.info.get("label") or default_label(key, column),
        "description": column.info.get("help_text") or column.comment or "",
    }
    if isinstance(type_, sqltypes.Boolean):
        return BooleanField(**kwargs)
    kwargs["validators"] = _validators(column, type_)
    if column.nullable:
        kwargs["filters"] = [empty_to_none]
    if column.foreign_keys and session is not None:
        return SelectField(
            choices=foreign_key_choices(column, session, models),
            coerce=_blank_to_none(_coerce_like(type_)),
            **kwargs,
        )
    if isinstance(type_, sqltypes.Enum):
        return _enum_field(column, type_, kwargs)
    if isinstance(type_, sqltypes.Numeric) and not isinstance(type_, sqltypes.Float):
        kwargs["places"] = type_.scale
    for sql_type, field_class in FIELD_CLASSES:
        if isinstance(type_, sql_type):
            return field_class(**kwargs)
    return None


def default_label(key: str, column: Column[Any]) -> str:
    """Return a label from the attribute name: "author_id" (a foreign key) -> "Author"."""
    if column.foreign_keys and key.endswith("_id"):
        key = key.removesuffix("_id")
    return key.replace("_", " ").capitalize()


def empty_to_none(value: Any) -> Any:
    """Store NULL, not "", for a nullable column left blank."""
    return None if value == "" else value


# The integers a column of each type holds on every database (SQLite's are 64-bit).
INTEGER_BOUNDS: list[tuple[type[sqltypes.Integer], int]] = [
    (sqltypes.SmallInteger, 2**15),
    (sqltypes.BigInteger, 2**63),
    (sqltypes.Integer, 2**31),
]


def _validators(column: Column[Any], type_: sqltypes.TypeEngine[Any]) -> list[Any]:
    validators: list[Any] = [
        Optional() if column.nullable or has_default(column) else InputRequired()
    ]
    length = getattr(type_, "length", None)
    if isinstance(type_, sqltypes.String) and not isinstance(type_, sqltypes.Enum) and length:
        validators.append(Length(max=length))
    # A number the column cannot hold is the user's mistake, not a database error.
    for integer_type, bound in INTEGER_BOUNDS:
        if isinstance(type_, integer_type):
            validators.append(NumberRange(min=-bound, max=bound - 1))
            break
    precision = getattr(type_, "precision", None)
    if isinstance(type_, sqltypes.Numeric) and not isinstance(type_, sqltypes.Float) and precision:
        scale = type_.scale or 0
        largest = Decimal(10) ** (precision - scale) - Decimal(10) ** -scale
        validators.append(NumberRange(min=-largest, max=largest))
    return validators


def _enum_field(column: Column[Any], type_: sqltypes.Enum, kwargs: dict[str, Any]) -> Any:
    enum_class: type[enum.Enum] | None = type_.enum_class
    if enum_class is not None:
        choices = enum_choices(enum_class, by="name")
        coerce: Callable[[Any], Any] = enum_coerce(enum_class, by="name")
    else:
        choices = [SelectChoice(value) for value in type_.enums]
        coerce = str
    if column.nullable or scalar_default(column) is NO_DEFAULT:
        choices.insert(0, SelectChoice("", BLANK_CHOICE_LABEL))
    return SelectField(choices=choices, coerce=_blank_to_none(coerce), **kwargs)


def foreign_key_choices(
    column: Column[Any], session: Session, models: registry | None = None
) -> list[Any]:
    """Return a blank choice, then one per row the foreign key may point to.

    Rows of a model mapped in the `models` registry are labelled with str(row); others by key.
    """
    target = next(iter(column.foreign_keys)).column
    choices = [SelectChoice("", BLANK_CHOICE_LABEL)]
    mapper = _mapper_for(models, target.table) if models is not None else None
    if mapper is None:
        values = session.scalars(select(target).order_by(target))
        return choices + [SelectChoice(str(value), str(value)) for value in values]
    key = mapper.get_property_by_column(target).key
    rows = session.scalars(select(mapper.class_).order_by(target))
    return choices + [SelectChoice(str(getattr(row, key)), str(row)) for row in rows]


def _mapper_for(models: registry, table: Any) -> Mapper[Any] | None:
    for mapper in models.mappers:
        if mapper.local_table is table:
            return mapper
    return None


def _coerce_like(type_: sqltypes.TypeEngine[Any]) -> Callable[[Any], Any]:
    try:
        python_type = type_.python_type
    except NotImplementedError:
        return str
    return python_type if python_type in (int, str) else str


def _blank_to_none(coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def coerce_or_none(value: Any) -> Any:
        return None if value in ("", None) else coerce(value)

    return coerce_or_none
