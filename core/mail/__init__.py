"""Email: `send_mail()`, `EmailMessage`, `mail_admins()`, backends chosen by EMAIL_BACKEND.

    from core.mail import send_mail

    send_mail("Welcome", "Hello!", None, ["ada@example.com"], html="<p>Hello!</p>")

EMAIL_BACKEND names the backend: SMTP (the default), console (the default with DEBUG
on, when EMAIL_BACKEND is not set), file, in-memory (`outbox`, for tests) or dummy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.mail.backends.base import BaseEmailBackend, MailError
from core.mail.message import BadHeaderError, EmailMessage

SMTP_BACKEND = "core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "core.mail.backends.console.EmailBackend"

# The messages the in-memory backend (core.mail.backends.locmem) has "sent".
outbox: list[EmailMessage] = []


def backend_path() -> str:
    """Return the dotted path of the backend in use (EMAIL_BACKEND, or its default)."""
    from core.conf import settings

    if settings.EMAIL_BACKEND:
        return str(settings.EMAIL_BACKEND)
    return CONSOLE_BACKEND if settings.DEBUG else SMTP_BACKEND


def get_connection(
    backend: str | None = None, *, fail_silently: bool = False, **options: Any
) -> BaseEmailBackend:
    """Return an instance of the email backend (EMAIL_BACKEND unless `backend` is given)."""
    from core.utils import import_string

    path = backend or backend_path()
    backend_class = import_string(f"{path}", setting="EMAIL_BACKEND")
    instance: BaseEmailBackend = backend_class(fail_silently=fail_silently, **options)
    return instance


def send_mail(
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: Sequence[str],
    *,
    fail_silently: bool = False,
    html: str | None = None,
    connection: BaseEmailBackend | None = None,
) -> int:
    """Send one email to `recipient_list`; return 1 if it was sent (0 when silent and not)."""
    email = EmailMessage(
        subject, message, from_email, recipient_list, html=html, connection=connection
    )
    return email.send(fail_silently=fail_silently)


def send_mass_mail(
    messages: Sequence[tuple[str, str, str | None, Sequence[str]]],
    *,
    fail_silently: bool = False,
    connection: BaseEmailBackend | None = None,
) -> int:
    """Send (subject, body, from, recipients) tuples over one connection; return the count."""
    backend = connection or get_connection(fail_silently=fail_silently)
    emails = [EmailMessage(s, b, f, r, connection=backend) for s, b, f, r in messages]
    return backend.send_messages(emails, fail_silently=fail_silently)


def mail_admins(
    subject: str, message: str, *, fail_silently: bool = False, html: str | None = None
) -> int:
    """Send an email to the ADMINS, from SERVER_EMAIL, the subject prefixed; 0 if none."""
    from core.conf import settings

    admins = [_address(entry) for entry in settings.ADMINS]
    if not admins:
        return 0
    email = EmailMessage(
        f"{settings.EMAIL_SUBJECT_PREFIX}{subject}",
        message,
        settings.SERVER_EMAIL,
        admins,
        html=html,
    )
    return email.send(fail_silently=fail_silently)


def _address(entry: str | tuple[str, str] | list[str]) -> str:
    if isinstance(entry, str):
        return entry
    name, address = entry
    return f"{name} <{address}>" if name else address


__all__ = [
    "BadHeaderError",
    "BaseEmailBackend",
    "EmailMessage",
    "MailError",
    "backend_path",
    "get_connection",
    "mail_admins",
    "outbox",
    "send_mail",
    "send_mass_mail",
]
