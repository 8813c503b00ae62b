"""Checks of new passwords, listed in AUTH_PASSWORD_VALIDATORS.

    validate_password("hunter2", user)   # ValidationError with every message at once

Each validator has `validate(password, user=None)`, raising ValidationError, and
`get_help_text()`. Settings entries are dotted paths or {"NAME": path, "OPTIONS": {...}}.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.forms import ValidationError
from core.utils import import_string

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "common-passwords.txt.gz"


class PasswordValidator(Protocol):
    """What AUTH_PASSWORD_VALIDATORS entries are instances of."""

    def validate(self, password: str, user: Any = None) -> None: ...

    def get_help_text(self) -> str: ...


class PasswordValidationError(ValidationError):  # type: ignore[misc, unused-ignore]
    """A password failed one or more validators; `messages` lists why."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def get_password_validators(config: Sequence[object] | None = None) -> list[PasswordValidator]:
    """Return an instance of each validator in `config` (default: AUTH_PASSWORD_VALIDATORS)."""
    entries = settings.AUTH_PASSWORD_VALIDATORS if config is None else config
    validators = []
    for entry in entries:
        if isinstance(entry, str):
            path, options = entry, {}
        elif isinstance(entry, dict) and isinstance(entry.get("NAME"), str):
            path, options = entry["NAME"], dict(entry.get("OPTIONS") or {})
        else:
            raise ImproperlyConfigured(
                f"AUTH_PASSWORD_VALIDATORS has {entry!r}: use a dotted path or "
                f'{{"NAME": path, "OPTIONS": {{...}}}}.'
            )
        validator_class = import_string(path, setting="AUTH_PASSWORD_VALIDATORS")
        try:
            validators.append(validator_class(**options))
        except TypeError as exc:
            raise ImproperlyConfigured(
                f"Bad OPTIONS for {path!r} in AUTH_PASSWORD_VALIDATORS: {exc}"
            ) from exc
    return validators


def validate_password(
    password: str, user: Any = None, validators: Sequence[PasswordValidator] | None = None
) -> None:
    """Run every validator; raise one PasswordValidationError listing all their messages."""
    messages: list[str] = []
    for validator in get_password_validators() if validators is None else validators:
        try:
            validator.validate(password, user)
        except PasswordValidationError as exc:
            messages.extend(exc.messages)
        except ValidationError as exc:
            messages.append(str(exc.args[0]) if exc.args else "This password is not allowed.")
    if messages:
        raise PasswordValidationError(messages)


def password_validators_help_texts(
    validators: Sequence[PasswordValidator] | None = None,
) -> list[str]:
    """Return the help text of each validator, to show beside a new-password field."""
    chosen = get_password_validators() if validators is None else validators
    return [validator.get_help_text() for validator in chosen]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


class MinimumLengthValidator:
    """Refuse passwords shorter than `min_length` characters."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        """Raise ValidationError if `password` is too short."""
        if len(password) < self.min_length:
            raise ValidationError(
                f"This password is too short. It must contain at least "
                f"{_plural(self.min_length, 'character')}."
            )

    def get_help_text(self) -> str:
        """Describe the rule."""
        return f"Your password must contain at least {_plural(self.min_length, 'character')}."


class UserAttributeSimilarityValidator:
    """Refuse passwords too much like the user's username or email (difflib's ratio)."""

    DEFAULT_USER_ATTRIBUTES = ("username", "email")

    def __init__(
        self, user_attributes: Sequence[str] = DEFAULT_USER_ATTRIBUTES, max_similarity: float = 0.7
    ) -> None:
        if max_similarity < 0.1:
            raise ValueError("max_similarity must be at least 0.1.")
        self.user_attributes = tuple(user_attributes)
        self.max_similarity = max_similarity

    def validate(self, password: str, user: Any = None) -> None:
        """Raise ValidationError if `password` is close to one of the user's attributes."""
        if user is None:
            return
        from difflib import SequenceMatcher  # only when a password is being set

        lowered = password.lower()
        for name in self.user_attributes:
            value = getattr(user, name, None)
            if not isinstance(value, str) or not value:
                continue
            parts = [value, *re.split(r"\W+", value)]
            for part in parts:
                if not part:
                    continue
                # Skip the quadratic matcher when the lengths alone rule a match out.
                if _ratio_bound(lowered, part.lower()) < self.max_similarity:
                    continue
                ratio = SequenceMatcher(a=lowered, b=part.lower()).quick_ratio()
                if ratio >= self.max_similarity:
                    label = name.replace("_", " ")
                    raise ValidationError(f"The password is too similar to the {label}.")

    def get_help_text(self) -> str:
        """Describe the rule."""
        return "Your password can't be too similar to your other personal information."


def _ratio_bound(a: str, b: str) -> float:
    return 2 * min(len(a), len(b)) / (len(a) + len(b)) if a or b else 1.0


@cache
def _common_passwords(path: Path) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return frozenset(line.strip() for line in file if line.strip())


class CommonPasswordValidator:
    """Refuse passwords from a list of common ones (compared in lower case).

    The list shipped with Stoa (common-passwords.txt.gz beside this module, one a line)
    holds about 1,500 of the passwords most often found in public breach corpora; pass
    `password_list_path` (a gzipped or plain text file) for a larger one.
    """

    def __init__(self, password_list_path: str | Path = COMMON_PASSWORDS_FILE) -> None:
        self.password_list_path = Path(password_list_path)

    @property
    def passwords(self) -> frozenset[str]:
        """The common passwords, loaded once per file."""
        if self.password_list_path.suffix == ".gz":
            return _common_passwords(self.password_list_path)
        text = self.password_list_path.read_text(encoding="utf-8")
        return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())

    def validate(self, password: str, user: Any = None) -> None:
        """Raise ValidationError if `password` is a common one."""
        if password.lower().strip() in self.passwords:
            raise ValidationError("This password is too common.")

    def get_help_text(self) -> str:
        """Describe the rule."""
        return "Your password can't be a commonly used password."


class NumericPasswordValidator:
    """Refuse passwords made only of digits."""

    def validate(self, password: str, user: Any = None) -> None:
        """Raise ValidationError if `password` is all digits."""
        if password.isdigit():
            raise ValidationError("This password is entirely numeric.")

    def get_help_text(self) -> str:
        """Describe the rule."""
        return "Your password can't be entirely numeric."


__all__ = [
    "CommonPasswordValidator",
    "MinimumLengthValidator",
    "NumericPasswordValidator",
    "PasswordValidationError",
    "PasswordValidator",
    "UserAttributeSimilarityValidator",
    "get_password_validators",
    "password_validators_help_texts",
    "validate_password",
]
