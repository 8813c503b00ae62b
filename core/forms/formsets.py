"""Inline formsets: edit the one-to-many children of an object in the parent's form.

    BookFormSet = inlineformset_factory(Shelf, Book, fields=["title", "pages"], extra=2)

    formset = BookFormSet(request.POST, instance=shelf, session=request.db)
    if form.is_valid() and formset.is_valid():
        shelf = form.save()
        formset.save()       # adds, changes and deletes the books in one go

Each child has a form whose fields are prefixed `<prefix>-<n>-`; two hidden inputs,
`<prefix>-TOTAL_FORMS` and `<prefix>-INITIAL_FORMS`, say how many forms were sent and how
many of them edit existing children, and each existing child's form carries its primary
key in `<prefix>-<n>-id` (checked to be a child of this parent, never trusted blindly).
A `<prefix>-<n>-DELETE` checkbox deletes the child. Extra forms left blank are ignored.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup
from sqlalchemy import Column, inspect, select

from core.exceptions import ImproperlyConfigured
from core.forms.forms import FormData
from core.forms.models import ModelForm, model_columns, modelform_factory
from core.forms.relations import many_to_many, related_keys
from core.forms.rendering import ErrorList
from orm.models import table_name_for

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TOTAL_FORM_COUNT = "TOTAL_FORMS"
INITIAL_FORM_COUNT = "INITIAL_FORMS"
DELETION_FIELD_NAME = "DELETE"
# A bound formset never builds more forms than this, whatever TOTAL_FORMS claims.
DEFAULT_MAX_NUM = 1000
_CHECKED = frozenset({"on", "y", "yes", "true", "1"})


def changed_fields(form: ModelForm) -> list[str]:
    """Return the names of the form's columns whose cleaned value differs from the instance.

    Call it after is_valid() and before save(); for a new instance, the fields given a
    value other than their initial one.
    """
    columns = model_columns(type(form.instance))
    relations = many_to_many(type(form.instance))
    existing = inspect(form.instance).has_identity
    changed = []
    for name, value in form.cleaned_data.items():
        if name in relations:
            before_keys = related_keys(form.instance, name) if existing else []
            if sorted(before_keys) != sorted(value or []):
                changed.append(name)
            continue
        if name not in columns:
            continue
        before = getattr(form.instance, name) if existing else form.initial.get(name)
        if _normal(value) != _normal(before):
            changed.append(name)
    return changed


def _normal(value: Any) -> Any:
    return None if value == "" else value


def has_submitted_data(form: ModelForm) -> bool:
    """Say whether a bound form was given any value other than its initial one."""
    for bound in form:
        initial = _initial_strings(form.initial.get(bound.short_name))
        if any(value != "" and value not in initial for value in bound.raw_data or ()):
            return True
    return False


def _initial_strings(value: Any) -> set[str]:
    if value is None:
        return {""}
    if isinstance(value, bool):
        return set(_CHECKED) if value else {""}
    if isinstance(value, enum.Enum):
        return {value.name, str(value.value)}
    return {str(value)}


@dataclass
class InlineForm:
    """One child's form in a formset, with its position, primary key and delete box."""

    form: ModelForm
    prefix: str
    pk: str | None = None
    deleted: bool = False
    errors: ErrorList = field(default_factory=ErrorList)

    @property
    def is_new(self) -> bool:
        """Say whether the form adds a child (it edits none yet)."""
        return self.pk is None

    @property
    def id_name(self) -> str:
        """The name of the hidden input carrying the child's primary key."""
        return f"{self.prefix}-id"

    @property
    def delete_name(self) -> str:
        """The name of the child's delete checkbox."""
        return f"{self.prefix}-{DELETION_FIELD_NAME}"

    def hidden_id(self) -> Markup:
        """Render the hidden input of the child's primary key (nothing for a new child)."""
        if self.pk is None:
            return Markup("")
        return Markup('<input type="hidden" name="{}" value="{}">').format(self.id_name, self.pk)


