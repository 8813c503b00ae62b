"""Shortcuts for the common cases of views: render a template, redirect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from core.http import HTTPNotFound, Request, Response, url_scheme
from core.templating import render_to_string
from core.urls import NoReverseMatch, get_resolver, reverse
from orm.models import coerce_for_column

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

    `redirect("article", pk=1)` reverses the name; `redirect("/path/")` is used as it is,
    its non-ASCII characters percent-encoded. A URL whose scheme is not http or https
    (`javascript:`, `data:`) raises DisallowedRedirect, which the handler answers with 400
    and logs on the `stoa.security.DisallowedRedirect` logger.
    """
    try:
        url = reverse(to, args or None, kwargs or None)
    except NoReverseMatch:
        if args or kwargs or not _is_url(to):
            raise
        url = to
    return Response(status=301 if permanent else 302, location=url)


def _is_url(to: str) -> bool:
    """Say whether `to`, which names no URL pattern, is a URL rather than a mistyped name."""
    if "/" in to or "." in to:
        return True
    # "javascript:alert(1)" reads like a namespaced name; it is one only if the namespace is.
    scheme = url_scheme(to)
    if scheme is None:
        return False
    namespace = to.partition(":")[0] + ":"
    return not any(name.startswith(namespace) for name in get_resolver().reverse_dict())


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
