"""The changelist's sidebar filters: one per list_filter entry, each reading one parameter.

    BooleanFieldListFilter     ?in_print=1 / 0 (/ null)
    ChoicesFieldListFilter     ?status=<an Enum member's name>
    RelatedFieldListFilter     ?author=<the related row's key>
    DateFieldListFilter        ?published=today / past_7_days / this_month / this_year (/ null)
    AllValuesFieldListFilter   ?pages=<a value of the column>

A value a filter cannot take raises ValueError, which the changelist answers with 400.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Select,
    inspect,
    select,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

from core.exceptions import ImproperlyConfigured
from core.forms.converters import column_type, default_label
from orm.models import coerce_for_column

if TYPE_CHECKING:
    from core.admin.changelist import ChangeList
    from core.admin.options import ModelAdmin
    from core.http import Request

# Sidebars list this many related rows or values at most.
RELATED_CHOICES_LIMIT = 100


@dataclass(frozen=True)
class FilterChoice:
    """One link of a sidebar filter."""

    label: str
    query_string: str
    selected: bool


class ListFilter:
    """A sidebar filter of the changelist: a title, choices, and what a choice selects.

    Subclass it for a filter of your own (list it in list_filter):

        class DecadeFilter(admin.ListFilter):
            title = "decade"
            parameter_name = "decade"

            def lookups(self, request):
                return [("1990", "the 1990s"), ("2000", "the 2000s")]

            def filter(self, request, statement, value):
                start = int(value)
                return statement.where(Book.year.between(start, start + 9))
    """

    title = ""
    parameter_name = ""

    def __init__(self, model_admin: ModelAdmin[Any]) -> None:
        self.model_admin = model_admin
        if not self.parameter_name:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a parameter_name: the query parameter it reads."
            )

    def lookups(self, request: Request) -> Sequence[tuple[str, str]]:
        """Return (value, label) pairs of the choices."""
        return []

    def filter(self, request: Request, statement: Select[Any], value: str) -> Select[Any]:
        """Return `statement` narrowed to `value`; raise ValueError for a value not allowed."""
        return statement

    def check_value(self, request: Request, value: str) -> None:
        """Raise ValueError if `value` is not one of the lookups."""
        if value not in {choice for choice, _ in self.lookups(request)}:
            raise ValueError(value)

    def choices(self, request: Request, changelist: ChangeList) -> list[FilterChoice]:
        """Return "All" then one link per lookup, marking the selected one."""
        current = changelist.filter_values.get(self.parameter_name)
        links = [
            FilterChoice(
                "All", changelist.query_string(remove=[self.parameter_name]), current is None
            )
        ]
        for value, label in self.lookups(request):
            links.append(
                FilterChoice(
                    label,
                    changelist.query_string({self.parameter_name: value}),
                    current == value,
                )
            )
        return links


class FieldListFilter(ListFilter):
    """A filter on one column (or many-to-one relationship) of the model."""

    def __init__(self, model_admin: ModelAdmin[Any], name: str, column: Any) -> None:
        self.parameter_name = name
        self.column = column
        self.attribute = getattr(model_admin.model, column.key)
        self.title = str(column.info.get("label") or default_label(column.key, column)).lower()
        super().__init__(model_admin)


class BooleanFieldListFilter(FieldListFilter):
    """Yes / No (and Unknown for a nullable column)."""

    def lookups(self, request: Request) -> Sequence[tuple[str, str]]:
        choices = [("1", "Yes"), ("0", "No")]
        return [*choices, ("null", "Unknown")] if self.column.nullable else choices

    def filter(self, request: Request, statement: Select[Any], value: str) -> Select[Any]:
        self.check_value(request, value)
        if value == "null":
            return statement.where(self.attribute.is_(None))
        return statement.where(self.attribute.is_(value == "1"))


class ChoicesFieldListFilter(FieldListFilter):
    """One choice per value of an Enum column."""

    def lookups(self, request: Request) -> Sequence[tuple[str, str]]:
        type_ = column_type(self.column)
        enum_class = getattr(type_, "enum_class", None)
        if enum_class is not None:
            return [
                (member.name, member.name.replace("_", " ").capitalize()) for member in enum_class
            ]
        return [(value, value) for value in getattr(type_, "enums", [])]

    def filter(self, request: Request, statement: Select[Any], value: str) -> Select[Any]:
        self.check_value(request, value)
        enum_class = getattr(column_type(self.column), "enum_class", None)
        wanted: Any = enum_class[value] if enum_class is not None else value
        return statement.where(self.attribute == wanted)


class RelatedFieldListFilter(FieldListFilter):
    """One choice per related row (the first RELATED_CHOICES_LIMIT, by key)."""

    def __init__(self, model_admin: ModelAdmin[Any], name: str, column: Any) -> None:
        super().__init__(model_admin, name, column)
        self.target = next(iter(column.foreign_keys)).column
        if name != column.key:
            self.title = name.replace("_", " ")

    def lookups(self, request: Request) -> Sequence[tuple[str, str]]:
        mapper = _mapper_of_table(self.model_admin.model, self.target.table)
        if mapper is None:
            values = request.db.scalars(
                select(self.target).order_by(self.target).limit(RELATED_CHOICES_LIMIT)
            )
            return [(str(value), str(value)) for value in values]
        key = mapper.get_property_by_column(self.target).key
        rows = request.db.scalars(
            select(mapper.class_).order_by(self.target).limit(RELATED_CHOICES_LIMIT)
        )
        return [(str(getattr(row, key)), str(row)) for row in rows]

    def filter(self, request: Request, statement: Select[Any], value: str) -> Select[Any]:
        return statement.where(self.attribute == coerce_for_column(self.column, value))


class DateFieldListFilter(FieldListFilter):
    """Today, the past 7 days, this month, this year (and no date, when nullable)."""

    def lookups(self, request: Request) -> Sequence[tuple[str, str]]:
        choices = [
            ("today", "Today"),
            ("past_7_days", "Past 7 days"),
            ("this_month", "This month"),
            ("this_year", "This year"),
        ]
        return [*choices, ("null", "No date")] if self.column.nullable else choices

    def filter(self, request: Request, statement: Select[Any], value: str) -> Select[Any]:
        self.check_value(request, value)
        if value == "null":
            return statement.where(self.attribute.is_(None))
        today = datetime.datetime.now(datetime.UTC).date()
        start = {
            "today": today,
            "past_7_days": today - datetime.timedelta(days=7),
            "this_month": today.replace(day=1),
            "this_year": today.replace(month=1, day=1),
        }[value]
        end = today + datetime.timedelta(days=1)
        return statement.where(
            self.attribute >= self._bound(start), self.attribute < self._bound(end)
        )

    def _bound(self, day: datetime.date) -> Any:
        type_ = column_type(self.column)
        if not isinstance(type_, sqltypes.DateTime):
            return day
        moment = datetime.datetime.combine(day, datetime.time())
        return moment.replace(tzinfo=datetime.UTC) if type_.timezone else moment


class AllValuesFieldListFilter(FieldListFilter):
    """One choice per distinct value of the column (the first RELATED_CHOICES_LIMIT)."""

    def lookups(self, request: Request) -> Sequence[tuple[str, str]]:
        statement = (
            select(self.attribute)
            .where(self.attribute.is_not(None))
            .distinct()
            .order_by(self.attribute)
            .limit(RELATED_CHOICES_LIMIT)
        )
        return [(str(value), str(value)) for value in request.db.scalars(statement)]

    def filter(self, request: Request, statement: Select[Any], value: str) -> Select[Any]:
        return statement.where(self.attribute == coerce_for_column(self.column, value))


def make_filter(model_admin: ModelAdmin[Any], entry: Any) -> ListFilter:
    """Return the filter of one list_filter entry: a field name, or a ListFilter class."""
    if isinstance(entry, type) and issubclass(entry, ListFilter):
        return entry(model_admin)
    model = model_admin.model
    name = type(model_admin).__name__
    if not isinstance(entry, str):
        raise ImproperlyConfigured(
            f"{name}.list_filter holds {entry!r}: use a field name or a ListFilter subclass."
        )
    prop = inspect(model).attrs.get(entry)
    if isinstance(prop, RelationshipProperty) and not prop.uselist:
        column = next(iter(prop.local_columns))
        return RelatedFieldListFilter(model_admin, entry, column)
    if not isinstance(prop, ColumnProperty):
        raise ImproperlyConfigured(
            f"{name}.list_filter names {entry!r}, which is not a column or many-to-one "
            f"relationship of {model.__name__}: use one of "
            f"{', '.join(inspect(model).columns.keys())}."
        )
    column = prop.columns[0]
    type_ = column_type(column)  # type: ignore[arg-type]
    if column.foreign_keys:
        return RelatedFieldListFilter(model_admin, entry, column)
    if isinstance(type_, sqltypes.Boolean):
        return BooleanFieldListFilter(model_admin, entry, column)
    if isinstance(type_, sqltypes.Enum):
        return ChoicesFieldListFilter(model_admin, entry, column)
    if isinstance(type_, sqltypes.Date | sqltypes.DateTime):
        return DateFieldListFilter(model_admin, entry, column)
    return AllValuesFieldListFilter(model_admin, entry, column)


def _mapper_of_table(model: type[Any], table: Any) -> Any:
    for mapper in inspect(model).registry.mappers:
        if mapper.local_table is table:
            return mapper
    return None


__all__ = [
    "AllValuesFieldListFilter",
    "BooleanFieldListFilter",
    "ChoicesFieldListFilter",
    "DateFieldListFilter",
    "FieldListFilter",
    "FilterChoice",
    "ListFilter",
    "RelatedFieldListFilter",
    "make_filter",
]