class BaseInlineFormSet:
    """The forms of the children (`model`) of one `parent_model` row, plus extra blank ones."""

    parent_model: ClassVar[type[Any]]
    model: ClassVar[type[Any]]
    form: ClassVar[type[ModelForm]]
    fk_name: ClassVar[str]
    extra: ClassVar[int] = 3
    can_delete: ClassVar[bool] = True
    max_num: ClassVar[int] = DEFAULT_MAX_NUM
    default_prefix: ClassVar[str] = "form"

    def __init__(
        self,
        data: FormData | None = None,
        *,
        instance: Any | None = None,
        prefix: str | None = None,
        session: Session,
    ) -> None:
        self.instance = instance if instance is not None else self.parent_model()
        self.prefix = prefix or self.default_prefix
        self.session = session
        self.data = data
        self.is_bound = data is not None
        self.non_form_errors: ErrorList = ErrorList(css_class="errorlist nonform")
        self.children = self._children()
        self.forms = self._bound_forms() if self.is_bound else self._unbound_forms()
        self.new_objects: list[Any] = []
        self.changed_objects: list[tuple[Any, list[str]]] = []
        self.deleted_objects: list[Any] = []

    # Building the forms

    def _children(self) -> list[Any]:
        parent_pk = self._parent_pk()
        if parent_pk is None:
            return []
        column = getattr(self.model, self.fk_name)
        key = inspect(self.model).primary_key[0]
        statement = select(self.model).where(column == parent_pk).order_by(key)
        return list(self.session.scalars(statement))

    def _parent_pk(self) -> Any:
        identity = inspect(self.instance).identity
        return identity[0] if identity else None

    def _make_form(self, index: int, instance: Any | None) -> ModelForm:
        return self.form(
            self.data,
            files=self.data,
            instance=instance,
            prefix=f"{self.prefix}-{index}",
            session=self.session,
        )

    def _unbound_forms(self) -> list[InlineForm]:
        forms = [self._inline(index, child) for index, child in enumerate(self.children)]
        room = max(0, self.max_num - len(forms))
        forms += [self._inline(len(forms) + n, None) for n in range(min(self.extra, room))]
        return forms

    def _inline(self, index: int, child: Any | None) -> InlineForm:
        pk = None if child is None else str(inspect(child).identity[0])
        return InlineForm(self._make_form(index, child), f"{self.prefix}-{index}", pk)

    def _bound_forms(self) -> list[InlineForm]:
        total = self._count(TOTAL_FORM_COUNT)
        initial = self._count(INITIAL_FORM_COUNT)
        if total is None or initial is None:
            self.non_form_errors.append(
                "The form is missing data about its inline rows: reload the page and try again."
            )
            return []
        total = min(total, len(self.children) + self.max_num)
        initial = min(initial, total)
        by_pk = {str(inspect(child).identity[0]): child for child in self.children}
        forms = []
        for index in range(total):
            prefix = f"{self.prefix}-{index}"
            pk = self._value(f"{prefix}-id") if index < initial else None
            child = by_pk.get(pk) if pk is not None else None
            if index < initial and child is None:
                self.non_form_errors.append(
                    f"Row {index + 1} is not one of this object's rows any more (it was "
                    f"deleted or moved meanwhile): reload the page."
                )
                continue
            deleted = self.can_delete and (self._value(f"{prefix}-DELETE") or "") in _CHECKED
            forms.append(InlineForm(self._make_form(index, child), prefix, pk, deleted))
        return forms

    def _value(self, name: str) -> str | None:
        assert self.data is not None
        getter = getattr(self.data, "getall", None)
        values = getter(name) if getter is not None else self.data.get(name)
        if isinstance(values, list | tuple):
            values = values[0] if values else None
        return values if isinstance(values, str) else None

    def _count(self, key: str) -> int | None:
        raw = self._value(f"{self.prefix}-{key}")
        if raw is None or not raw.strip().isdigit():
            return None
        return int(raw)

    # Validation and saving

    def management_form(self) -> Markup:
        """Render the hidden TOTAL_FORMS and INITIAL_FORMS inputs."""
        initial = sum(1 for inline in self.forms if not inline.is_new)
        return Markup(
            '<input type="hidden" name="{0}-{1}" value="{2}">'
            '<input type="hidden" name="{0}-{3}" value="{4}">'
        ).format(self.prefix, TOTAL_FORM_COUNT, len(self.forms), INITIAL_FORM_COUNT, initial)

    def empty_form(self) -> InlineForm:
        """Return a blank unbound form prefixed `<prefix>-__prefix__-`, for a script to copy.

        The script replaces `__prefix__` with the next number and raises TOTAL_FORMS.
        """
        prefix = f"{self.prefix}-__prefix__"
        # The trailing "-" given explicitly: WTForms adds none after a prefix ending in "_".
        form = self.form(instance=None, prefix=f"{prefix}-", session=self.session)
        return InlineForm(form, prefix)

    def __iter__(self) -> Iterator[InlineForm]:
        return iter(self.forms)

    def active_forms(self) -> list[InlineForm]:
        """Return the forms that save something: existing rows kept, and filled-in new ones."""
        return [
            inline
            for inline in self.forms
            if not inline.deleted and (not inline.is_new or has_submitted_data(inline.form))
        ]

    def is_valid(self) -> bool:
        """Validate every form that saves something; say whether all of them passed."""
        if not self.is_bound or self.non_form_errors:
            return False
        # Each form is validated (so each shows its errors), not only up to the first bad one.
        results = [inline.form.is_valid() for inline in self.active_forms()]
        return all(results)

    @property
    def errors(self) -> list[dict[str, ErrorList]]:
        """Each active form's errors, in order."""
        return [inline.form.errors for inline in self.active_forms()]

    def save(self) -> list[Any]:
        """Add, change and delete the children; return the children kept or added."""
        if not self.is_valid():
            raise ValueError(
                f"{type(self).__name__}.save() needs a valid formset: call is_valid() first."
            )
        parent_pk = self._parent_pk()
        if parent_pk is None:
            raise ValueError("Save the parent object before its inline formset.")
        for inline in self.forms:
            if inline.deleted and not inline.is_new:
                self.deleted_objects.append(inline.form.instance)
                self.session.delete(inline.form.instance)
        self.session.flush()
        saved = []
        for inline in self.active_forms():
            changes = changed_fields(inline.form)
            setattr(inline.form.instance, self.fk_name, parent_pk)
            saved.append(inline.form.save())
            if inline.is_new:
                self.new_objects.append(inline.form.instance)
            elif changes:
                self.changed_objects.append((inline.form.instance, changes))
        return saved


