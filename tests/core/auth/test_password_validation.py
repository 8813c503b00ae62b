"""core.auth.password_validation: each validator, and validate_password() collecting them."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from core.auth.models import User
from core.auth.password_validation import (
    COMMON_PASSWORDS_FILE,
    CommonPasswordValidator,
    MinimumLengthValidator,
    NumericPasswordValidator,
    PasswordValidationError,
    UserAttributeSimilarityValidator,
    get_password_validators,
    password_validators_help_texts,
    validate_password,
)
from core.exceptions import ImproperlyConfigured
from core.forms import ValidationError


def test_minimum_length_refuses_a_short_password() -> None:
    with pytest.raises(ValidationError, match="at least 10 characters"):
        MinimumLengthValidator(10).validate("123456789")


def test_minimum_length_accepts_a_long_enough_one() -> None:
    MinimumLengthValidator(10).validate("0123456789")


@pytest.mark.parametrize("password", ["password", "123456", "QWERTY", "iloveyou", "letmein"])
def test_common_passwords_are_refused_in_any_case(password: str) -> None:
    with pytest.raises(ValidationError, match="too common"):
        CommonPasswordValidator().validate(password)


def test_an_uncommon_password_is_accepted() -> None:
    CommonPasswordValidator().validate("gravel-otter-lantern-93")


def test_the_shipped_list_is_a_gzipped_list_of_over_a_thousand() -> None:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as file:
        lines = file.read().splitlines()
    assert len(lines) > 1000
    assert len(set(lines)) == len(lines)


def test_a_custom_plain_text_list_can_be_used(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("Hunter2\n")
    with pytest.raises(ValidationError):
        CommonPasswordValidator(words).validate("hunter2")


def test_an_all_digit_password_is_refused() -> None:
    with pytest.raises(ValidationError, match="entirely numeric"):
        NumericPasswordValidator().validate("83749201")


def test_digits_with_a_letter_are_accepted() -> None:
    NumericPasswordValidator().validate("83749201a")


def test_a_password_like_the_username_is_refused() -> None:
    user = User(username="marguerite", email="")
    with pytest.raises(ValidationError, match="too similar to the username"):
        UserAttributeSimilarityValidator().validate("Marguerite1", user)


def test_a_password_like_the_email_parts_is_refused() -> None:
    user = User(username="x", email="bartholomew@example.com")
    with pytest.raises(ValidationError, match="too similar to the email"):
        UserAttributeSimilarityValidator().validate("bartholomew!", user)


def test_a_password_unlike_the_user_is_accepted() -> None:
    user = User(username="ada", email="ada@example.com")
    UserAttributeSimilarityValidator().validate("gravel-otter-lantern-93", user)


def test_validate_password_reports_every_failure_at_once(settings: Any) -> None:
    with pytest.raises(PasswordValidationError) as caught:
        validate_password("12345")
    assert caught.value.messages == [
        "This password is too short. It must contain at least 10 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]


def test_validate_password_accepts_a_good_one() -> None:
    validate_password("gravel-otter-lantern-93", User(username="ada", email="ada@example.com"))


def test_help_texts_list_each_rule() -> None:
    texts = password_validators_help_texts()
    assert len(texts) == 4
    assert "Your password must contain at least 10 characters." in texts


def test_a_bad_validator_entry_names_the_setting() -> None:
    with pytest.raises(ImproperlyConfigured, match="AUTH_PASSWORD_VALIDATORS"):
        get_password_validators([{"OPTIONS": {}}])


def test_bad_options_name_the_validator() -> None:
    path = "core.auth.password_validation.MinimumLengthValidator"
    with pytest.raises(ImproperlyConfigured, match="MinimumLengthValidator"):
        get_password_validators([{"NAME": path, "OPTIONS": {"length": 3}}])
