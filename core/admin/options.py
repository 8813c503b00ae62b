"""`ModelAdmin`: how one model shows in the admin; `TabularInline` and `StackedInline`.

    @admin.register(Article)
    class ArticleAdmin(admin.ModelAdmin[Article]):
        list_display = ["title", "author", "published"]
        list_filter = ["published", "author"]
        search_fields = ["title", "author__name"]
        inlines = [CommentInline]

Options are class attributes; each has a `get_*()` method that returns it, to override
per request. The options are checked when the class is registered, and a wrong one
raises ImproperlyConfigured naming the option and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, selectinload

from core.admin.actions import delete_selected
from core.admin.changelist import check_search_field
from core.admin.filters import ListFilter, make_filter
from core.admin.lookups import EMPTY_VALUE_DISPLAY, AdminField, resolve_field, verbose_name
from core.auth.permissions import permission_codename
from core.exceptions import ImproperlyConfigured
from core.forms import IntegerField, ModelForm, modelform_factory
from core.forms.converters import editable_by_default
from core.forms.formsets import BaseInlineFormSet, foreign_key_to, inlineformset_factory
from core.forms.models import model_columns
from core.forms.relations import many_to_many
from core.forms.validators import InputRequired, Optional, ValidationError
from core.views.mixins import model_label

if TYPE_CHECKING:
    from core.admin.sites import AdminSite
    from core.http import Request

M = TypeVar("M")

Fieldsets = Sequence[tuple[str | None, dict[str, Any]]]
Action = Callable[..., Any]


def flatten(fields: Sequence[Any]) -> list[str]:
    """Return the field names of `fields`, where an entry may be a tuple shown on one line."""
    names: list[str] = []
    for entry in fields:
        names.extend(entry if isinstance(entry, list | tuple) else [entry])
    return names


def flatten_fieldsets(fieldsets: Fieldsets) -> list[str]:
    """Return every field name of `fieldsets`, in order."""
    return [name for _, options in fieldsets for name in flatten(options.get("fields", ()))]


class BaseModelAdmin(Generic[M]):
    """What ModelAdmin and the inlines share: the model, its form and its permissions."""

    model: type[M]
    fields: Sequence[Any] | None = None
    exclude: Sequence[str] | None = None
    fieldsets: Fieldsets | None = None
    readonly_fields: Sequence[Any] = ()
    form: type[ModelForm] = ModelForm
    # Foreign keys edited as a plain key input rather than a select of every row.
    raw_id_fields: Sequence[str] = ()
    ordering: Sequence[str] | None = None
    empty_value_display = EMPTY_VALUE_DISPLAY
    verbose_name: str | None = None
    verbose_name_plural: str | None = None

    def __init__(self, model: type[M], admin_site: AdminSite) -> None:
        self.model = model
        self.admin_site = admin_site
        self.app_label, self.model_name = model_label(model)
        self.opts_name = type(self).__name__
        self.readonly = [
            resolve_field(self, name, "readonly_fields") for name in self.readonly_fields
        ]
        self._check_form_options()

    # Names

    def get_verbose_name(self) -> str:
        """Return the model's name for people: "article"."""
        return self.verbose_name or verbose_name(self.model)

    def get_verbose_name_plural(self) -> str:
        """Return the plural: "articles"."""
        if self.verbose_name_plural:
            return self.verbose_name_plural
        name = self.get_verbose_name()
        if name.endswith("y") and name[-2:-1] not in "aeiou":
            return f"{name[:-1]}ies"
        return name if name.endswith("s") else f"{name}s"

    # Permissions, through the user's has_perm ("blog.change_article")

    def get_permission(self, action: str) -> str:
        """Return the permission of `action` ("view", "add", "change", "delete")."""
        return permission_codename(self.model, action)

    def has_view_permission(self, request: Request, obj: Any = None) -> bool:
        """Say whether the user may see the model (view or change permission)."""
        user = request.user
        return bool(
            user.has_perm(self.get_permission("view"))
            or user.has_perm(self.get_permission("change"))
        )

    def has_add_permission(self, request: Request) -> bool:
        """Say whether the user may add objects."""
        return bool(request.user.has_perm(self.get_permission("add")))

    def has_change_permission(self, request: Request, obj: Any = None) -> bool:
        """Say whether the user may change objects (or `obj`)."""
        return bool(request.user.has_perm(self.get_permission("change")))

    def has_delete_permission(self, request: Request, obj: Any = None) -> bool:
        """Say whether the user may delete objects (or `obj`)."""
        return bool(request.user.has_perm(self.get_permission("delete")))

    # The form

    def get_readonly_fields(self, request: Request, obj: Any = None) -> list[AdminField]:
        """Return the fields shown but not edited."""
        return list(self.readonly)

    def get_exclude(self, request: Request, obj: Any = None) -> list[str]:
        """Return the columns left out of the form."""
        return list(self.exclude or ())

    def get_fields(self, request: Request, obj: Any = None) -> list[Any]:
        """Return the fields of the page, in order: `fields`, else the form's and readonly."""
        if self.fieldsets:
            return flatten_fieldsets(self.fieldsets)
        if self.fields is not None:
            return list(self.fields)
        form = self.get_form(request, obj)
        readonly = [field.name for field in self.get_readonly_fields(request, obj)]
        return [*form_fields(form), *readonly]

    def get_fieldsets(self, request: Request, obj: Any = None) -> Fieldsets:
        """Return `fieldsets`, else one untitled fieldset of get_fields()."""
        if self.fieldsets:
            return self.fieldsets
        return [(None, {"fields": self.get_fields(request, obj)})]

    def form_field_names(self, request: Request | None, obj: Any = None) -> list[str] | None:
        """Return the names the form edits, or None to take every editable column."""
        declared = self.fieldsets and flatten_fieldsets(self.fieldsets)
        names = declared or (flatten(self.fields) if self.fields is not None else None)
        if names is None:
            return None
        readonly = {field.name for field in self.readonly}
        return [name for name in names if name not in readonly]

    def get_form(self, request: Request | None, obj: Any = None, **kwargs: Any) -> type[ModelForm]:
        """Return a ModelForm class of the model, built with modelform_factory."""
        fields: Sequence[str] | str | None = self.form_field_names(request, obj)
        readonly = [field.name for field in self.readonly if field.name in self._columns()]
        exclude = [*(self.exclude or ()), *readonly]
        if fields is None and not _defines_fields(self.form):
            fields = self.default_fields(exclude)
        return modelform_factory(
            self.model, form=self._form_base(), fields=fields, exclude=exclude or None
        )

    def default_fields(self, exclude: Sequence[str]) -> list[str]:
        """Return what the form edits by default: editable columns, then many-to-many."""
        columns = [key for key, column in self._columns().items() if editable_by_default(column)]
        return [key for key in [*columns, *many_to_many(self.model)] if key not in exclude]

    def _form_base(self) -> type[ModelForm]:
        if not self.raw_id_fields:
            return self.form
        attrs = {name: self._raw_id_field(name) for name in self.raw_id_fields}
        return type(f"{self.model.__name__}RawIdForm", (self.form,), attrs)

    def _raw_id_field(self, name: str) -> Any:
        column = self._columns()[name]
        target = next(iter(column.foreign_keys)).column

        def exists(form: Any, field: Any) -> None:
            from sqlalchemy import select

            if (
                field.data is not None
                and form.session.scalar(select(target).where(target == field.data)) is None
            ):
                raise ValidationError(f"There is no row with the key {field.data}.")

        required = Optional() if column.nullable else InputRequired()
        label = name.removesuffix("_id").replace("_", " ").capitalize()
        return IntegerField(
            label,
            validators=[required, exists],
            description="The key of the row; see it in that model's list.",
        )

    def _columns(self) -> dict[str, Any]:
        return model_columns(self.model)

    def _check_form_options(self) -> None:
        columns = self._columns()
        keys = [key for key, column in columns.items() if column.foreign_keys]
        for name in self.raw_id_fields:
            if name not in keys:
                raise ImproperlyConfigured(
                    f"{self.opts_name}.raw_id_fields names {name!r}, which is not a foreign key "
                    f"column of {self.model.__name__}: use one of {', '.join(keys) or 'none'}."
                )
        # Building the form once checks fields, fieldsets and exclude against the model.
        try:
            self.get_form(None)
        except ImproperlyConfigured as exc:
            option = "fieldsets" if self.fieldsets else "fields"
            raise ImproperlyConfigured(f"{self.opts_name}.{option}: {exc}") from exc


