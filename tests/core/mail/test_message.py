"""EmailMessage: headers, text and HTML parts, attachments, recipients, header injection."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from core.mail import BadHeaderError, EmailMessage
from core.mail.message import as_bytes


def parsed(message: EmailMessage) -> Any:
    return message_from_bytes(as_bytes(message), policy=policy.default)


def test_message_has_the_headers_and_the_text_body() -> None:
    email = EmailMessage(
        "Hello", "Body text\n", "Ada <ada@example.com>", ["bob@example.com"], cc=["c@example.com"]
    )

    got = parsed(email)

    assert got["Subject"] == "Hello"
    assert got["From"] == "Ada <ada@example.com>"
    assert got["To"] == "bob@example.com"
    assert got["Cc"] == "c@example.com"
    assert got["Message-ID"]
    assert got["Date"]
    assert got.get_content().rstrip() == "Body text"


def test_bcc_receives_the_message_but_is_not_in_the_headers() -> None:
    email = EmailMessage("s", "b", "a@example.com", ["t@example.com"], bcc=["hidden@example.com"])

    assert email.recipients() == ["t@example.com", "hidden@example.com"]
    assert b"hidden@example.com" not in as_bytes(email)


def test_reply_to_and_extra_headers_are_set() -> None:
    email = EmailMessage(
        "s", "b", "a@example.com", ["t@example.com"],
        reply_to=["desk@example.com"], headers={"X-Campaign": "spring"},
    )  # fmt: skip

    got = parsed(email)

    assert (got["Reply-To"], got["X-Campaign"]) == ("desk@example.com", "spring")


def test_html_alternative_and_attachment_make_a_multipart_message(tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    report.write_text("a,b\n1,2\n", encoding="utf-8")
    email = EmailMessage("s", "plain", "a@example.com", ["t@example.com"], html="<p>rich</p>")
    email.attach_file(report)
    email.attach("note.txt", "héllo")

    got = parsed(email)

    assert got.get_content_type() == "multipart/mixed"
    assert got.get_body(("plain",)).get_content().rstrip() == "plain"
    assert got.get_body(("html",)).get_content().rstrip() == "<p>rich</p>"
    files = {part.get_filename(): part for part in got.iter_attachments()}
    assert files["report.csv"].get_content_type() == "text/csv"
    assert files["note.txt"].get_content().rstrip() == "héllo"


def test_non_ascii_subject_and_names_are_encoded() -> None:
    email = EmailMessage("Café ☕", "b", "Zoë <z@example.com>", ["t@example.com"])

    raw = as_bytes(email)

    assert raw.isascii()
    assert parsed(email)["Subject"] == "Café ☕"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hi\r\nBcc: victim@example.com"),
        ("subject", "Hi\nthere"),
        ("from_email", "a@example.com\nBcc: victim@example.com"),
        ("to", ["t@example.com\r\nBcc: victim@example.com"]),
        ("cc", ["c@example.com\n"]),
        ("reply_to", ["r@example.com\rX: y"]),
    ],
)
def test_a_line_break_in_a_header_is_refused(field: str, value: Any) -> None:
    options: dict[str, Any] = {
        "subject": "s", "body": "b", "from_email": "a@example.com", "to": ["t@example.com"]
    }  # fmt: skip
    options[field] = value

    with pytest.raises(BadHeaderError, match="line break"):
        EmailMessage(**options).message()


def test_a_line_break_in_an_extra_header_is_refused() -> None:
    email = EmailMessage("s", "b", "a@example.com", ["t@example.com"], headers={"X": "1\nBcc: v"})

    with pytest.raises(BadHeaderError):
        email.message()


def test_an_address_without_at_sign_is_refused() -> None:
    with pytest.raises(ValueError, match="not an email address"):
        EmailMessage("s", "b", "a@example.com", ["nobody"]).message()


def test_recipients_given_as_one_string_are_refused() -> None:
    with pytest.raises(TypeError, match="list of addresses"):
        EmailMessage("s", "b", "a@example.com", "t@example.com")  # type: ignore[arg-type]


def test_from_defaults_to_default_from_email(settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "site@example.com"

    assert parsed(EmailMessage("s", "b", None, ["t@example.com"]))["From"] == "site@example.com"
