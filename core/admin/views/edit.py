"""Add, change and delete: CreateView, UpdateView and DeleteView with the admin's form,
fieldsets, inline formsets, log and messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from core import messages
from core.admin.deletion import delete_objects, plan_deletion
from core.admin.lookups import AdminField, display_value, resolve_field
from core.admin.models import ADDITION, CHANGE, LogEntry
from core.exceptions import PermissionDenied
from core.forms import Form, FormSaveError, ModelForm
from core.forms.formsets import BaseInlineFormSet, changed_fields
from core.forms.rendering import render_field_row
from core.http import Request, Response
from core.urls import reverse
from core.views import CreateView, UpdateView
from core.views import DeleteView as GenericDeleteView

if TYPE_CHECKING:
    from core.admin.options import InlineModelAdmin

from core.admin.views.base import AdminAccessMixin, notify, redirect_to


class AdminFormMixin(AdminAccessMixin):
    """What the add and change pages share: the form, fieldsets, inlines, saving, logging."""

    template_name: str | None = "admin/change_form.html"
    model: type[Any] | None = None
    object: Any
    formsets: list[tuple[InlineModelAdmin[Any], BaseInlineFormSet]]

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Take the model from the ModelAdmin."""
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.model = self.admin.model

    @property
    def is_change(self) -> bool:
        """Say whether the page changes an existing object."""
        return False

    def is_editable(self) -> bool:
        """Say whether the user may save the form."""
        return True

    def get_form_class(self) -> type[Form]:
        """Return the ModelAdmin's form."""
        return self.admin.get_form(self.request, getattr(self, "object", None))

    def build_formsets(
        self, parent: Any, bound: bool
    ) -> list[tuple[InlineModelAdmin[Any], BaseInlineFormSet]]:
        """Return (inline, formset) for each inline the user may edit."""
        data = self.request.POST if bound else None
        found = []
        for index, inline in enumerate(self.admin.get_inline_instances(self.request, parent)):
            formset_class = inline.get_formset(self.request, parent)
            prefix = (
                f"{formset_class.default_prefix}"
                if index == 0
                else f"{formset_class.default_prefix}{index}"
            )
            found.append(
                (
                    inline,
                    formset_class(data, instance=parent, prefix=prefix, session=self.request.db),
                )
            )
        return found

    def form_valid(self, form: Form) -> Response:
        """Save the object and its inline rows in one savepoint, log it, and redirect."""
        assert isinstance(form, ModelForm)
        if not self.is_editable():
            raise PermissionDenied("You may view this object, not change it.")
        self.formsets = self.build_formsets(form.instance, bound=True)
        # Every formset is validated, so that each shows its errors.
        if not all([formset.is_valid() for _, formset in self.formsets]):  # noqa: C419
            return self.form_invalid(form)
        changed = [form[name].label.text for name in changed_fields(form)]
        try:
            with self.request.db.begin_nested():
                self.object = self.admin.save_model(
                    self.request, form.instance, form, self.is_change
                )
                for _, formset in self.formsets:
                    formset.save()
        except FormSaveError:
            return self.form_invalid(form)
        self.log(changed)
        return redirect_to(self.get_success_url())

    def form_invalid(self, form: Form) -> Response:
        """Show the form again with its errors and the inline rows as sent."""
        if not hasattr(self, "formsets"):
            self.formsets = self.build_formsets(getattr(form, "instance", None), bound=True)
        notify(self.request, messages.ERROR, "Please correct the errors below.")
        return super().form_invalid(form)  # type: ignore[misc, no-any-return]

    def log(self, changed: list[str]) -> None:
        """Record the addition or change, with the fields and inline rows it touched."""
        changes: dict[str, Any] = {}
        if changed and self.is_change:
            changes["changed"] = changed
        for inline, formset in self.formsets:
            name = inline.get_verbose_name()
            if formset.new_objects:
                changes.setdefault("added", []).extend([name, str(o)] for o in formset.new_objects)
            if formset.changed_objects:
                changes.setdefault("changed_rows", []).extend(
                    [name, str(o)] for o, _ in formset.changed_objects
                )
            if formset.deleted_objects:
                changes.setdefault("deleted", []).extend(
                    [name, str(o)] for o in formset.deleted_objects
                )
        flag = CHANGE if self.is_change else ADDITION
        LogEntry.log(self.request.db, self.request.user, self.object, flag, changes)

    def get_success_url(self) -> str:
        """Go where the button pressed says: on editing, add another, or the list."""
        verb = "changed" if self.is_change else "added"
        name = self.admin.get_verbose_name()
        post = self.request.POST
        text = f"The {name} “{self.object}” was {verb} successfully."
        if "_continue" in post:
            notify(self.request, messages.SUCCESS, f"{text} You may edit it again below.")
            return self.admin.url("change", self.object)
        if "_addanother" in post:
            notify(self.request, messages.SUCCESS, f"{text} You may add another {name} below.")
            return self.admin.url("add")
        notify(self.request, messages.SUCCESS, text)
        if not self.admin.has_view_permission(self.request):
            return reverse(f"{self.site.name}:index")  # the list would be a 403
        return self.admin.url("changelist")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the fieldsets, the inline formsets and the buttons the user may use."""
        context = super().get_context_data(**kwargs)
        obj = getattr(self, "object", None)
        formsets = getattr(self, "formsets", None)
        if formsets is None:
            formsets = self.build_formsets(obj, bound=False) if self.is_editable() else []
        editable = self.is_editable()
        form = context["form"]
        name = self.admin.get_verbose_name()
        verb = ("Change" if editable else "View") if self.is_change else "Add"
        context.update(
            title=f"{verb} {name}",
            original=obj,
            editable=editable,
            fieldsets=build_fieldsets(self.admin, self.request, form, obj, editable),
            inline_formsets=[
                {"inline": inline, "formset": formset, "fields": _inline_columns(formset)}
                for inline, formset in formsets
            ],
            is_change=self.is_change,
            has_delete_permission=self.is_change
            and self.admin.has_delete_permission(self.request, obj),
            has_add_permission=self.admin.has_add_permission(self.request),
            is_multipart=form.is_multipart(),
            render_field_row=render_field_row,
        )
        return context


def _inline_columns(formset: BaseInlineFormSet) -> list[str]:
    if formset.forms:
        return [field.label.text for field in formset.forms[0].form.visible_fields()]
    return [field.label.text for field in formset.form().visible_fields()]


def build_fieldsets(
    model_admin: Any, request: Request, form: Any, obj: Any, editable: bool
) -> list[dict[str, Any]]:
    """Return the fieldsets as lines of cells, each a form field or a read-only value."""
    readonly = {field.name: field for field in model_admin.get_readonly_fields(request, obj)}
    fieldsets = []
    for title, options in model_admin.get_fieldsets(request, obj):
        lines = []
        for entry in options.get("fields", ()):
            names = entry if isinstance(entry, list | tuple) else [entry]
            lines.append(
                [_cell(model_admin, form, obj, name, readonly, editable) for name in names]
            )
        fieldsets.append(
            {
                "title": title,
                "description": options.get("description", ""),
                "classes": " ".join(options.get("classes", ())),
                "lines": lines,
            }
        )
    return fieldsets


def _cell(
    model_admin: Any,
    form: Any,
    obj: Any,
    name: str,
    readonly: dict[str, AdminField],
    editable: bool,
) -> dict[str, Any]:
    if editable and name in form:
        return {"field": form[name]}
    field = readonly.get(name)
    if field is None and name in form:
        label = form[name].label.text
        value = display_value(_shown_value(obj, name) if obj is not None else None)
        return {"label": label, "value": value, "name": name}
    if field is None:
        field = resolve_field(model_admin, name, "fields")
    value = field.display(obj, model_admin.empty_value_display) if obj is not None else "—"
    return {"label": field.label, "value": value, "name": name}


def _shown_value(obj: Any, name: str) -> Any:
    """Return what a read-only field shows: the related row for a foreign key column."""
    mapper = inspect(type(obj))
    for prop in mapper.relationships:
        if not prop.uselist and [column.key for column in prop.local_columns] == [name]:
            return getattr(obj, prop.key)
    return getattr(obj, name, None)


class AddView(AdminFormMixin, CreateView[Any]):
    """Add an object, with its inline children, in one POST."""

    def has_model_permission(self) -> bool:
        """Need the add permission."""
        return self.admin.has_add_permission(self.request)


class ChangeView(AdminFormMixin, UpdateView[Any]):
    """Change an object and its inline children; view it only, without the change permission."""

    pk_url_kwarg = "pk"

    @property
    def is_change(self) -> bool:
        """Always True: the object exists."""
        return True

    def has_model_permission(self) -> bool:
        """Need the view or the change permission (saving needs the change one)."""
        return self.admin.has_view_permission(self.request)

    def is_editable(self) -> bool:
        """Say whether the user has the change permission."""
        return self.admin.has_change_permission(self.request, getattr(self, "object", None))

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Refuse to save for a user who may only view."""
        if not self.admin.has_change_permission(request):
            raise PermissionDenied("You may view this object, not change it.")
        return super().post(request, *args, **kwargs)


