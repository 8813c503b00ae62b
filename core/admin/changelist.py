"""The changelist's query: search (`?q=`), sidebar filters, date drill-down, sort headers.

Every parameter is checked against what the ModelAdmin declares: a filter name it does
not know, or a value a filter cannot take, is a 400, never SQL. Search terms go into
LIKE patterns with `%` and `_` escaped, so they match only themselves.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    extract,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

from core.exceptions import ImproperlyConfigured
from core.forms.converters import column_type, default_label
from core.http import HTTPBadRequest
from orm.models import coerce_for_column

if TYPE_CHECKING:
    from core.admin.options import ModelAdmin
    from core.http import Request

SEARCH_VAR = "q"
ORDER_VAR = "o"
PAGE_VAR = "p"
# Longer searches are cut: a few words find anything a person looks for.
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_TERMS = 10
RELATED_CHOICES_LIMIT = 100
_TERM = re.compile(r'"([^"]*)"|(\S+)')


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


# Search


def check_search_field(model: type[Any], path: str, admin_name: str) -> None:
    """Fail at start-up if a search_fields entry does not end on a column."""
    current = model
    parts = path.lstrip("^=").split("__")
    for index, part in enumerate(parts):
        prop = inspect(current).attrs.get(part)
        last = index == len(parts) - 1
        if last and isinstance(prop, ColumnProperty):
            return
        if not last and isinstance(prop, RelationshipProperty):
            current = prop.mapper.class_
            continue
        raise ImproperlyConfigured(
            f"{admin_name}.search_fields names {path!r}, but {part!r} is not a "
            f"{'column' if last else 'relationship'} of {current.__name__}: use a column "
            f"name, or 'relationship__column' to search across a relationship."
        )


def search_terms(query: str) -> list[str]:
    """Split a search into words, keeping "quoted phrases" whole."""
    terms = [quoted or bare for quoted, bare in _TERM.findall(query[:MAX_SEARCH_LENGTH])]
    return [term for term in terms if term][:MAX_SEARCH_TERMS]


def search_clause(model: type[Any], path: str, term: str) -> ColumnElement[bool]:
    """Return "the field at `path` matches `term`": `^path` starts with it, `=path` is it."""
    mode = {"^": "startswith", "=": "exact"}.get(path[:1], "contains")
    return _match(model, path.lstrip("^=").split("__"), term, mode)


def _match(model: type[Any], parts: list[str], term: str, mode: str) -> ColumnElement[bool]:
    attribute = getattr(model, parts[0])
    prop = inspect(model).attrs[parts[0]]
    if len(parts) > 1:
        inner = _match(prop.mapper.class_, parts[1:], term, mode)
        return attribute.any(inner) if prop.uselist else attribute.has(inner)  # type: ignore[no-any-return, unused-ignore]
    is_text = isinstance(prop.columns[0].type, sqltypes.String)
    text = attribute if is_text else cast(attribute, String)
    if mode == "exact":
        return func.lower(text) == term.lower()
    if mode == "startswith":
        return text.istartswith(term, autoescape=True)
    return text.icontains(term, autoescape=True)


class ChangeList:
    """The state of one changelist request: search, filters, ordering and their links."""

    def __init__(self, model_admin: ModelAdmin[Any], request: Request) -> None:
        self.model_admin = model_admin
        self.request = request
        params = request.GET
        self.params: dict[str, str] = {key: str(params.get(key, "")) for key in params}
        self.search_query = self.params.get(SEARCH_VAR, "")
        self.filters = model_admin.get_list_filters()
        self.hierarchy = model_admin.date_hierarchy
        known = {SEARCH_VAR, ORDER_VAR, PAGE_VAR, *(f.parameter_name for f in self.filters)}
        if self.hierarchy:
            known.update(f"{self.hierarchy}__{part}" for part in ("year", "month", "day"))
        unknown = sorted(key for key in self.params if key not in known)
        if unknown:
            raise HTTPBadRequest(
                f"Unknown filter {unknown[0][:100]!r}: remove it from the address."
            )
        self.filter_values = {
            f.parameter_name: self.params[f.parameter_name]
            for f in self.filters
            if f.parameter_name in self.params
        }

    # The query

    def apply(self, statement: Select[Any]) -> Select[Any]:
        """Narrow `statement` by the search, the filters and the date drill-down."""
        statement = self.apply_search(statement)
        for list_filter in self.filters:
            value = self.filter_values.get(list_filter.parameter_name)
            if value is None:
                continue
            try:
                statement = list_filter.filter(self.request, statement, value)
            except (ValueError, KeyError, LookupError):
                raise HTTPBadRequest(
                    f"The filter {list_filter.parameter_name!r} cannot take this value."
                ) from None
        return self.apply_date_hierarchy(statement)

    def apply_search(self, statement: Select[Any]) -> Select[Any]:
        """Keep the rows where every search term matches one of search_fields."""
        fields = self.model_admin.get_search_fields(self.request)
        model = self.model_admin.model
        for term in search_terms(self.search_query) if fields else []:
            statement = statement.where(or_(*(search_clause(model, path, term) for path in fields)))
        return statement

    def date_parts(self) -> dict[str, int]:
        """Return the year, month and day chosen in the date drill-down."""
        parts: dict[str, int] = {}
        for part in ("year", "month", "day"):
            raw = self.params.get(f"{self.hierarchy}__{part}")
            if raw is None:
                break
            if not raw.isdigit() or len(raw) > 4:
                raise HTTPBadRequest(f"The date filter {part!r} must be a number.")
            parts[part] = int(raw)
        return parts

    def apply_date_hierarchy(self, statement: Select[Any]) -> Select[Any]:
        """Keep the rows of the chosen year (month, day) of date_hierarchy."""
        if not self.hierarchy:
            return statement
        column = getattr(self.model_admin.model, self.hierarchy)
        conditions = [extract(part, column) == value for part, value in self.date_parts().items()]
        return statement.where(and_(*conditions)) if conditions else statement

    def date_links(self, statement: Select[Any]) -> list[FilterChoice]:
        """Return the drill-down links: the years, the months of a year, the days of a month."""
        if not self.hierarchy:
            return []
        parts = self.date_parts()
        names = ["year", "month", "day"]
        if len(parts) >= 3:
            return []
        next_part = names[len(parts)]
        column = getattr(self.model_admin.model, self.hierarchy)
        unit = extract(next_part, column)
        values = self.request.db.scalars(
            statement.with_only_columns(unit)
            .where(column.is_not(None))
            .order_by(None)
            .distinct()
            .order_by(unit)
        )
        links = []
        for value in values:
            number = int(value)
            label = (
                datetime.date(2000, number, 1).strftime("%B")
                if next_part == "month"
                else str(number)
            )
            key = f"{self.hierarchy}__{next_part}"
            links.append(FilterChoice(label, self.query_string({key: str(number)}), False))
        return links

    # Links

    def query_string(
        self, changes: Mapping[str, str] | None = None, remove: Sequence[str] = ()
    ) -> str:
        """Return "?..." for the current parameters with `changes` made and `remove` dropped."""
        params = {key: value for key, value in self.params.items() if key not in remove}
        params.pop(PAGE_VAR, None)
        params.update(changes or {})
        return f"?{urlencode(params)}" if params else "?"

    def headers(self, fields: Sequence[Any], current: Sequence[str]) -> list[dict[str, Any]]:
        """Return the column headers: label, and when sortable the link and direction."""
        chosen = current[0] if current else ""
        headers = []
        for field in fields:
            header: dict[str, Any] = {"label": field.label, "name": field.name, "sorted": None}
            if field.ordering:
                ascending = chosen == field.ordering
                descending = chosen == f"-{field.ordering}"
                header["sorted"] = (
                    "ascending" if ascending else "descending" if descending else None
                )
                toggled = f"-{field.ordering}" if ascending else field.ordering
                header["url"] = self.query_string({ORDER_VAR: toggled})
            headers.append(header)
        return headers


__all__ = [
    "AllValuesFieldListFilter",
    "BooleanFieldListFilter",
    "ChangeList",
    "ChoicesFieldListFilter",
    "DateFieldListFilter",
    "FieldListFilter",
    "FilterChoice",
    "ListFilter",
    "RelatedFieldListFilter",
    "check_search_field",
    "make_filter",
    "search_clause",
    "search_terms",
]
