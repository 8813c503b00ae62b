"""`check --deploy`: each production problem reported with its id, silence when hardened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.checks import run_deploy_checks
from tests.helpers import call_command, manage, start_project

HARDENED: dict[str, Any] = {
    "DEBUG": False,
    "SECRET_KEY": "k8#Vn2q!Lr7x@Wp4m$Zt9s%Hb3c^Jd6f&Gy1u*Ke5a(Qw0e)Rz-Tv=Xi+Ol_Nh;",
    "SECRET_KEY_FALLBACKS": [],
    "ALLOWED_HOSTS": ["example.com"],
    "MIDDLEWARE": [
        "core.middleware.security.SecurityMiddleware",
        "core.middleware.sessions.SessionMiddleware",
        "core.middleware.csrf.CsrfViewMiddleware",
        "core.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_SSL_REDIRECT": True,
    "X_FRAME_OPTIONS": "DENY",
    "SECURE_CONTENT_TYPE_NOSNIFF": True,
    "DATABASES": {"default": "postgresql+psycopg://site@db.internal/site"},
}


def without(path: str) -> list[str]:
    return [entry for entry in HARDENED["MIDDLEWARE"] if entry != path]


@pytest.fixture
def hardened(settings: Any) -> Any:
    for name, value in HARDENED.items():
        setattr(settings, name, value)
    return settings


def ids() -> list[str]:
    return [message.id for message in run_deploy_checks()]


def test_hardened_settings_pass(hardened: Any) -> None:
    assert run_deploy_checks() == []


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", True, "security.W018"),
        ("SECRET_KEY", "short-key", "security.W009"),
        ("SECRET_KEY", "ab" * 40, "security.W009"),
        ("SECRET_KEY", "stoa-insecure-" + "x7Gq2" * 10, "security.W009"),
        ("SECRET_KEY", "changeme", "security.W009"),
        ("SECRET_KEY_FALLBACKS", ["old"], "security.W025"),
        ("ALLOWED_HOSTS", [], "security.W020"),
        ("ALLOWED_HOSTS", ["*"], "security.W020"),
        ("MIDDLEWARE", without("core.middleware.security.SecurityMiddleware"), "security.W001"),
        (
            "MIDDLEWARE",
            without("core.middleware.clickjacking.XFrameOptionsMiddleware"),
            "security.W002",
        ),
        ("MIDDLEWARE", without("core.middleware.csrf.CsrfViewMiddleware"), "security.W003"),
        ("MIDDLEWARE", without("core.middleware.sessions.SessionMiddleware"), "security.W030"),
        ("SESSION_COOKIE_SECURE", False, "security.W012"),
        ("SESSION_COOKIE_HTTPONLY", False, "security.W013"),
        ("CSRF_COOKIE_SECURE", False, "security.W016"),
        ("SECURE_HSTS_SECONDS", 0, "security.W004"),
        ("SECURE_SSL_REDIRECT", False, "security.W008"),
        ("X_FRAME_OPTIONS", "SAMEORIGIN", "security.W019"),
        ("SECURE_CONTENT_TYPE_NOSNIFF", False, "security.W006"),
        ("DATABASES", {"default": "sqlite:///db.sqlite3"}, "db.W003"),
        ("SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https"), "security.W031"),
        ("USE_X_FORWARDED_HOST", True, "security.W031"),
    ],
)
def test_each_problem_is_reported_alone(
    hardened: Any, name: str, value: Any, expected: str
) -> None:
    setattr(hardened, name, value)

    assert ids() == [expected]


def test_proxy_headers_trusted_from_the_named_proxies_pass(hardened: Any) -> None:
    hardened.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    hardened.USE_X_FORWARDED_HOST = True
    hardened.TRUSTED_PROXIES = ["127.0.0.1"]

    assert ids() == []


def test_csrf_cookie_secure_does_not_matter_with_sessions(hardened: Any) -> None:
    hardened.CSRF_COOKIE_SECURE = False
    hardened.CSRF_USE_SESSIONS = True

    assert ids() == []


def test_every_message_is_a_warning_with_a_fix(hardened: Any) -> None:
    hardened.DEBUG = True
    hardened.SECURE_SSL_REDIRECT = False

    messages = run_deploy_checks()

    assert {message.level for message in messages} == {"WARNING"}
    assert all("Set " in message.msg or "set " in message.msg for message in messages)


def test_check_without_deploy_skips_the_deploy_checks(hardened: Any) -> None:
    hardened.DEBUG = True

    result = call_command("check")

    assert "security.W018" not in result.err


def test_check_deploy_reports_and_exits_zero_on_warnings(hardened: Any) -> None:
    hardened.DEBUG = True

    result = call_command("check", "--deploy")

    assert result.code == 0, result.err
    assert "(security.W018) DEBUG is on" in result.err


def test_check_deploy_fails_on_warnings_with_fail_level(hardened: Any) -> None:
    hardened.DEBUG = True

    result = call_command("check", "--deploy", "--fail-level", "WARNING")

    assert result.code != 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return start_project(tmp_path_factory.mktemp("deploy"))


@pytest.mark.slow
def test_generated_project_lists_what_to_harden(generated: Path) -> None:
    result = manage(generated, "check", "--deploy")

    assert result.returncode == 0, result.stderr
    for id_ in ("security.W004", "security.W008", "security.W012", "security.W016", "db.W003"):
        assert f"({id_})" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_generated_project_fails_deploy_check_at_warning_level(generated: Path) -> None:
    result = manage(generated, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 1
