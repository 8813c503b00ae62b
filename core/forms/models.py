"""`ModelForm`: a form whose fields come from a model's columns, and that saves the model.

class ArticleForm(ModelForm):
    class Meta:
        model = Article
        fields = ["title", "body", "status"]   # or "__all__", or exclude = [...]

form = ArticleForm(request.POST, instance=article, session=request.db)
if form.is_valid():
    article = form.save()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, and_, not_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper
from sqlalchemy.schema import Index, UniqueConstraint

from core.exceptions import ImproperlyConfigured
from core.forms.converters import (
    NO_DEFAULT,
    editable_by_default,
    field_for_column,
    has_default,
    scalar_default,
)
from core.forms.forms import DeclarativeFieldsMetaclass, Form, FormData
from core.forms.relations import field_for_relationship, many_to_many, related_keys, related_rows

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ALL_FIELDS = "__all__"


class FormSaveError(ValueError):
    """save() could not write the instance: the form is invalid, or the database refused it.

    When the database refused it (say a unique value was taken between is_valid() and
    save()), the error is already on the form, so a view answers as for invalid data:

        try:
            self.object = form.save()
        except FormSaveError:
            return self.form_invalid(form)
    """


@dataclass(frozen=True)
class ModelFormOptions:
    """What a ModelForm's `class Meta` says: the model, and which of its columns to edit."""

    model: type[Any] | None = None
    fields: Sequence[str] | str | None = None
    exclude: Sequence[str] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    help_texts: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_meta(cls, meta: object) -> ModelFormOptions:
        """Read the options from a `class Meta` (missing ones take their defaults)."""
        return cls(
            model=getattr(meta, "model", None),
            fields=getattr(meta, "fields", None),
            exclude=tuple(getattr(meta, "exclude", None) or ()),
            labels=dict(getattr(meta, "labels", None) or {}),
            help_texts=dict(getattr(meta, "help_texts", None) or {}),
        )


def model_columns(model: type[Any]) -> dict[str, Column[Any]]:
    """Return the model's mapped table columns by attribute name, in mapping order."""
    mapper = _mapper(model)
    return {key: column for key, column in mapper.columns.items() if isinstance(column, Column)}


def _mapper(model: type[Any]) -> Mapper[Any]:
    mapper = sa_inspect(model, raiseerr=False)
    if not isinstance(mapper, Mapper):
        raise ImproperlyConfigured(
            f"Meta.model must be a mapped model class (a subclass of orm.Model), not {model!r}."
        )
    return mapper


class ModelFormMetaclass(DeclarativeFieldsMetaclass):
    """Read a ModelForm's Meta when the class is defined, and check it then."""

    def __init__(
        cls,  # noqa: N805 (a metaclass)
        name: str,
        bases: tuple[type, ...],
        attrs: dict[str, Any],
    ) -> None:
        super().__init__(name, bases, attrs)
        cls._options = ModelFormOptions.from_meta(getattr(cls, "Meta", None))
        if cls._options.model is not None:
            _check_options(cls, cls._options)


def _check_options(form_class: Any, options: ModelFormOptions) -> None:
    assert options.model is not None
    name = form_class.__name__
    columns = model_columns(options.model)
    if options.fields is None and not options.exclude:
        raise ImproperlyConfigured(
            f"{name}.Meta needs `fields` or `exclude`: list the columns to edit, e.g. "
            f"fields = ['title', 'body'], or write fields = '__all__'."
        )
    if isinstance(options.fields, str) and options.fields != ALL_FIELDS:
        raise ImproperlyConfigured(
            f"{name}.Meta.fields is the string {options.fields!r}: write a list, "
            f"e.g. fields = [{options.fields!r}], or '__all__'."
        )
    listed = [] if isinstance(options.fields, str) else list(options.fields or ())
    relations = many_to_many(options.model)
    unknown = [
        key
        for key in [*listed, *options.exclude]
        if key not in columns
        and key not in relations
        and not hasattr(getattr(form_class, key, None), "_formfield")
    ]
    if unknown:
        raise ImproperlyConfigured(
            f"{name}.Meta names unknown field(s) {', '.join(map(repr, unknown))}: "
            f"{options.model.__name__} has the columns {', '.join(columns)} "
            f"(declare other fields on the form itself)."
        )


