"""The admin's pages, each a generic view with the admin's access check in front.

    IndexView        TemplateView   the apps and models the user may see
    ChangeListView   ListView       search, filters, sorting, pages, actions
    AddView          CreateView     the ModelAdmin's form, with its inline formsets
    ChangeView       UpdateView     the same for an existing object (read-only without
                                    the change permission)
    DeleteView       DeleteView     what cascades, then the deletion
    HistoryView      DetailView     the object's LogEntry rows

Only active staff users get in; each page then asks the ModelAdmin for the user's
view/add/change/delete permission, which goes through user.has_perm().
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select

from core import messages
from core.admin.changelist import ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from core.admin.deletion import delete_objects, plan_deletion
from core.admin.lookups import AdminField, display_value, resolve_field
from core.admin.models import ADDITION, CHANGE, LogEntry, content_type_of
from core.auth.mixins import PermissionRequiredMixin
from core.auth.views import LoginView, LogoutView
from core.exceptions import PermissionDenied
from core.forms import Form, FormSaveError, ModelForm
from core.forms.formsets import BaseInlineFormSet, changed_fields
from core.forms.rendering import render_field_row
from core.http import HTTPBadRequest, Request, Response
from core.urls import reverse
from core.views import CreateView, DetailView, ListView, TemplateView, UpdateView
from core.views import DeleteView as GenericDeleteView
from orm.models import coerce_for_column

if TYPE_CHECKING:
    from core.admin.options import InlineModelAdmin, ModelAdmin
    from core.admin.sites import AdminSite

NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _redirect(url: str) -> Response:
    return Response(status=302, location=url)


def _message(request: Request, level: int, text: str) -> None:
    messages.add_message(request, level, text, fail_silently=True)


class AdminAccessMixin(PermissionRequiredMixin):
    """Let in active staff users who have the page's permission on the model.

    Anonymous users go to the admin's login page; logged-in users without access get 403.
    """

    admin_site: AdminSite | None = None
    model_admin: ModelAdmin[Any] | None = None

    request: Request

    @property
    def site(self) -> AdminSite:
        """The admin site of the page."""
        assert self.admin_site is not None
        return self.admin_site

    @property
    def admin(self) -> ModelAdmin[Any]:
        """The ModelAdmin of the page."""
        assert self.model_admin is not None
        return self.model_admin

    def get_login_url(self) -> str:
        """Return the admin's own login page."""
        return reverse(f"{self.site.name}:login")

    def has_permission(self) -> bool:
        """Say whether the user is active staff with the page's model permission."""
        return self.site.has_permission(self.request) and self.has_model_permission()

    def has_model_permission(self) -> bool:
        """Say whether the user has the permission this page needs (override per page)."""
        return True

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().dispatch(request, *args, **kwargs)
        response.headers["Cache-Control"] = NEVER_CACHE
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the site's context: its titles, the app list for the navigation, links."""
        context = self.site.each_context(self.request)
        if self.model_admin is not None:
            context.update(opts=self.model_admin, urls=self.model_admin.urls_for())
        context.update(kwargs)
        return super().get_context_data(**context)  # type: ignore[misc, no-any-return]


class IndexView(AdminAccessMixin, TemplateView):
    """The admin's home: every app with the models the user may see (or one app's)."""

    template_name = "admin/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the app list (of the app in the URL, when one is named)."""
        from core.http import HTTPNotFound

        app_label = kwargs.pop("app_label", None)
        app_list = self.site.get_app_list(self.request, app_label)
        if app_label is not None and not app_list:
            raise HTTPNotFound("No app of that name is in the admin.")
        title = app_list[0]["name"] if app_label else self.site.index_title
        recent = self.request.db.scalars(
            select(LogEntry)
            .where(LogEntry.user_id == getattr(self.request.user, "id", None))
            .order_by(LogEntry.action_time.desc(), LogEntry.id.desc())
            .limit(10)
        ).all()
        return super().get_context_data(
            app_list=app_list, title=title, recent_actions=recent, **kwargs
        )


