"""HTML for forms: error lists, accessible field attributes, and a whole form at once.

Everything here builds Markup with `Markup.format`, which escapes every value that is
not already Markup: labels, help texts, error messages and submitted values alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from wtforms.widgets import ListWidget  # type: ignore[import-untyped, unused-ignore]

if TYPE_CHECKING:
    from core.forms.forms import Form


class ErrorList(list[str]):
    """Error messages of a field (or of the whole form), rendered as an accessible list.

    `{{ form.title.errors }}` gives `<ul class="errorlist" id="title-errors">`, the id
    the field's `aria-describedby` points to; an empty list renders as nothing.
    """

    def __init__(
        self, messages: Iterable[str] = (), *, html_id: str = "", css_class: str = "errorlist"
    ) -> None:
        super().__init__(messages)
        self.html_id = html_id
        self.css_class = css_class

    def __html__(self) -> Markup:
        if not self:
            return Markup("")
        items = Markup("").join(Markup("<li>{}</li>").format(message) for message in self)
        id_attribute = Markup(' id="{}"').format(self.html_id) if self.html_id else Markup("")
        return Markup('<ul class="{}"{}>{}</ul>').format(self.css_class, id_attribute, items)

    def __str__(self) -> str:
        return str(self.__html__())


def errors_id(field: Any) -> str:
    """Return the id of a field's error list."""
    return f"{field.id}-errors"


def help_id(field: Any) -> str:
    """Return the id of a field's help text."""
    return f"{field.id}-help"


def field_errors(field: Any) -> ErrorList:
    """Return the field's errors as an ErrorList, converting WTForms' plain list in place."""
    errors = field.errors
    if not isinstance(errors, ErrorList):
        errors = field.errors = ErrorList(errors, html_id=errors_id(field))
    return errors


def attribute_name(key: str) -> str:
    """Spell a keyword as an HTML attribute, as WTForms does: class_ -> class, aria_x -> aria-x."""
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return key


def accessible_attributes(field: Any, render_kw: Mapping[str, Any]) -> dict[str, Any]:
    """Add aria-invalid and aria-describedby (help text, errors) to a widget's attributes."""
    attributes = {attribute_name(key): value for key, value in render_kw.items()}
    described_by = []
    if field.description:
        described_by.append(help_id(field))
    if field.errors:
        attributes.setdefault("aria-invalid", "true")
        described_by.append(errors_id(field))
    if described_by:
        attributes.setdefault("aria-describedby", " ".join(described_by))
    return attributes


def is_hidden(field: Any) -> bool:
    """Say whether a field renders as a hidden input."""
    return getattr(field.widget, "input_type", None) == "hidden"


def render_field_row(field: Any) -> Markup:
    """Render one field with its label, widget, help text and errors, inside a div."""
    classes = ["field", f"field-{field.short_name}"]
    if field.flags.required:
        classes.append("required")
    if field.errors:
        classes.append("error")
    if isinstance(field.widget, ListWidget):
        # A list of radios or checkboxes is labelled as a group, not by one <label>.
        body = Markup("<fieldset><legend>{}</legend>{}</fieldset>").format(
            field.label.text, field()
        )
    elif getattr(field.widget, "input_type", None) == "checkbox":
        body = Markup("{} {}").format(field(), field.label())
    else:
        body = Markup("{} {}").format(field.label(), field())
    help_text = (
        Markup('<div class="helptext" id="{}">{}</div>').format(help_id(field), field.description)
        if field.description
        else Markup("")
    )
    return Markup('<div class="{}">{}{}{}</div>').format(
        " ".join(classes), body, help_text, field_errors(field)
    )


def render_form(form: Form) -> Markup:
    """Render the form's errors, then each visible field as a row, then the hidden ones."""
    top = form.non_field_errors()  # a new list: hidden fields' errors are added below
    rows: list[Markup] = []
    hidden: list[Markup] = []
    for field in form:
        if is_hidden(field):
            top.extend(f"(Hidden field {field.label.text}) {error}" for error in field.errors)
            hidden.append(field())
        else:
            rows.append(render_field_row(field))
    parts = [top.__html__(), *rows, *hidden] if top else [*rows, *hidden]
    return Markup("\n").join(parts)


__all__ = ["ErrorList", "accessible_attributes", "field_errors", "render_field_row", "render_form"]
