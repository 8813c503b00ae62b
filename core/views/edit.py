"""Views that edit: `FormView`, `CreateView`, `UpdateView`, `DeleteView` and their mixins.

class ArticleCreate(CreateView[Article]):
    model = Article
    fields = ["title", "body"]
    success_url = "/articles/{id}/"
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from core.exceptions import ImproperlyConfigured
from core.http import Request, Response
from core.views.base import ContextMixin, TemplateResponseMixin, View
from core.views.detail import (
    BaseDetailView,
    SingleObjectMixin,
    SingleObjectTemplateResponseMixin,
)

if TYPE_CHECKING:
    from core.forms import Form, ModelForm

M = TypeVar("M")
F = TypeVar("F", bound="Form")

_BODY_METHODS = ("POST", "PUT", "PATCH")


def _redirect(url: str) -> Response:
    return Response(status=302, location=url)


class FormMixin(ContextMixin):
    """Build a form, and decide what a valid or an invalid one leads to."""

    initial: dict[str, Any] = {}
    form_class: type[Form] | None = None
    success_url: str | None = None
    prefix = ""

    request: Request

    def get_initial(self) -> dict[str, Any]:
        """Return the form's initial values (a copy of `initial`)."""
        return dict(self.initial)

    def get_prefix(self) -> str:
        """Return the prefix of the form's field names."""
        return self.prefix

    def get_form_class(self) -> type[Form]:
        """Return the form class (`form_class`)."""
        if self.form_class is None:
            name = type(self).__name__
            raise ImproperlyConfigured(
                f"{name} needs a form: set {name}.form_class or override get_form_class()."
            )
        return self.form_class

    def get_form(self, form_class: type[Form] | None = None) -> Form:
        """Return a form, bound to the request's data on POST, PUT and PATCH."""
        form_class = form_class or self.get_form_class()
        return form_class(**self.get_form_kwargs())

    def get_form_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments the form is built with."""
        kwargs: dict[str, Any] = {"initial": self.get_initial(), "prefix": self.get_prefix()}
        if self.request.method in _BODY_METHODS:
            kwargs.update(data=self.request.POST, files=self.request.POST)
        return kwargs

    def get_success_url(self) -> str:
        """Return where a valid form redirects to."""
        if not self.success_url:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has nowhere to redirect after a valid form: set "
                f"success_url or override get_success_url()."
            )
        return self.success_url

    def form_valid(self, form: Form) -> Response:
        """Redirect to the success URL."""
        return _redirect(self.get_success_url())

    def form_invalid(self, form: Form) -> Response:
        """Render the form again, with the submitted values and the errors."""
        return self.render_to_response(self.get_context_data(form=form))  # type: ignore[attr-defined, no-any-return]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add `form` (a new one unless given)."""
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        return super().get_context_data(**kwargs)


class ProcessFormView(View):
    """Show the form on GET; validate it on POST (and PUT)."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.render_to_response(self.get_context_data())  # type: ignore[attr-defined, no-any-return]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_form()  # type: ignore[attr-defined]
        if form.is_valid():
            return self.form_valid(form)  # type: ignore[attr-defined, no-any-return]
        return self.form_invalid(form)  # type: ignore[attr-defined, no-any-return]

    def put(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.post(request, *args, **kwargs)


class BaseFormView(FormMixin, ProcessFormView):
    """A form view without rendering."""


class FormView(TemplateResponseMixin, BaseFormView):
    """Show a form, re-show it with errors, and redirect once it is valid."""


class ModelFormMixin(FormMixin, SingleObjectMixin[M], Generic[M]):
    """A FormMixin whose form creates or updates `self.object`."""

    fields: Sequence[str] | str | None = None

    object: M | None  # type: ignore[assignment]

    def get_form_class(self) -> type[Form]:
        """Return `form_class`, or a ModelForm of `model` with `fields`."""
        if self.form_class is not None:
            if self.fields is not None:
                raise ImproperlyConfigured(
                    f"{type(self).__name__} sets both form_class and fields: choose one."
                )
            return self.form_class
        if self.fields is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs the form's fields: set fields = [...] "
                f"(or '__all__'), or set form_class."
            )
        return model_form_for(self.get_model(), self.fields)

    def get_form_kwargs(self) -> dict[str, Any]:
        """Add the object being edited and the request's session."""
        kwargs = super().get_form_kwargs()
        if _is_model_form(self.get_form_class()):
            kwargs.update(instance=getattr(self, "object", None), session=self.request.db)
        return kwargs

    def get_success_url(self) -> str:
        """Return success_url formatted with the object's attributes, or its URL."""
        obj = getattr(self, "object", None)
        if self.success_url:
            return _format_success_url(self, self.success_url, obj)
        get_absolute_url = getattr(obj, "get_absolute_url", None)
        if get_absolute_url is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has nowhere to redirect: set success_url, or define "
                f"get_absolute_url() on the model."
            )
        return str(get_absolute_url())

    def form_valid(self, form: Form) -> Response:
        """Save the object (in the request's session) and redirect."""
        from core.forms import FormSaveError

        try:
            self.object = form.save()
        except FormSaveError:
            # The form recorded why (a unique value taken meanwhile, say): show it.
            return self.form_invalid(form)
        return super().form_valid(form)