class ChangeListView(AdminAccessMixin, ListView[Any]):
    """The list of a model's objects: search, filters, sortable columns, pages, actions."""

    template_name = "admin/change_list.html"
    ordering_kwarg = ORDER_VAR
    page_kwarg = PAGE_VAR

    changelist: ChangeList

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Take the model, page size and sortable columns from the ModelAdmin."""
        super().setup(request, *args, **kwargs)
        self.model = self.admin.model
        self.paginate_by = self.admin.list_per_page
        self.orderings = self.admin.get_sortable_orderings()
        self.ordering = self.admin.get_ordering(request)

    def has_model_permission(self) -> bool:
        """Need the view (or change) permission."""
        return self.admin.has_view_permission(self.request)

    def get_ordering(self) -> list[str]:
        """Return the chosen or default ordering, with the key last so pages are stable."""
        ordering = list(super().get_ordering())
        pk = self.admin.pk_name()
        if pk not in {name.lstrip("-") for name in ordering}:
            ordering.append(f"-{pk}")
        return ordering

    def get_query(self) -> Any:
        """Return the model's rows narrowed by the search, the filters and the dates."""
        self.changelist = ChangeList(self.admin, self.request)
        statement = self.changelist.apply(super().get_query())
        self.filtered_query = statement.options(*self.admin.get_list_select_related(self.request))
        return self.filtered_query

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the headers, rows, filters, search box and actions."""
        context = super().get_context_data(**kwargs)
        request, admin = self.request, self.admin
        columns = admin.get_list_display(request)
        links = set(admin.get_list_display_links(request))
        may_open = admin.has_view_permission(request)
        rows = [
            {
                "key": self.site.object_key(obj),
                "cells": [
                    {
                        "value": column.display(obj, admin.empty_value_display),
                        "url": admin.url("change", obj)
                        if may_open and column.name in links
                        else None,
                        "name": column.name,
                    }
                    for column in columns
                ],
            }
            for obj in context["object_list"]
        ]
        changelist = self.changelist
        paginator = context["paginator"]
        context.update(
            title=f"Select {admin.get_verbose_name()} to change"
            if admin.has_change_permission(request)
            else f"Select {admin.get_verbose_name()} to view",
            changelist=changelist,
            headers=changelist.headers(columns, self.get_ordering()),
            rows=rows,
            filters=[
                {"title": f.title, "choices": f.choices(request, changelist)}
                for f in changelist.filters
            ],
            date_links=changelist.date_links(self.filtered_query),
            search_query=changelist.search_query,
            search_var=SEARCH_VAR,
            has_search=bool(admin.get_search_fields(request)),
            actions=[(name, label) for name, (_, label) in admin.get_actions(request).items()],
            result_count=paginator.count if paginator is not None else len(rows),
            has_add_permission=admin.has_add_permission(request),
            page_links=_page_links(context.get("page_obj"), changelist),
        )
        return context

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Run the chosen action on the selected objects."""
        actions = self.admin.get_actions(request)
        back = request.path_qs
        name = request.POST.get("action", "")
        if name not in actions:
            _message(request, messages.WARNING, "No action was chosen: choose one, then Go.")
            return _redirect(back)
        objects = self.selected_objects(request.POST.getall("_selected_action"))
        if not objects:
            _message(request, messages.WARNING, "Select the items to act on: none was selected.")
            return _redirect(back)
        function, _ = actions[name]
        response = function(self.admin, request, objects)
        return response if response is not None else _redirect(back)

    def selected_objects(self, keys: list[str]) -> list[Any]:
        """Return the objects whose keys were ticked (400 if one is not a key at all)."""
        column = inspect(self.admin.model).primary_key[0]
        try:
            values = [coerce_for_column(column, key) for key in keys[:10_000]]
        except ValueError:
            raise HTTPBadRequest("A selected item is not a valid key.") from None
        if not values:
            return []
        statement = select(self.admin.model).where(column.in_(values))
        return list(self.request.db.scalars(statement.order_by(column)))


