"""Validators: WTForms' own, and an Email validator that needs no extra package.

A validator is a callable `(form, field)` that raises ValidationError with a message.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms.validators import (  # type: ignore[import-untyped, unused-ignore]
    URL,
    AnyOf,
    DataRequired,
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

# Django's checks, smaller: a dot-atom local part and a domain of dotted DNS labels (or
# an internationalized one, checked after IDNA encoding).
_LOCAL_PART = re.compile(r"^[-!#$%&'*+/=?^_`{|}~0-9A-Za-z]+(\.[-!#$%&'*+/=?^_`{|}~0-9A-Za-z]+)*\Z")
_DOMAIN = re.compile(
    r"^((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(?!-)(?:[A-Za-z-]{2,63}|xn--[A-Za-z0-9]{1,59})(?<!-)\Z"
)


class Email:
    """Check that the value looks like an email address (no DNS look-up).

    WTForms' Email needs the email_validator package; this one needs nothing.
    """

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        """Raise ValidationError unless `field.data` is an address."""
        if not is_email(field.data):
            raise ValidationError(self.message or "Enter a valid email address.")


def is_email(value: object) -> bool:
    """Say whether `value` is a string with the shape of an email address."""
    if not isinstance(value, str) or len(value) > 320 or "@" not in value:
        return False
    local, _, domain = value.rpartition("@")
    if not local or len(local) > 64 or not _LOCAL_PART.match(local):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_DOMAIN.match(ascii_domain))


__all__ = [
    "URL",
    "AnyOf",
    "DataRequired",
    "Email",
    "EqualTo",
    "InputRequired",
    "Length",
    "NoneOf",
    "NumberRange",
    "Optional",
    "Regexp",
    "StopValidation",
    "ValidationError",
    "is_email",
]
