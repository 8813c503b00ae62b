"""The changelist's query: search (`?q=`), sidebar filters, date drill-down, sort headers.

Every parameter is checked against what the ModelAdmin declares: a filter name it does
not know, or a value a filter cannot take, is a 400, never SQL. Search terms go into
LIKE patterns with `%` and `_` escaped, so they match only themselves.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
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
)
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

from core.admin.filters import FilterChoice, ListFilter
from core.exceptions import ImproperlyConfigured
from core.http import HTTPBadRequest

if TYPE_CHECKING:
    from core.admin.options import ModelAdmin
    from core.http import Request

SEARCH_VAR = "q"
ORDER_VAR = "o"
PAGE_VAR = "p"
# Longer searches are cut: a few words find anything a person looks for.
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_TERMS = 10
_TERM = re.compile(r'"([^"]*)"|(\S+)')


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
        if any("\x00" in key or "\x00" in value for key, value in self.params.items()):
            raise HTTPBadRequest("The address holds a null character: remove it.")
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
    "ORDER_VAR",
    "PAGE_VAR",
    "SEARCH_VAR",
    "ChangeList",
    "ListFilter",
    "check_search_field",
    "search_clause",
    "search_terms",
]