def _format_success_url(view: object, url: str, obj: Any) -> str:
    """Fill `url`'s placeholders ("/articles/{id}/") from the object's columns."""
    if obj is None:
        return url
    from sqlalchemy import inspect

    values = {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}
    try:
        return url.format(**values)
    except (KeyError, IndexError) as exc:
        raise ImproperlyConfigured(
            f"{type(view).__name__}.success_url {url!r} names {exc}, which is not a column of "
            f"{type(obj).__name__}: use one of {', '.join(sorted(values))}."
        ) from None


def _is_model_form(form_class: Any) -> bool:
    from core.forms import ModelForm

    return isinstance(form_class, type) and issubclass(form_class, ModelForm)


def model_form_for(model: type[Any], fields: Sequence[str] | str) -> type[ModelForm]:
    """Return a ModelForm class for `model` with `fields` (a list or "__all__"), made once."""
    key = fields if isinstance(fields, str) else tuple(fields)
    return _model_form_for(model, key)


_model_forms: dict[tuple[type[Any], tuple[str, ...] | str], type[ModelForm]] = {}


def _model_form_for(model: type[Any], fields: tuple[str, ...] | str) -> type[ModelForm]:
    from core.forms import modelform_factory

    form_class = _model_forms.get((model, fields))
    if form_class is None:
        wanted = fields if isinstance(fields, str) else list(fields)
        form_class = _model_forms[(model, fields)] = modelform_factory(model, fields=wanted)
    return form_class


class BaseCreateView(ModelFormMixin[M], ProcessFormView):
    """Create an object: GET shows an empty form, POST saves it."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.object = None
        return super().get(request, *args, **kwargs)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.object = None
        return super().post(request, *args, **kwargs)


class CreateView(SingleObjectTemplateResponseMixin, BaseCreateView[M]):
    """Create an object with `<app>/<model>_form.html`."""

    template_name_suffix = "_form"


class BaseUpdateView(ModelFormMixin[M], ProcessFormView):
    """Update an object: GET shows its form, POST saves it."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)


class UpdateView(SingleObjectTemplateResponseMixin, BaseUpdateView[M]):
    """Update an object with `<app>/<model>_form.html`."""

    template_name_suffix = "_form"


class DeletionMixin:
    """Delete `self.object` and redirect to success_url."""

    success_url: str | None = None
    request: Request

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete the object in the request's session and redirect."""
        self.object = self.get_object()  # type: ignore[attr-defined]
        url = self.get_success_url()
        request.db.delete(self.object)
        request.db.flush()
        return _redirect(url)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete on POST, since HTML forms cannot send DELETE."""
        return self.delete(request, *args, **kwargs)

    def get_success_url(self) -> str:
        """Return where to go after the deletion (formatted with the object's attributes)."""
        if not self.success_url:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has nowhere to redirect: set success_url."
            )
        return _format_success_url(self, self.success_url, getattr(self, "object", None))


class BaseDeleteView(DeletionMixin, BaseDetailView[M]):
    """Delete an object: GET shows a confirmation page, POST deletes."""


class DeleteView(SingleObjectTemplateResponseMixin, BaseDeleteView[M]):
    """Delete an object after confirmation with `<app>/<model>_confirm_delete.html`."""

    template_name_suffix = "_confirm_delete"
