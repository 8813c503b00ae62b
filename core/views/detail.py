"""Views of one object: `SingleObjectMixin`, `BaseDetailView`, `DetailView`.

class ArticleDetail(DetailView[Article]):
    model = Article          # found by <int:pk> (or <slug:slug>) in the URL
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, inspect, select

from core.exceptions import ImproperlyConfigured
from core.http import HTTPNotFound, Request, Response
from core.views.base import ContextMixin, TemplateResponseMixin, View
from core.views.mixins import ModelMixin, model_label
from orm.models import coerce_for_column, table_name_for

M = TypeVar("M")


class SingleObjectMixin(ModelMixin[M], ContextMixin):
    """Find one row of `model` (or of `get_query()`) by primary key or slug from the URL."""

    slug_field = "slug"
    slug_url_kwarg = "slug"
    pk_url_kwarg = "pk"
    query_pk_and_slug = False
    context_object_name: str | None = None

    object: M
    request: Request
    kwargs: dict[str, Any]

    def get_query(self) -> Select[Any]:
        """Return the statement the object is looked up in (default: every row of model)."""
        if self.query is not None:
            return self.query
        return select(self.get_model())

    def get_object(self, query: Select[Any] | None = None) -> M:
        """Return the object named by the URL's pk or slug; raise 404 if there is none."""
        statement = self.get_query() if query is None else query
        model = self.get_model()
        pk = self.kwargs.get(self.pk_url_kwarg)
        slug = self.kwargs.get(self.slug_url_kwarg)
        if pk is not None:
            columns = inspect(model).primary_key
            if len(columns) != 1:
                raise ImproperlyConfigured(
                    f"{type(self).__name__} cannot look up {model.__name__} by one pk: its "
                    f"primary key has {len(columns)} columns. Override get_object()."
                )
            statement = statement.where(columns[0] == _coerce(columns[0], pk))
        if slug is not None and (pk is None or self.query_pk_and_slug):
            field = self.get_slug_field()
            column = getattr(model, field, None)
            if column is None:
                raise ImproperlyConfigured(
                    f"{model.__name__} has no column {field!r}: set "
                    f"{type(self).__name__}.slug_field."
                )
            statement = statement.where(column == slug)
        if pk is None and slug is None:
            raise AttributeError(
                f"{type(self).__name__} must be called with an object pk or a slug in the "
                f"URLconf (<int:{self.pk_url_kwarg}> or <slug:{self.slug_url_kwarg}>)."
            )
        found = self.request.db.scalars(statement.limit(2)).unique().all()
        if not found:
            raise HTTPNotFound(f"No {model.__name__} matches the URL.")
        result: M = found[0]
        return result

    def get_slug_field(self) -> str:
        """Return the column the URL's slug is compared with."""
        return self.slug_field

    def get_context_object_name(self, obj: M) -> str | None:
        """Return the context name of the object: context_object_name, or the model's name."""
        if self.context_object_name:
            return self.context_object_name
        return table_name_for(type(obj).__name__)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the object as `object` and under its context name."""
        obj = getattr(self, "object", None)
        if obj is not None:
            kwargs["object"] = obj
            name = self.get_context_object_name(obj)
            if name:
                kwargs[name] = obj
        return super().get_context_data(**kwargs)


def _coerce(column: Any, value: Any) -> Any:
    try:
        return coerce_for_column(column, value)
    except ValueError:
        raise HTTPNotFound("The URL's key is not valid.") from None


class BaseDetailView(SingleObjectMixin[M], View):
    """Show one object: GET looks it up and renders it."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.object = self.get_object()
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)  # type: ignore[attr-defined, no-any-return]


class SingleObjectTemplateResponseMixin(TemplateResponseMixin):
    """Name the template after the model: `<app>/<model><suffix>.html`."""

    template_name_suffix = "_detail"
    template_name_field: str | None = None

    def get_template_names(self) -> list[str]:
        """Return template_name, then one named by the object's field, then the default."""
        if self.template_name is not None:
            return [self.template_name]
        names = []
        obj = getattr(self, "object", None)
        if obj is not None and self.template_name_field:
            name = getattr(obj, self.template_name_field, None)
            if name:
                names.append(name)
        model = type(obj) if obj is not None else getattr(self, "model", None)
        if model is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a template: set template_name or model."
            )
        app_label, model_name = model_label(model)
        names.append(f"{app_label}/{model_name}{self.template_name_suffix}.html")
        return names


class DetailView(SingleObjectTemplateResponseMixin, BaseDetailView[M]):
    """Render one object with `<app>/<model>_detail.html` (or template_name)."""