def _defines_fields(form: type[ModelForm]) -> bool:
    meta = getattr(form, "Meta", None)
    return bool(getattr(meta, "fields", None) or getattr(meta, "exclude", None))


def form_fields(form: type[ModelForm]) -> list[str]:
    """Return the names of a form class's fields, in order."""
    return [name for name, _ in form.collect_fields()]


class ModelAdmin(BaseModelAdmin[M]):
    """The admin of one model: its changelist, forms, inlines and actions."""

    list_display: Sequence[Any] = ("__str__",)
    list_display_links: Sequence[Any] | None = None
    list_filter: Sequence[Any] = ()
    search_fields: Sequence[str] = ()
    search_help_text: str | None = None
    list_per_page = 100
    # Load the relationships list_display shows with one query each, not one per row.
    list_select_related = True
    date_hierarchy: str | None = None
    inlines: Sequence[type[InlineModelAdmin[Any]]] = ()
    actions: Sequence[Action] | None = ()
    # The built-in actions every ModelAdmin offers unless actions is None.
    default_actions: ClassVar[Sequence[Action]] = (delete_selected,)

    def __init__(self, model: type[M], admin_site: AdminSite) -> None:
        super().__init__(model, admin_site)
        self.columns = [resolve_field(self, name, "list_display") for name in self.list_display]
        self.list_filters = [make_filter(self, entry) for entry in self.list_filter]
        self.inline_instances = [inline(self.model, admin_site) for inline in self.inlines]
        self._check_list_options()

    def __repr__(self) -> str:
        return f"<{self.opts_name} of {self.model.__name__}>"

    def _check_list_options(self) -> None:
        if len(inspect(self.model).primary_key) != 1:
            raise ImproperlyConfigured(
                f"{self.opts_name}: the admin finds objects by one key, and "
                f"{self.model.__name__}'s primary key has several columns: give it a "
                f"one-column key (an id) or leave it out of the admin."
            )
        names = [column.name for column in self.columns]
        for name in self.list_display_links or ():
            if name not in names:
                raise ImproperlyConfigured(
                    f"{self.opts_name}.list_display_links names {name!r}, which is not in "
                    f"list_display ({', '.join(names)}): link one of those columns."
                )
        for path in self.search_fields:
            check_search_field(self.model, path, self.opts_name)
        attrs = inspect(self.model).attrs
        for column in [*self.columns, *self.readonly]:
            if column.ordering and not isinstance(attrs.get(column.ordering), ColumnProperty):
                raise ImproperlyConfigured(
                    f"{self.opts_name}: the ordering {column.ordering!r} of {column.name!r} is "
                    f"not a column of {self.model.__name__}."
                )
        for name in self.ordering or ():
            if not isinstance(attrs.get(name.removeprefix("-")), ColumnProperty):
                raise ImproperlyConfigured(
                    f"{self.opts_name}.ordering names {name!r}, which is not a column of "
                    f"{self.model.__name__}: use a column, with '-' for descending."
                )
        if self.date_hierarchy is not None:
            prop = attrs.get(self.date_hierarchy)
            if not isinstance(prop, ColumnProperty) or not _is_date(prop):
                raise ImproperlyConfigured(
                    f"{self.opts_name}.date_hierarchy names {self.date_hierarchy!r}, which is "
                    f"not a Date or DateTime column of {self.model.__name__}."
                )
        for action in self.get_actions_list():
            if not callable(action):
                raise ImproperlyConfigured(
                    f"{self.opts_name}.actions holds {action!r}: list functions "
                    f"(modeladmin, request, objects) or names of methods."
                )

    # The changelist

    def get_list_display(self, request: Request) -> list[AdminField]:
        """Return the changelist's columns."""
        return list(self.columns)

    def get_list_display_links(self, request: Request) -> list[str]:
        """Return the columns that link to the change page (default: the first)."""
        if self.list_display_links is not None:
            return list(self.list_display_links)
        return [self.columns[0].name] if self.columns else []

    def get_list_select_related(self, request: Request) -> list[Any]:
        """Return loader options for the relationships list_display shows (one query each)."""
        if not self.list_select_related:
            return []
        attrs = inspect(self.model).attrs
        shown = [
            c.name for c in self.columns if isinstance(attrs.get(c.name), RelationshipProperty)
        ]
        return [selectinload(getattr(self.model, name)) for name in shown]

    def get_list_filters(self) -> list[ListFilter]:
        """Return the sidebar filters."""
        return list(self.list_filters)

    def get_ordering(self, request: Request) -> list[str]:
        """Return the changelist's default ordering (default: newest key first)."""
        if self.ordering:
            return list(self.ordering)
        return [f"-{self.pk_name()}"]

    def get_sortable_orderings(self) -> list[str]:
        """Return every ?o= value the column headers may ask for."""
        names = {column.ordering for column in self.columns if column.ordering}
        return [*sorted(names), *(f"-{name}" for name in sorted(names))]

    def get_search_fields(self, request: Request) -> list[str]:
        """Return the fields searched by ?q=."""
        return list(self.search_fields)

    def pk_name(self) -> str:
        """Return the attribute of the model's primary key."""
        mapper = inspect(self.model)
        key: str = mapper.get_property_by_column(mapper.primary_key[0]).key
        return key

    # Actions

    def get_actions_list(self) -> list[Action]:
        """Return the action functions, the built-in ones first."""
        if self.actions is None:
            return []
        # A name is a method of the ModelAdmin, called like a function: (self, request, objects).
        chosen = [getattr(type(self), a, a) if isinstance(a, str) else a for a in self.actions]
        return [*self.default_actions, *chosen]

    def get_actions(self, request: Request) -> dict[str, tuple[Action, str]]:
        """Return the actions the user may run: name -> (function, label)."""
        found: dict[str, tuple[Action, str]] = {}
        for action in self.get_actions_list():
            allowed = getattr(action, "allowed_permissions", ())
            if not all(self._has_action_permission(request, name) for name in allowed):
                continue
            name = getattr(action, "__name__", repr(action))
            label = str(getattr(action, "short_description", name.replace("_", " ").capitalize()))
            plural = self.get_verbose_name_plural()
            found[name] = (action, label.replace("%(verbose_name_plural)s", plural))
        return found

    def _has_action_permission(self, request: Request, name: str) -> bool:
        check = getattr(self, f"has_{name}_permission", None)
        if check is None:
            raise ImproperlyConfigured(
                f"An action of {self.opts_name} needs the permission {name!r}, but "
                f"{self.opts_name} has no has_{name}_permission() method: define it."
            )
        return bool(check(request))

    # Inlines

    def get_inline_instances(
        self, request: Request, obj: Any = None
    ) -> list[InlineModelAdmin[Any]]:
        """Return the inlines the user may edit (they need the change permission)."""
        return [
            inline for inline in self.inline_instances if inline.has_change_permission(request, obj)
        ]

    # Pages

    def get_view(self, kind: str) -> Callable[..., Any]:
        """Return the view function of a page: changelist, add, change, delete, history."""
        views = self.__dict__.setdefault("_views", {})
        if kind not in views:
            from core.admin.views import VIEW_CLASSES

            view_class: Any = VIEW_CLASSES[kind]
            views[kind] = view_class.as_view(model_admin=self, admin_site=self.admin_site)
        view: Callable[..., Any] = views[kind]
        return view

    def url(self, kind: str, obj: Any = None) -> str:
        """Return the URL of a page of this model (of `obj` for change, delete, history)."""
        from core.urls import reverse

        kwargs = {"app_label": self.app_label, "model_name": self.model_name}
        if obj is not None:
            kwargs["pk"] = self.admin_site.object_key(obj)
        url: str = reverse(f"{self.admin_site.name}:{kind}", kwargs=kwargs)
        return url

    def urls_for(self) -> dict[str, str]:
        """Return the URLs of the model's changelist and add pages."""
        return {"changelist": self.url("changelist"), "add": self.url("add")}

    # Saving hooks

    def save_model(self, request: Request, obj: M, form: ModelForm, change: bool) -> M:
        """Save the object from its form; override to set fields from the request."""
        saved: M = form.save()
        return saved

    def delete_model(self, request: Request, obj: M) -> None:
        """Delete the object."""
        request.db.delete(obj)
        request.db.flush()


