"""`Form`: declared WTForms fields, validation with Django's hooks, accessible HTML.

class ContactForm(Form):
    email = EmailField(validators=[InputRequired(), Email()])
    message = TextAreaField(validators=[InputRequired(), Length(max=2000)])

    def clean_message(self, value):
        return value.strip()

form = ContactForm(request.POST)
if form.is_valid():
    send(form.cleaned_data["email"], form.cleaned_data["message"])
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import wtforms  # type: ignore[import-untyped, unused-ignore]
from markupsafe import Markup
from wtforms.form import FormMeta  # type: ignore[import-untyped, unused-ignore]
from wtforms.meta import DefaultMeta  # type: ignore[import-untyped, unused-ignore]

from core.forms.fields import FileField
from core.forms.rendering import (
    ErrorList,
    accessible_attributes,
    field_errors,
    is_hidden,
    render_form,
)
from core.forms.uploads import FileTooLarge, is_upload
from core.forms.validators import ValidationError

if TYPE_CHECKING:
    from webob.multidict import NoVars

# request.POST (a WebOb MultiDict, or NoVars for a request without a form body) or a dict,
# whose values may be lists for fields that take several.
FormData: TypeAlias = "Mapping[str, Any] | NoVars"

NON_FIELD_ERRORS = "__all__"


class FormInput:
    """Give WTForms one multidict over the submitted data and files.

    Each field sees strings only, except a FileField, which sees uploads only: a file
    sent for a text field, or text sent for a file field, counts as nothing sent.
    """

    def __init__(self, *sources: Any, file_names: Collection[str] = ()) -> None:
        for source in sources:
            if not (hasattr(source, "getall") or isinstance(source, Mapping)):
                raise TypeError(
                    f"Form data must be request.POST (a MultiDict) or a dict, "
                    f"not {type(source).__name__}."
                )
        self.sources = sources
        self.file_names = frozenset(file_names)

    def for_fields(self, file_names: Collection[str]) -> FormInput:
        """Return the same input, knowing which field names take files."""
        return FormInput(*self.sources, file_names=file_names)

    def getlist(self, name: str) -> list[Any]:
        """Return every value sent for `name`, in order (what WTForms asks for)."""
        values = [value for source in self.sources for value in _values(source, name)]
        if name in self.file_names:
            return [value for value in values if is_upload(value)]
        return [text for value in values if (text := _as_text(value)) is not None]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.getlist(name))

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name for source in self.sources for name in source))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _values(source: Any, name: str) -> list[Any]:
    if hasattr(source, "getall"):
        return list(source.getall(name))
    if name not in source:
        return []
    value = source[name]
    return list(value) if isinstance(value, list | tuple) else [value]


def _as_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if value is None or value is False or hasattr(value, "file"):
        return None
    if value is True:
        return "y"  # what a checked checkbox sends
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class FormOptions(DefaultMeta):  # type: ignore[misc, unused-ignore]
    """WTForms' per-form options, with Stoa's input wrapping and accessible rendering."""

    def wrap_formdata(self, form: Any, formdata: Any) -> FormInput | None:
        """Wrap request.POST or a dict so each field sees values of the kind it takes."""
        if formdata is None:
            return None
        files = [field.name for field in form if isinstance(field, FileField)]
        if isinstance(formdata, FormInput):
            return formdata.for_fields(files)
        return FormInput(formdata, file_names=files)

    def render_field(self, field: Any, render_kw: Mapping[str, Any]) -> Markup:
        """Render a widget with aria-invalid and aria-describedby where they apply."""
        rendered: Markup = super().render_field(field, accessible_attributes(field, render_kw))
        return rendered


class DeclarativeFieldsMetaclass(FormMeta):  # type: ignore[misc, unused-ignore]
    """Let a form class decide its fields and their order (`collect_fields()`)."""

    _unbound_fields: list[tuple[str, Any]] | None

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (a metaclass)
        if cls._unbound_fields is None:
            cls._unbound_fields = cls.collect_fields()
        return super().__call__(*args, **kwargs)


class Form(wtforms.Form, metaclass=DeclarativeFieldsMetaclass):  # type: ignore[misc, unused-ignore]
    """A form: declared fields, validation, cleaned data and HTML, with Django's names.

    `data` is what was submitted (request.POST or a dict); without it the form is
    unbound and shows `initial` values. A bound form ignores `initial`, except that a
    FileField with no new upload keeps its initial value. Validation runs WTForms'
    validators, then `clean_<field>(value)` hooks (their return value replaces the
    cleaned value), then `clean()` for checks across fields; each may raise
    ValidationError or call `add_error()`.
    """

    Meta = FormOptions

    def __init__(
        self,
        data: FormData | None = None,
        *,
        files: FormData | None = None,
        initial: Mapping[str, Any] | None = None,
        prefix: str = "",
    ) -> None:
        self.is_bound = data is not None or files is not None
        self.initial: dict[str, Any] = dict(initial or {})
        self.prefix = prefix
        self._cleaned_data: dict[str, Any] | None = None
        self.form_errors: list[str] = []
        # Views may pass request.POST as both: WebOb keeps files among the fields.
        sources = [data] if files is data else [data, files]
        sources = [source for source in sources if source is not None]
        formdata = FormInput(*sources) if self.is_bound else None
        super().__init__(formdata=formdata, prefix=prefix, data=self._starting_values())
        for field in self:
            field_errors(field)

    @classmethod
    def collect_fields(cls) -> list[tuple[str, Any]]:
        """Return the (name, unbound field) pairs of the form, in display order."""
        fields = [
            (name, value)
            for name in dir(cls)
            if not name.startswith("_") and hasattr(value := getattr(cls, name), "_formfield")
        ]
        fields.sort(key=lambda item: (item[1].creation_counter, item[0]))
        return fields

    def _starting_values(self) -> dict[str, Any]:
        if not self.is_bound:
            return self.initial
        classes = {name: unbound.field_class for name, unbound in self._unbound_fields}
        return {
            name: value
            for name, value in self.initial.items()
            if isinstance(classes.get(name), type) and issubclass(classes[name], FileField)
        }

    # Validation

    def is_valid(self) -> bool:
        """Validate the submitted data once; say whether it has no errors."""
        return self.is_bound and not self.errors

    @property
    def errors(self) -> dict[str, ErrorList]:
        """Error messages by field name; errors about the whole form under "__all__"."""
        self._clean_once()
        errors = {name: field_errors(field) for name, field in self._fields.items() if field.errors}
        if self.form_errors:
            errors[NON_FIELD_ERRORS] = self.non_field_errors()
        return errors

    def non_field_errors(self) -> ErrorList:
        """Return the errors that belong to no single field."""
        self._clean_once()
        return ErrorList(
            self.form_errors,
            html_id=f"{self._prefix}{NON_FIELD_ERRORS}-errors",
            css_class="errorlist nonfield",
        )

    @property
    def cleaned_data(self) -> dict[str, Any]:
        """The validated values by field name (fields with errors left out)."""
        if self._cleaned_data is None:
            raise AttributeError(
                f"{type(self).__name__}.cleaned_data is set by is_valid(): call it first."
            )
        return self._cleaned_data

    def add_error(self, field: str | None, error: str | ValidationError | Sequence[str]) -> None:
        """Record an error on a field (by name), or on the whole form when `field` is None."""
        self._clean_once()
        messages = _messages(error)
        if field is None or field == NON_FIELD_ERRORS:
            self.form_errors.extend(messages)
            return
        if field not in self:
            raise ValueError(f"{type(self).__name__} has no field named {field!r}.")
        field_errors(self[field]).extend(messages)
        if self._cleaned_data is not None:
            self._cleaned_data.pop(field, None)

    def clean(self) -> None:
        """Check the form as a whole; override, then raise ValidationError or add_error()."""

    def full_clean(self) -> None:
        """Run every validator and hook, and store uploads if all of it passed."""
        self._cleaned_data = {}
        self.form_errors = []
        if not self.is_bound:
            return
        self.validate()
        self._refuse_null_characters()
        self._cleaned_data = {
            name: field.data for name, field in self._fields.items() if not field.errors
        }
        for field in self:
            field_errors(field)  # WTForms' validate() left plain lists
        self._clean_fields()
        try:
            self.clean()
        except ValidationError as exc:
            self.add_error(None, exc)
        self._post_clean()
        if not self._has_errors():
            self._store_files()

    def _refuse_null_characters(self) -> None:
        # No database column takes NUL in text (PostgreSQL refuses the whole statement).
        for field in self:
            if any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
                field.errors = [*field.errors, "Null characters are not allowed."]

    def _clean_once(self) -> None:
        if self.is_bound and self._cleaned_data is None:
            self.full_clean()

    def _has_errors(self) -> bool:
        return bool(self.form_errors) or any(field.errors for field in self)

    def _clean_fields(self) -> None:
        cleaned = self.cleaned_data
        for name in list(cleaned):
            hook = getattr(self, f"clean_{name}", None)
            if hook is None:
                continue
            try:
                cleaned[name] = hook(cleaned[name])
            except ValidationError as exc:
                self.add_error(name, exc)

    def _post_clean(self) -> None:
        """Run checks that need every field clean first (ModelForm: uniqueness)."""

    def _store_files(self) -> None:
        for name, field in self._fields.items():
            if isinstance(field, FileField) and name in self.cleaned_data:
                try:
                    self.cleaned_data[name] = field.store()
                except FileTooLarge as exc:
                    self.add_error(name, str(exc))

    # Rendering

    def is_multipart(self) -> bool:
        """Say whether the form needs `enctype="multipart/form-data"` (it has a FileField)."""
        return any(isinstance(field, FileField) for field in self)

    def hidden_fields(self) -> list[Any]:
        """Return the fields that render as hidden inputs."""
        return [field for field in self if is_hidden(field)]

    def visible_fields(self) -> list[Any]:
        """Return the fields that do not render as hidden inputs."""
        return [field for field in self if not is_hidden(field)]

    def as_div(self) -> Markup:
        """Render the whole form (without the <form> tag and submit button)."""
        return render_form(self)

    def __html__(self) -> Markup:
        return self.as_div()

    def __str__(self) -> str:
        return str(self.as_div())


def _messages(error: str | ValidationError | Sequence[str]) -> list[str]:
    if isinstance(error, ValidationError):
        message = error.args[0] if error.args else ""
        return [str(message) or "Enter a valid value."]
    if isinstance(error, str):
        return [error]
    return [str(message) for message in error]


__all__ = ["NON_FIELD_ERRORS", "DeclarativeFieldsMetaclass", "Form", "FormData", "FormInput"]