class DeleteView(AdminAccessMixin, GenericDeleteView[Any]):
    """Confirm, listing what cascades (or what prevents it); then delete and log."""

    template_name = "admin/delete_confirmation.html"

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Take the model from the ModelAdmin."""
        super().setup(request, *args, **kwargs)
        self.model = self.admin.model

    def has_model_permission(self) -> bool:
        """Need the delete permission."""
        return self.admin.has_delete_permission(self.request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the deletion plan."""
        name = self.admin.get_verbose_name()
        return super().get_context_data(
            plan=plan_deletion([self.object]), title=f"Delete {name}", **kwargs
        )

    def get_success_url(self) -> str:
        """Return the changelist."""
        return self.admin.url("changelist")

    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Delete the object unless something protects it; log the deletion."""
        self.object = self.get_object()
        name = self.admin.get_verbose_name()
        text = str(self.object)
        if not plan_deletion([self.object]).allowed or not delete_objects(
            request, self.admin, [self.object]
        ):
            notify(
                request,
                messages.ERROR,
                f"The {name} “{text}” cannot be deleted: other data still refers to it.",
            )
            return redirect_to(request.path_qs)
        notify(request, messages.SUCCESS, f"The {name} “{text}” was deleted successfully.")
        return redirect_to(self.get_success_url())
