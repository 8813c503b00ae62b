"""createsuperuser and changepassword, run in-process with answers fed on stdin."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.models import User
from tests.core.auth.conftest import PASSWORD
from tests.helpers import call_command

GOOD = "gravel-otter-lantern-93"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a function that sets what the command reads from stdin."""

    def feed(*lines: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))

    return feed


def stored(db: Session, username: str) -> User | None:
    return db.scalars(select(User).where(User.username == username)).first()


def test_noinput_reads_the_environment(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOA_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("STOA_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("STOA_SUPERUSER_PASSWORD", GOOD)
    result = call_command("createsuperuser", "--noinput")
    assert result.code == 0, result.err
    user = stored(db, "root")
    assert user is not None
    assert user.is_superuser
    assert user.is_staff
    assert user.email == "root@example.com"
    assert user.check_password(GOOD)


def test_noinput_without_a_password_makes_an_unusable_one(db: Session) -> None:
    result = call_command("createsuperuser", "--noinput", "--username", "root")
    assert result.code == 0, result.err
    user = stored(db, "root")
    assert user is not None
    assert not user.has_usable_password()


def test_noinput_without_a_username_is_one_line(db: Session) -> None:
    result = call_command("createsuperuser", "--noinput")
    assert result.code == 1
    assert result.err.strip().count("\n") == 0
    assert "--username" in result.err


def test_noinput_validates_the_password(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STOA_SUPERUSER_PASSWORD", "12345")
    result = call_command("createsuperuser", "--noinput", "--username", "root")
    assert result.code == 1
    assert "too short" in result.err
    assert "Traceback" not in result.err
    assert stored(db, "root") is None


def test_skip_validation_accepts_a_weak_password(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOA_SUPERUSER_PASSWORD", "12345")
    result = call_command("createsuperuser", "--noinput", "--username", "root", "--skip-validation")
    assert result.code == 0, result.err
    user = stored(db, "root")
    assert user is not None
    assert user.check_password("12345")


def test_a_taken_username_is_refused(db: Session, user: User) -> None:
    result = call_command("createsuperuser", "--noinput", "--username", "ada")
    assert result.code == 1
    assert "already taken" in result.err


def test_interactive_asks_for_everything(db: Session, stdin: Any) -> None:
    stdin("root", "root@example.com", GOOD, GOOD)
    result = call_command("createsuperuser")
    assert result.code == 0, result.err
    assert "Username: " in result.out
    assert "Password (again): " in result.out
    user = stored(db, "root")
    assert user is not None
    assert user.check_password(GOOD)


def test_interactive_asks_again_after_a_mismatch(db: Session, stdin: Any) -> None:
    stdin("root", "", GOOD, "typo", GOOD, GOOD)
    result = call_command("createsuperuser")
    assert result.code == 0, result.err
    assert "didn't match" in result.err


def test_interactive_offers_to_bypass_validation(db: Session, stdin: Any) -> None:
    stdin("root", "", "12345", "12345", "y")
    result = call_command("createsuperuser")
    assert result.code == 0, result.err
    assert "This password is too short" in result.err
    assert "Bypass password validation" in result.out
    user = stored(db, "root")
    assert user is not None
    assert user.check_password("12345")


def test_interactive_refusing_the_bypass_asks_again(db: Session, stdin: Any) -> None:
    stdin("root", "", "12345", "12345", "n", GOOD, GOOD)
    result = call_command("createsuperuser")
    assert result.code == 0, result.err
    user = stored(db, "root")
    assert user is not None
    assert user.check_password(GOOD)


def test_input_that_ends_early_is_one_line(db: Session, stdin: Any) -> None:
    stdin("root")
    result = call_command("createsuperuser")
    assert result.code == 1
    assert "input ended" in result.err
    assert "Traceback" not in result.err


def test_changepassword_sets_the_password(db: Session, user: User, stdin: Any) -> None:
    stdin(GOOD, GOOD)
    result = call_command("changepassword", "ada")
    assert result.code == 0, result.err
    assert "Password changed successfully for user 'ada'" in result.out
    db.refresh(user)
    assert user.check_password(GOOD)
    assert not user.check_password(PASSWORD)


def test_changepassword_gives_up_after_three_tries(db: Session, user: User, stdin: Any) -> None:
    stdin("123", "123", GOOD, "typo", "password", "password")
    result = call_command("changepassword", "ada")
    assert result.code == 1
    assert "unchanged" in result.err
    db.refresh(user)
    assert user.check_password(PASSWORD)


def test_changepassword_for_an_unknown_user_is_one_line(db: Session, stdin: Any) -> None:
    result = call_command("changepassword", "nobody")
    assert result.code == 1
    assert result.err == "Error: There is no user named 'nobody'.\n"
