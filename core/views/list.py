"""Views of many objects: `MultipleObjectMixin`, `BaseListView`, `ListView`.

class ArticleList(ListView[Article]):
    model = Article
    ordering = "-published"
    orderings = ("title", "-title", "published", "-published")  # ?ordering=title
    paginate_by = 20
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import InstrumentedAttribute

from core.exceptions import ImproperlyConfigured
from core.http import HTTPNotFound, Request, Response
from core.views.base import ContextMixin, TemplateResponseMixin, View
from core.views.mixins import ModelMixin, model_label
from orm.models import table_name_for
from orm.pagination import InvalidPage, Page, Paginator

M = TypeVar("M")


class MultipleObjectMixin(ModelMixin[M], ContextMixin):
    """Select the rows of `model` (or `get_query()`), ordered and optionally paginated."""

    allow_empty = True
    ordering: str | Sequence[str] | None = None
    # Orderings a visitor may choose with ?ordering=..., e.g. ("title", "-published").
    orderings: Sequence[str] = ()
    ordering_kwarg = "ordering"
    paginate_by: int | None = None
    page_kwarg = "page"
    paginator_class: type[Paginator[Any]] = Paginator
    context_object_name: str | None = None

    object_list: Sequence[M]
    request: Request
    kwargs: dict[str, Any]

    def get_query(self) -> Select[Any]:
        """Return the statement of the list: `query` or every row of `model`, ordered."""
        statement = self.query if self.query is not None else select(self.get_model())
        ordering = self.get_ordering()
        if ordering:
            statement = statement.order_by(None).order_by(*self.order_by_clauses(ordering))
        return statement

    def get_ordering(self) -> Sequence[str]:
        """Return the ordering: a whitelisted ?ordering= choice, else `ordering`."""
        chosen = self.request.GET.get(self.ordering_kwarg) if self.orderings else None
        if chosen is not None and chosen in self.orderings:
            return [chosen]
        if isinstance(self.ordering, str):
            return [self.ordering]
        return list(self.ordering or [])

    def order_by_clauses(self, ordering: Sequence[str]) -> list[Any]:
        """Turn names like "-published" into ORDER BY clauses on the model's columns."""
        model = self.get_model()
        mapper = inspect(model)
        clauses = []
        for name in ordering:
            field = name.removeprefix("-")
            column = getattr(model, field, None)
            if not isinstance(column, InstrumentedAttribute) or field not in mapper.attrs:
                raise ImproperlyConfigured(
                    f"{type(self).__name__} orders by {field!r}, which is not an attribute of "
                    f"{model.__name__}."
                )
            clauses.append(column.desc() if name.startswith("-") else column.asc())
        return clauses

    def get_paginate_by(self) -> int | None:
        """Return the page size, or None not to paginate."""
        return self.paginate_by

    def paginate(self, statement: Select[Any], per_page: int) -> tuple[Paginator[Any], Page[Any]]:
        """Return the paginator and the page the URL or ?page= asks for (404 if invalid)."""
        paginator = self.paginator_class(
            statement, per_page, self.request.db, allow_empty_first_page=self.allow_empty
        )
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        if number == "last":
            number = paginator.num_pages
        try:
            return paginator, paginator.page(number)
        except InvalidPage as exc:
            raise HTTPNotFound(str(exc)) from None

    def get_context_object_name(self) -> str | None:
        """Return the context name of the list: context_object_name, or `<model>_list`."""
        if self.context_object_name:
            return self.context_object_name
        try:
            return f"{table_name_for(self.get_model().__name__)}_list"
        except ImproperlyConfigured:
            return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add object_list (the page's rows), paginator, page_obj and is_paginated."""
        statement = kwargs.pop("query", None)
        per_page = self.get_paginate_by()
        if per_page and statement is not None:
            paginator, page = self.paginate(statement, per_page)
            kwargs.update(
                paginator=paginator,
                page_obj=page,
                is_paginated=page.has_other_pages(),
                object_list=page.object_list,
            )
        else:
            kwargs.update(paginator=None, page_obj=None, is_paginated=False)
            kwargs.setdefault("object_list", self.object_list)
        name = self.get_context_object_name()
        if name:
            kwargs[name] = kwargs["object_list"]
        return super().get_context_data(**kwargs)


class BaseListView(MultipleObjectMixin[M], View):
    """List objects: GET runs the query (one page of it when paginated) and renders."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        statement = self.get_query()
        if self.get_paginate_by():
            context = self.get_context_data(query=statement)
            self.object_list = context["object_list"]
        else:
            self.object_list = request.db.scalars(statement).unique().all()
            context = self.get_context_data()
        if not self.allow_empty and not self.object_list:
            raise HTTPNotFound(f"The list of {type(self).__name__} is empty.")
        return self.render_to_response(context)  # type: ignore[attr-defined, no-any-return]


class MultipleObjectTemplateResponseMixin(TemplateResponseMixin):
    """Name the template after the model: `<app>/<model>_list.html`."""

    template_name_suffix = "_list"

    def get_template_names(self) -> list[str]:
        """Return template_name, else `<app>/<model>_list.html`."""
        if self.template_name is not None:
            return [self.template_name]
        model = getattr(self, "model", None)
        if model is None and getattr(self, "query", None) is not None:
            model = self.get_model()  # type: ignore[attr-defined]
        if model is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a template: set template_name or model."
            )
        app_label, model_name = model_label(model)
        return [f"{app_label}/{model_name}{self.template_name_suffix}.html"]


class ListView(MultipleObjectTemplateResponseMixin, BaseListView[M]):
    """Render a list of objects with `<app>/<model>_list.html` (or template_name)."""