def _page_links(page: Any, changelist: ChangeList) -> list[dict[str, Any]]:
    if page is None or not page.has_other_pages():
        return []
    count, number = page.paginator.num_pages, page.number
    shown = sorted({1, 2, count - 1, count, *range(number - 2, number + 3)})
    links: list[dict[str, Any]] = []
    previous = 0
    for value in shown:
        if value < 1 or value > count:
            continue
        if value - previous > 1:
            links.append({"gap": True})
        query = changelist.query_string()
        separator = "&" if query != "?" else ""
        links.append(
            {
                "number": value,
                "url": f"{query}{separator}{PAGE_VAR}={value}",
                "current": value == number,
            }
        )
        previous = value
    return links


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
        return _redirect(self.get_success_url())

    def form_invalid(self, form: Form) -> Response:
        """Show the form again with its errors and the inline rows as sent."""
        if not hasattr(self, "formsets"):
            self.formsets = self.build_formsets(getattr(form, "instance", None), bound=True)
        _message(self.request, messages.ERROR, "Please correct the errors below.")
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
            _message(self.request, messages.SUCCESS, f"{text} You may edit it again below.")
            return self.admin.url("change", self.object)
        if "_addanother" in post:
            _message(self.request, messages.SUCCESS, f"{text} You may add another {name} below.")
            return self.admin.url("add")
        _message(self.request, messages.SUCCESS, text)
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
            _message(
                request,
                messages.ERROR,
                f"The {name} “{text}” cannot be deleted: other data still refers to it.",
            )
            return _redirect(request.path_qs)
        _message(request, messages.SUCCESS, f"The {name} “{text}” was deleted successfully.")
        return _redirect(self.get_success_url())


class HistoryView(AdminAccessMixin, DetailView[Any]):
    """The object's log: who added, changed or deleted what, and when."""

    template_name = "admin/object_history.html"

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Take the model from the ModelAdmin."""
        super().setup(request, *args, **kwargs)
        self.model = self.admin.model

    def has_model_permission(self) -> bool:
        """Need the view (or change) permission."""
        return self.admin.has_view_permission(self.request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the log entries, newest first."""
        entries = self.request.db.scalars(
            select(LogEntry)
            .where(
                LogEntry.content_type == content_type_of(self.admin.model),
                LogEntry.object_id == self.site.object_key(self.object),
            )
            .order_by(LogEntry.action_time.desc(), LogEntry.id.desc())
        ).all()
        return super().get_context_data(
            entries=entries, title=f"Change history: {self.object}", **kwargs
        )


class AdminLoginView(LoginView):
    """The admin's login page; staff already logged in go straight to the index."""

    template_name = "admin/login.html"
    admin_site: AdminSite | None = None

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assert self.admin_site is not None
        if request.method == "GET" and self.admin_site.has_permission(request):
            return _redirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        """Return the admin's index."""
        assert self.admin_site is not None
        return reverse(f"{self.admin_site.name}:index")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the site's titles."""
        assert self.admin_site is not None
        context = super().get_context_data(**kwargs)
        context.update(
            site_header=self.admin_site.site_header,
            site_title=self.admin_site.site_title,
            title="Log in",
            admin_site=self.admin_site,
        )
        return context


class AdminLogoutView(LogoutView):
    """Log out (POST only) and go back to the admin's login page."""

    admin_site: AdminSite | None = None

    def get_default_redirect_url(self) -> str:
        """Return the admin's login page."""
        assert self.admin_site is not None
        return reverse(f"{self.admin_site.name}:login")


VIEW_CLASSES: dict[str, type[Any]] = {
    "changelist": ChangeListView,
    "add": AddView,
    "change": ChangeView,
    "delete": DeleteView,
    "history": HistoryView,
}

__all__ = [
    "AddView",
    "AdminAccessMixin",
    "AdminFormMixin",
    "AdminLoginView",
    "AdminLogoutView",
    "ChangeListView",
    "ChangeView",
    "DeleteView",
    "HistoryView",
    "IndexView",
    "build_fieldsets",
]