class ModelForm(Form, metaclass=ModelFormMetaclass):
    """A form for one model: fields generated from its columns; `save()` writes it.

    Fields are generated for the columns Meta.fields lists (or all editable ones with
    "__all__" or `exclude`; primary keys and computed columns only when listed); a
    field declared on the form replaces the generated one. With `instance`, the form
    edits that row and starts from its values; `initial` overrides them.

    `session` is where `save()` writes and where `is_valid()` checks unique columns; by
    default it is `orm.get_session()`, which in a view is the request's session. Given
    explicitly, it also turns foreign keys into a choice of the related rows.
    """

    _options: ModelFormOptions
    _generated: frozenset[str] = frozenset()

    def __init__(
        self,
        data: FormData | None = None,
        *,
        files: FormData | None = None,
        instance: Any | None = None,
        initial: Mapping[str, Any] | None = None,
        prefix: str = "",
        session: Session | None = None,
    ) -> None:
        model = self._options.model
        if model is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has no model: give it a `class Meta` with "
                f"model = YourModel and fields = [...]."
            )
        self.instance: Any = instance if instance is not None else model()
        self._session = session
        if session is not None:
            self._unbound_fields = self._fields_with_choices(session)
        values = self._values_of(self.instance, existing=instance is not None)
        values.update(initial or {})
        super().__init__(data, files=files, initial=values, prefix=prefix)

    @classmethod
    def collect_fields(cls) -> list[tuple[str, Any]]:
        """Return the declared fields and the generated ones, in Meta.fields' order."""
        declared = dict(super().collect_fields())
        options = cls._options
        if options.model is None:
            return list(declared.items())
        generated = {
            key: unbound
            for key, unbound in cls._generate_fields(options, exclude=declared).items()
            if unbound is not None
        }
        cls._generated = frozenset(generated)
        if isinstance(options.fields, str) or options.fields is None:
            order = list(model_columns(options.model))
        else:
            order = list(options.fields)
        fields = [(key, declared.get(key, generated.get(key))) for key in order]
        fields += [(key, unbound) for key, unbound in declared.items() if key not in order]
        return [(key, unbound) for key, unbound in fields if unbound is not None]

    @classmethod
    def _generate_fields(
        cls,
        options: ModelFormOptions,
        *,
        exclude: Mapping[str, Any],
        session: Session | None = None,
    ) -> dict[str, Any]:
        assert options.model is not None
        columns = model_columns(options.model)
        if isinstance(options.fields, str) or options.fields is None:
            keys = [
                key
                for key, column in columns.items()
                if editable_by_default(column) and key not in options.exclude
            ]
        else:
            relations = many_to_many(options.model)
            keys = [key for key in options.fields if key in columns or key in relations]
        generated: dict[str, Any] = {}
        for key in keys:
            if key in exclude:
                continue
            if key not in columns:
                generated[key] = field_for_relationship(key, relations[key], session)
                continue
            unbound = field_for_column(
                key, columns[key], session=session, models=_mapper(options.model).registry
            )
            if unbound is None and isinstance(options.fields, list | tuple):
                raise ImproperlyConfigured(
                    f"{cls.__name__}: no form field fits column {key!r} of type "
                    f"{columns[key].type}: declare the field on the form yourself."
                )
            if unbound is not None:
                if key in options.labels:
                    unbound.kwargs["label"] = options.labels[key]
                if key in options.help_texts:
                    unbound.kwargs["description"] = options.help_texts[key]
            generated[key] = unbound
        return generated

    def _fields_with_choices(self, session: Session) -> list[tuple[str, Any]]:
        options = self._options
        assert options.model is not None
        columns = model_columns(options.model)
        keys = [key for key in self._generated if key not in columns or columns[key].foreign_keys]
        if not keys:
            return list(self._unbound_fields)
        replaced = self._generate_fields(
            ModelFormOptions(options.model, keys, (), options.labels, options.help_texts),
            exclude={},
            session=session,
        )
        return [(key, replaced.get(key, unbound)) for key, unbound in self._unbound_fields]

    def _values_of(self, instance: Any, *, existing: bool) -> dict[str, Any]:
        assert self._options.model is not None
        columns = model_columns(self._options.model)
        keys = [key for key, _ in self._unbound_fields if key in columns]
        if existing:
            values = {key: getattr(instance, key) for key in keys}
            relations = many_to_many(self._options.model)
            for key, _ in self._unbound_fields:
                if key in relations:
                    values[key] = related_keys(instance, key)
            return values
        defaults = {key: scalar_default(columns[key]) for key in keys}
        return {key: value for key, value in defaults.items() if value is not NO_DEFAULT}

    @property
    def session(self) -> Session:
        """The session save() writes to: the one given, else the current one."""
        if self._session is None:
            from orm.session import get_session

            self._session = get_session()
        return self._session

    # Validation

    def _post_clean(self) -> None:
        super()._post_clean()
        self.validate_unique()

    def validate_unique(self) -> None:
        """Add an error for each unique column (or set of them) whose value is taken."""
        for keys in self._taken_unique_values():
            self._add_unique_error(keys)

    def _add_unique_error(self, keys: tuple[str, ...]) -> None:
        labels = " and ".join(self[key].label.text for key in keys)
        message = f"{type(self.instance).__name__} with this {labels} already exists."
        self.add_error(keys[0] if len(keys) == 1 else None, message)

    def _taken_unique_values(self) -> list[tuple[str, ...]]:
        cleaned = self.cleaned_data
        checks = [
            keys
            for keys in unique_key_sets(type(self.instance))
            if all(key in cleaned and cleaned[key] is not None for key in keys)
        ]
        if not checks:
            return []
        return [keys for keys in checks if self._is_taken(keys)]

    def _is_taken(self, keys: tuple[str, ...]) -> bool:
        model = type(self.instance)
        mapper = _mapper(model)
        query = select(*mapper.primary_key).where(
            *(getattr(model, key) == self.cleaned_data[key] for key in keys)
        )
        identity = sa_inspect(self.instance).identity
        if identity is not None:
            query = query.where(
                not_(and_(*(c == v for c, v in zip(mapper.primary_key, identity, strict=True))))
            )
        with self.session.no_autoflush:
            return self.session.execute(query.limit(1)).first() is not None

    # Saving

    def save(self, commit: bool = True) -> Any:
        """Write the cleaned data to the instance; add it to the session and flush.

        With commit=False the instance is only updated, not added. Raises FormSaveError
        if the form is invalid, or if the database refuses the row (a unique value taken
        meanwhile): the savepoint is rolled back and the error added to the form.
        """
        action = "changed" if sa_inspect(self.instance).has_identity else "created"
        name = type(self.instance).__name__
        if not self.is_valid():
            raise FormSaveError(f"The {name} could not be {action} because the data is invalid.")
        if not commit:
            self._apply_cleaned_data()
            return self.instance
        session = self.session
        try:
            # The savepoint undoes only this row's changes if the database refuses them,
            # leaving the request's transaction usable for the error page.
            with session.begin_nested():
                self._apply_cleaned_data()
                session.add(self.instance)
                session.flush()
        except IntegrityError as exc:
            self._report_refusal()
            raise FormSaveError(
                f"The {name} could not be {action}: the database refused it."
            ) from exc
        return self.instance

    def _apply_cleaned_data(self) -> None:
        assert self._options.model is not None
        columns = model_columns(self._options.model)
        relations = many_to_many(self._options.model)
        for key, value in self.cleaned_data.items():
            column = columns.get(key)
            if column is None:
                if key in relations and key in self._generated:
                    setattr(self.instance, key, related_rows(self.session, relations[key], value))
                continue
            if value is None and not column.nullable:
                default = scalar_default(column)
                if default is not NO_DEFAULT:
                    value = default
                elif has_default(column):
                    continue  # left blank: SQLAlchemy or the database fills it in
            setattr(self.instance, key, value)

    def _report_refusal(self) -> None:
        # Find what the database objected to; say so in general terms if it was not a
        # unique value (the SQL and its message never reach the page).
        taken = self._taken_unique_values()
        for keys in taken:
            self._add_unique_error(keys)
        if not taken:
            self.add_error(
                None,
                f"This {type(self.instance).__name__} could not be saved: "
                f"it conflicts with data already stored.",
            )


