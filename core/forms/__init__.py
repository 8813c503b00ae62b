"""Forms: declared fields, validation, rendering, model forms and file uploads.

Built on WTForms: its fields and validators are re-exported here, with Django's form
API on top (`is_valid()`, `errors`, `cleaned_data`, `clean_<field>()`, `clean()`,
`add_error()`), accessible HTML rendering, `ModelForm` for SQLAlchemy models, and a
`FileField` that stores uploads under MEDIA_ROOT.

    from core.forms import Form, StringField, InputRequired, Length

    class CommentForm(Form):
        name = StringField(validators=[InputRequired(), Length(max=80)])
"""

from wtforms import (  # type: ignore[import-untyped, unused-ignore]
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)

from core.forms.fields import DateTimeField, FileField
from core.forms.forms import NON_FIELD_ERRORS, Form, FormData
from core.forms.models import ALL_FIELDS, FormSaveError, ModelForm, modelform_factory
from core.forms.rendering import ErrorList
from core.forms.uploads import UploadedFile, get_valid_filename
from core.forms.validators import (
    URL,
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NoneOf,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

__all__ = [
    "ALL_FIELDS",
    "NON_FIELD_ERRORS",
    "URL",
    "AnyOf",
    "BooleanField",
    "DataRequired",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "Email",
    "EmailField",
    "EqualTo",
    "ErrorList",
    "Field",
    "FileField",
    "FloatField",
    "Form",
    "FormData",
    "FormSaveError",
    "HiddenField",
    "InputRequired",
    "IntegerField",
    "Length",
    "ModelForm",
    "NoneOf",
    "NumberRange",
    "Optional",
    "PasswordField",
    "RadioField",
    "Regexp",
    "SelectChoice",
    "SelectField",
    "SelectMultipleField",
    "StopValidation",
    "StringField",
    "TextAreaField",
    "TimeField",
    "URLField",
    "UploadedFile",
    "ValidationError",
    "get_valid_filename",
    "modelform_factory",
]
