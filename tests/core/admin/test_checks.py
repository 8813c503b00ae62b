"""`manage.py check` and the admin: the middleware it needs."""

from __future__ import annotations

from core.checks import run_checks
from tests.core.admin.conftest import MIDDLEWARE


def admin_messages():
    return [message for message in run_checks() if message.id.startswith("admin.")]


def test_the_full_stack_passes(admin_settings):
    assert admin_messages() == []


def test_a_missing_csrf_middleware_is_an_error_that_says_what_to_do(admin_settings):
    admin_settings.MIDDLEWARE = [m for m in MIDDLEWARE if not m.endswith("CsrfViewMiddleware")]

    (message,) = admin_messages()

    assert message.level == "ERROR"
    assert message.id == "admin.E002"
    assert "CsrfViewMiddleware" in message.msg
    assert "add it" in message.msg


def test_without_the_admin_nothing_is_checked(settings):
    settings.MIDDLEWARE = []

    assert admin_messages() == []