def unique_key_sets(model: type[Any]) -> list[tuple[str, ...]]:
    """Return each set of attribute names the model's table declares unique together."""
    mapper = _mapper(model)
    keys = {column: key for key, column in model_columns(model).items()}
    sets: list[tuple[str, ...]] = [(keys[column],) for column in keys if column.unique]
    table = mapper.local_table
    groups = [
        c.columns for c in getattr(table, "constraints", ()) if isinstance(c, UniqueConstraint)
    ]
    groups += [
        i.columns for i in getattr(table, "indexes", ()) if isinstance(i, Index) and i.unique
    ]
    for columns in groups:
        if columns and all(column in keys for column in columns):
            key_set = tuple(keys[column] for column in columns)
            if key_set not in sets:
                sets.append(key_set)
    return sets


def modelform_factory(
    model: type[Any],
    *,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    form: type[ModelForm] = ModelForm,
    labels: Mapping[str, str] | None = None,
    help_texts: Mapping[str, str] | None = None,
) -> type[ModelForm]:
    """Return a ModelForm class for `model` (what CreateView builds from `fields`)."""
    options: dict[str, Any] = {"model": model}
    for option, value in (
        ("fields", fields),
        ("exclude", exclude),
        ("labels", labels),
        ("help_texts", help_texts),
    ):
        if value is not None:
            options[option] = value
    parent_meta = getattr(form, "Meta", None)
    bases: tuple[type, ...] = ()
    if isinstance(parent_meta, type) and hasattr(parent_meta, "model"):
        bases = (parent_meta,)  # a form for a model already: keep its other options
    meta = type("Meta", bases, options)
    form_class: type[ModelForm] = ModelFormMetaclass(
        f"{model.__name__}Form", (form,), {"Meta": meta}
    )
    return form_class


__all__ = [
    "ALL_FIELDS",
    "FormSaveError",
    "ModelForm",
    "ModelFormMetaclass",
    "ModelFormOptions",
    "model_columns",
    "modelform_factory",
    "unique_key_sets",
]
