"""`EmailMessage`: one email, text with an optional HTML alternative and attachments.

Built on the standard library's `email.message.EmailMessage`; a header value that holds
a line break (a header injection) is refused before anything is sent.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage as StdlibMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.mail.backends.base import BaseEmailBackend


class BadHeaderError(ValueError):
    """A header value (subject, address) holds a line break: a header injection attempt."""


def check_header(name: str, value: str) -> str:
    """Return `value`, or raise BadHeaderError if it holds CR or LF (or a NUL)."""
    if any(character in value for character in "\r\n\0"):
        raise BadHeaderError(
            f"The {name} header holds a line break ({value!r}): remove the line breaks "
            f"(an address or subject typed by a user must be one line)."
        )
    return value


class EmailMessage:
    """An email to send: `EmailMessage(subject, body, from_email, to).send()`.

    `html` adds an HTML alternative to the text body; `attach()` and `attach_file()`
    add attachments; `cc`, `bcc` and `reply_to` take lists of addresses, `headers`
    any other header. Addresses may be "Name <user@example.com>".
    """

    def __init__(
        self,
        subject: str = "",
        body: str = "",
        from_email: str | None = None,
        to: Sequence[str] = (),
        *,
        cc: Sequence[str] = (),
        bcc: Sequence[str] = (),
        reply_to: Sequence[str] = (),
        html: str | None = None,
        headers: dict[str, str] | None = None,
        connection: BaseEmailBackend | None = None,
    ) -> None:
        for name, value in (("to", to), ("cc", cc), ("bcc", bcc), ("reply_to", reply_to)):
            if isinstance(value, str):
                raise TypeError(f"{name} must be a list of addresses, not the string {value!r}.")
        self.subject = subject
        self.body = body
        self.from_email = from_email
        self.to, self.cc, self.bcc, self.reply_to = list(to), list(cc), list(bcc), list(reply_to)
        self.html = html
        self.headers = dict(headers or {})
        # (filename, content, MIME type); text is kept as str and sent as UTF-8.
        self.attachments: list[tuple[str, bytes | str, str]] = []
        self.connection = connection

    def attach(self, filename: str, content: bytes | str, mimetype: str | None = None) -> None:
        """Attach `content` under `filename` (its type guessed from the name if not given)."""
        guessed = mimetype or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        if isinstance(content, str) and not guessed.startswith("text/"):
            content = content.encode()
        self.attachments.append((check_header("attachment filename", filename), content, guessed))

    def attach_file(self, path: str | Path, mimetype: str | None = None) -> None:
        """Attach the file at `path`."""
        file = Path(path)
        self.attach(file.name, file.read_bytes(), mimetype)

    def recipients(self) -> list[str]:
        """Return every address the message goes to (to, cc and bcc), without names."""
        pairs = getaddresses([*self.to, *self.cc, *self.bcc])
        return [address for _, address in pairs if address]

    def sender(self) -> str:
        """Return the From address: `from_email`, or DEFAULT_FROM_EMAIL."""
        if self.from_email:
            return self.from_email
        from core.conf import settings

        return str(settings.DEFAULT_FROM_EMAIL)

    def message(self, *, readable: bool = False) -> StdlibMessage:
        """Return the message as the standard library builds it (headers checked).

        `readable` keeps text parts as they are (8bit) instead of quoted-printable, for a
        person reading the console: a long link then stays on one line.
        """
        cte = "8bit" if readable else None
        message = StdlibMessage()
        message["Subject"] = check_header("Subject", self.subject)
        message["From"] = _addresses("From", [self.sender()])
        if self.to:
            message["To"] = _addresses("To", self.to)
        if self.cc:
            message["Cc"] = _addresses("Cc", self.cc)
        if self.reply_to:
            message["Reply-To"] = _addresses("Reply-To", self.reply_to)
        names = {name.lower() for name in self.headers}
        if "date" not in names:
            message["Date"] = formatdate(localtime=True)
        if "message-id" not in names:
            message["Message-ID"] = make_msgid()
        for name, value in self.headers.items():
            message[check_header("header name", name)] = check_header(name, value)
        message.set_content(self.body, cte=cte)
        if self.html is not None:
            message.add_alternative(self.html, subtype="html", cte=cte)
        for filename, data, mimetype in self.attachments:
            maintype, _, subtype = mimetype.partition("/")
            if isinstance(data, str):
                message.add_attachment(data, subtype=subtype, filename=filename)
            else:
                message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return message

    def get_connection(self) -> BaseEmailBackend:
        """Return the backend this message is sent with: its own, or EMAIL_BACKEND's."""
        if self.connection is None:
            from core.mail import get_connection

            self.connection = get_connection()
        return self.connection

    def send(self, fail_silently: bool = False) -> int:
        """Send the message; return 1 if it went, 0 if it had no recipient."""
        if not self.recipients():
            return 0
        return self.get_connection().send_messages([self], fail_silently=fail_silently)


def _addresses(header: str, values: Sequence[str]) -> str:
    checked = [check_header(header, value) for value in values]
    for name, address in getaddresses(checked):
        if "@" not in address:
            raise ValueError(f"{address or name!r} in {header} is not an email address.")
        Address(display_name=name, addr_spec=address)  # refuses what SMTP cannot carry
    return ", ".join(checked)


def as_bytes(message: EmailMessage) -> bytes:
    """Return the message as it goes on the wire (CRLF line ends)."""
    from email import policy

    return message.message().as_bytes(policy=policy.SMTP)


__all__ = ["BadHeaderError", "EmailMessage", "as_bytes", "check_header"]