def _is_date(prop: ColumnProperty[Any]) -> bool:
    from sqlalchemy import types as sqltypes

    return isinstance(prop.columns[0].type, sqltypes.Date | sqltypes.DateTime)


class InlineModelAdmin(BaseModelAdmin[M]):
    """The children of a one-to-many relationship, edited in the parent's form."""

    template = "admin/edit_inline/tabular.html"
    fk_name: str | None = None
    extra = 3
    max_num = 1000
    can_delete = True

    def __init__(self, parent_model: type[Any], admin_site: AdminSite) -> None:
        self.parent_model = parent_model
        self.fk_key = foreign_key_to(parent_model, self.model, self.fk_name)
        super().__init__(self.model, admin_site)

    def get_form(self, request: Request | None, obj: Any = None, **kwargs: Any) -> type[ModelForm]:
        """Return the child form (without the foreign key to the parent)."""
        return self.get_formset(request, obj).form

    def get_formset(self, request: Request | None, obj: Any = None) -> type[BaseInlineFormSet]:
        """Return the formset class, shaped by the user's add and delete permissions."""
        readonly = [field.name for field in self.readonly if field.name in self._columns()]
        may_add = request is None or self.has_add_permission(request)
        may_delete = request is None or self.has_delete_permission(request, obj)
        return inlineformset_factory(
            self.parent_model,
            self.model,
            form=self._form_base(),
            fields=self.form_field_names(request, obj),
            exclude=[*(self.exclude or ()), *readonly] or None,
            fk_name=self.fk_key,
            extra=self.extra if may_add else 0,
            can_delete=self.can_delete and may_delete,
            max_num=self.max_num,
        )


class TabularInline(InlineModelAdmin[M]):
    """Children shown as rows of a table, one field per column."""

    template = "admin/edit_inline/tabular.html"


class StackedInline(InlineModelAdmin[M]):
    """Children shown one under the other, each as a full form."""

    template = "admin/edit_inline/stacked.html"


__all__ = [
    "BaseModelAdmin",
    "InlineModelAdmin",
    "ModelAdmin",
    "StackedInline",
    "TabularInline",
    "flatten_fieldsets",
    "form_fields",
]
