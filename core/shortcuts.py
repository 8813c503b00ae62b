"""Shortcuts for the common cases of views: render a template, redirect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from core.exceptions import DisallowedRedirect
from core.http import HTTPNotFound, Request, Response
from core.templating import render_to_string
from core.urls import NoReverseMatch, reverse
from orm.models import coerce_for_column

_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
M = TypeVar("M")


def render(
    request: Request,
    template_name: str | Sequence[str],
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    content_type: str | None = None,
) -> Response:
    """Render a template with the request's context into a Response."""
    body = render_to_string(template_name, context, request)
    response = Response(body, status=status)
    if content_type:
        response.content_type = content_type
    return response


def redirect(to: str, *args: Any, permanent: bool = False, **kwargs: Any) -> Response:
    """Redirect to a URL pattern's name (with arguments) or to a URL.

    `redirect("article", pk=1)` reverses the name; `redirect("/path/")` is used as it is.
    """
    try:
        url = reverse(to, args or None, kwargs or None)
    except NoReverseMatch:
        if args or kwargs or ("/" not in to and "." not in to):
            raise
        url = to
    if url.strip().lower().startswith(_UNSAFE_SCHEMES):
        raise DisallowedRedirect(f"Refusing to redirect to {url[:40]!r}: unsafe scheme.")
    return Response(status=301 if permanent else 302, location=url)


def get_object_or_404(
    model: type[M], pk: Any = None, /, *, session: Session | None = None, **filters: Any
) -> M:
    """Return the row of `model` with primary key `pk` (or matching `filters`), or raise 404.

        article = get_object_or_404(Article, pk)
        article = get_object_or_404(Article, slug=slug, session=request.db)

    The session defaults to the current one (the request's inside a view). A key of the
    wrong type (`"abc"` for an integer key) is a 404 too, on every database.
    """
    from orm.session import get_session

    session = session or get_session()
    mapper = inspect(model)
    try:
        key = None if pk is None else _coerce_pk(mapper, pk)
        values = {
            name: coerce_for_column(mapper.columns[name], value)
            if name in mapper.columns
            else value
            for name, value in filters.items()
        }
    except ValueError:
        # A value the column cannot hold matches nothing; checking before the query keeps
        # the database from failing the whole transaction over it (PostgreSQL would).
        found = None
    else:
        if key is not None and not values:
            found = session.get(model, key)
        else:
            statement = select(model).filter_by(**values)
            if key is not None:
                statement = statement.where(*_pk_clause(model, key))
            found = session.scalars(statement).one_or_none()
    if found is None:
        raise HTTPNotFound(f"No {getattr(model, '__name__', 'object')} matches the given query.")
    return found


def _coerce_pk(mapper: Any, pk: Any) -> Any:
    columns = mapper.primary_key
    values = pk if isinstance(pk, tuple) else (pk,)
    if len(values) != len(columns):
        raise ValueError("wrong number of key values")
    coerced = [coerce_for_column(c, v) for c, v in zip(columns, values, strict=True)]
    return tuple(coerced) if isinstance(pk, tuple) else coerced[0]


def _pk_clause(model: Any, pk: Any) -> list[Any]:
    columns = inspect(model).primary_key
    values = pk if isinstance(pk, tuple) else (pk,)
    return [column == value for column, value in zip(columns, values, strict=True)]