def foreign_key_to(parent_model: type[Any], model: type[Any], fk_name: str | None = None) -> str:
    """Return the attribute of `model`'s column that refers to `parent_model`'s table."""
    parent_table = inspect(parent_model).local_table
    columns: dict[str, Column[Any]] = model_columns(model)
    candidates = [
        key
        for key, column in columns.items()
        if any(fk.references(parent_table) for fk in column.foreign_keys)
    ]
    if fk_name is not None:
        if fk_name not in candidates:
            raise ImproperlyConfigured(
                f"fk_name {fk_name!r} is not a foreign key of {model.__name__} to "
                f"{parent_model.__name__}: use one of {candidates or 'none (add one)'}."
            )
        return fk_name
    if len(candidates) != 1:
        found = "none" if not candidates else ", ".join(candidates)
        raise ImproperlyConfigured(
            f"{model.__name__} needs exactly one foreign key to {parent_model.__name__} for an "
            f"inline formset, and has {found}: set fk_name."
        )
    return candidates[0]


def inlineformset_factory(
    parent_model: type[Any],
    model: type[Any],
    *,
    form: type[ModelForm] = ModelForm,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    fk_name: str | None = None,
    extra: int = 3,
    can_delete: bool = True,
    max_num: int = DEFAULT_MAX_NUM,
) -> type[BaseInlineFormSet]:
    """Return a formset class editing `model`'s rows that belong to a `parent_model` row."""
    key = foreign_key_to(parent_model, model, fk_name)
    if fields is None and not exclude and not _defines_fields(form):
        fields = "__all__"
    if isinstance(fields, list | tuple) and key in fields:
        fields = [name for name in fields if name != key]
    excluded = [*(exclude or ()), key] if fields is None or isinstance(fields, str) else exclude
    form_class = modelform_factory(model, form=form, fields=fields, exclude=excluded)
    attrs = {
        "parent_model": parent_model,
        "model": model,
        "form": form_class,
        "fk_name": key,
        "extra": extra,
        "can_delete": can_delete,
        "max_num": max_num,
        "default_prefix": table_name_for(model.__name__),
    }
    return type(f"{model.__name__}FormSet", (BaseInlineFormSet,), attrs)


def _defines_fields(form: type[ModelForm]) -> bool:
    meta = getattr(form, "Meta", None)
    return meta is not None and (hasattr(meta, "fields") or hasattr(meta, "exclude"))


__all__ = [
    "BaseInlineFormSet",
    "InlineForm",
    "changed_fields",
    "foreign_key_to",
    "has_submitted_data",
    "inlineformset_factory",
]
