"""send_mail() and friends through the console, file, in-memory and dummy backends."""

from __future__ import annotations

import io
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from core import mail
from core.conf.validation import validate_settings
from core.exceptions import ImproperlyConfigured
from core.mail import EmailMessage, get_connection, mail_admins, send_mail, send_mass_mail
from core.mail.backends import console, dummy, filebased, locmem, smtp


def test_the_default_backend_is_the_console_with_debug_and_smtp_without(settings: Any) -> None:
    settings.EMAIL_BACKEND = None
    settings.DEBUG = True
    assert isinstance(get_connection(), console.EmailBackend)
    settings.DEBUG = False
    assert isinstance(get_connection(), smtp.EmailBackend)


def test_a_misspelt_backend_names_the_setting(settings: Any) -> None:
    settings.EMAIL_BACKEND = "core.mail.backends.nope.EmailBackend"

    with pytest.raises(ImproperlyConfigured, match="EMAIL_BACKEND"):
        get_connection()


def test_mailoutbox_keeps_what_send_mail_sends(mailoutbox: list[EmailMessage]) -> None:
    sent = send_mail("Hi", "Body", "a@example.com", ["t@example.com"], html="<b>Body</b>")

    assert sent == 1
    (message,) = mailoutbox
    assert (message.subject, message.to, message.html) == ("Hi", ["t@example.com"], "<b>Body</b>")
    assert isinstance(get_connection(), locmem.EmailBackend)


def test_mailoutbox_starts_empty_in_each_test(mailoutbox: list[EmailMessage]) -> None:
    assert mailoutbox == []
    assert mail.outbox is mailoutbox


def test_send_mass_mail_sends_each_over_one_connection(mailoutbox: list[EmailMessage]) -> None:
    count = send_mass_mail(
        [("one", "1", None, ["a@example.com"]), ("two", "2", None, ["b@example.com"])]
    )

    assert count == 2
    assert [m.subject for m in mailoutbox] == ["one", "two"]


def test_a_message_without_recipients_is_not_sent(mailoutbox: list[EmailMessage]) -> None:
    assert send_mail("s", "b", None, []) == 0
    assert mailoutbox == []


def test_mail_admins_prefixes_the_subject_and_writes_from_server_email(
    settings: Any, mailoutbox: list[EmailMessage]
) -> None:
    settings.ADMINS = [("Ada", "ada@example.com"), "ops@example.com"]
    settings.SERVER_EMAIL = "server@example.com"
    settings.EMAIL_SUBJECT_PREFIX = "[site] "

    assert mail_admins("Disk full", "90%") == 1

    (message,) = mailoutbox
    assert message.subject == "[site] Disk full"
    assert message.to == ["Ada <ada@example.com>", "ops@example.com"]
    assert message.from_email == "server@example.com"


def test_mail_admins_sends_nothing_without_admins(
    settings: Any, mailoutbox: list[EmailMessage]
) -> None:
    settings.ADMINS = []

    assert mail_admins("s", "b") == 0
    assert mailoutbox == []


def test_the_console_backend_prints_the_message() -> None:
    stream = io.StringIO()
    backend = console.EmailBackend(stream=stream)

    sent = backend.send_messages([EmailMessage("Hello", "Body", "a@example.com", ["t@x.org"])])

    assert sent == 1
    assert "Subject: Hello" in stream.getvalue()
    assert "Body" in stream.getvalue()


def test_the_file_backend_writes_one_file_per_message(tmp_path: Path) -> None:
    backend = filebased.EmailBackend(file_path=tmp_path / "mail")
    messages = [EmailMessage(f"n{i}", "b", "a@example.com", ["t@example.com"]) for i in range(2)]

    assert backend.send_messages(messages) == 2

    files = sorted((tmp_path / "mail").glob("*.eml"))
    subjects = {message_from_bytes(f.read_bytes(), policy=policy.default)["Subject"] for f in files}
    assert subjects == {"n0", "n1"}


def test_the_file_backend_needs_a_directory(settings: Any, tmp_path: Path) -> None:
    settings.EMAIL_FILE_PATH = None
    with pytest.raises(ImproperlyConfigured, match="EMAIL_FILE_PATH"):
        filebased.EmailBackend()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ImproperlyConfigured, match="is a file"):
        filebased.EmailBackend(file_path=tmp_path / "file")


def test_the_dummy_backend_sends_nothing_and_counts() -> None:
    assert dummy.EmailBackend().send_messages([EmailMessage("s", "b", None, ["t@x.org"])]) == 1


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"EMAIL_USE_TLS": True, "EMAIL_USE_SSL": True}, "choose one"),
        ({"EMAIL_PORT": 70000}, "EMAIL_PORT 70000"),
        ({"EMAIL_BACKEND": "core.mail.backends.filebased.EmailBackend"}, "EMAIL_FILE_PATH"),
        ({"ADMINS": [("Ada",)]}, "ADMINS entry"),
        ({"DEFAULT_FROM_EMAIL": "a@example.com\nBcc: x"}, "DEFAULT_FROM_EMAIL holds"),
    ],
)
def test_email_settings_are_checked_at_start_up(values: dict[str, Any], words: str) -> None:
    base = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": ["*"], "DATABASES": {"default": "sqlite://"}}

    problems = validate_settings({**base, **values}, set(values))

    assert any(words in problem for problem in problems), problems


def test_email_settings_of_the_wrong_type_are_reported() -> None:
    problems = validate_settings({"EMAIL_PORT": "25"}, {"EMAIL_PORT"})

    assert any("EMAIL_PORT must be" in problem for problem in problems), problems


def test_the_console_keeps_a_long_link_on_one_line() -> None:
    link = "https://example.com/accounts/reset/MQ/" + "a" * 90 + "/"
    stream = io.StringIO()

    console.EmailBackend(stream=stream).send_messages(
        [EmailMessage("Reset", f"Open {link}\n", "a@example.com", ["t@example.com"], html=link)]
    )

    assert link in stream.getvalue()
