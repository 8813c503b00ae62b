"""Send email through an SMTP server (EMAIL_HOST, EMAIL_PORT, TLS or SSL, a login)."""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.mail.backends.base import BaseEmailBackend, MailError
from core.mail.message import as_bytes

if TYPE_CHECKING:
    from core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    """Send messages over one SMTP connection, opened on demand (or kept in a `with`).

    The settings give the defaults: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
    EMAIL_HOST_PASSWORD, EMAIL_USE_TLS (STARTTLS), EMAIL_USE_SSL (implicit TLS) and
    EMAIL_TIMEOUT (seconds). A server that cannot be reached, refuses the login or the
    recipients raises MailError saying which, unless fail_silently.
    """

    def __init__(
        self,
        *,
        host: str | None = None,
        port: int | None = None,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool | None = None,
        use_ssl: bool | None = None,
        timeout: float | None = None,
        ssl_context: ssl.SSLContext | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        from core.conf import settings

        self.host = host if host is not None else settings.EMAIL_HOST
        self.port = port if port is not None else settings.EMAIL_PORT
        self.username = username if username is not None else settings.EMAIL_HOST_USER
        self.password = password if password is not None else settings.EMAIL_HOST_PASSWORD
        self.use_tls = use_tls if use_tls is not None else settings.EMAIL_USE_TLS
        self.use_ssl = use_ssl if use_ssl is not None else settings.EMAIL_USE_SSL
        self.timeout = timeout if timeout is not None else settings.EMAIL_TIMEOUT
        if self.use_tls and self.use_ssl:
            raise ValueError("Choose one of use_tls (STARTTLS) and use_ssl (implicit TLS).")
        # Certificates are verified; a context of your own can trust a private CA.
        self.ssl_context = ssl_context
        self.connection: smtplib.SMTP | None = None
        self._lock = threading.RLock()

    @property
    def where(self) -> str:
        """The server, as messages name it: "smtp.example.com:587"."""
        return f"{self.host}:{self.port}"

    def open(self) -> bool:
        """Connect (and log in) unless connected; return True if this call connected."""
        if self.connection is not None:
            return False
        context = self.ssl_context or ssl.create_default_context()
        kind = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        extra: dict[str, Any] = {"context": context} if self.use_ssl else {}
        if self.timeout is not None:
            extra["timeout"] = self.timeout
        try:
            connection = kind(self.host, self.port, **extra)
        except (OSError, smtplib.SMTPException) as exc:
            return self._fail(f"Cannot reach the SMTP server at {self.where}: {exc}", exc)
        try:
            if self.use_tls:
                connection.starttls(context=context)
            if self.username:
                connection.login(self.username, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            connection.close()
            return self._fail(
                f"The SMTP server at {self.where} refused the login of {self.username!r}: "
                f"check EMAIL_HOST_USER and EMAIL_HOST_PASSWORD ({_reply(exc)}).",
                exc,
            )
        except (OSError, smtplib.SMTPException) as exc:
            connection.close()
            return self._fail(f"The SMTP server at {self.where} failed the set-up: {exc}", exc)
        self.connection = connection
        return True

    def close(self) -> None:
        """Say QUIT and close the connection."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()

    def send_messages(
        self, messages: Sequence[EmailMessage], *, fail_silently: bool | None = None
    ) -> int:
        """Send the messages over one connection; return how many the server accepted."""
        if not messages:
            return 0
        silent = self.fail_silently if fail_silently is None else fail_silently
        with self._lock:
            opened = self._open(silent)
            if self.connection is None:
                return 0
            try:
                return sum(self._send(message, silent) for message in messages)
            finally:
                if opened:
                    self.close()

    def _open(self, silent: bool) -> bool:
        saved, self.fail_silently = self.fail_silently, silent
        try:
            return self.open()
        finally:
            self.fail_silently = saved

    def _send(self, message: EmailMessage, silent: bool) -> int:
        recipients = message.recipients()
        if not recipients:
            return 0
        assert self.connection is not None
        try:
            self.connection.sendmail(message.sender(), recipients, as_bytes(message))
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(exc.recipients)
            return self._refused(f"The SMTP server at {self.where} refused {refused}.", exc, silent)
        except smtplib.SMTPSenderRefused as exc:
            text = f"The SMTP server at {self.where} refused the sender {exc.sender!r}"
            return self._refused(f"{text} ({_reply(exc)}).", exc, silent)
        except (OSError, smtplib.SMTPException) as exc:
            return self._refused(f"Sending through {self.where} failed: {exc}", exc, silent)
        return 1

    def _refused(self, text: str, exc: Exception, silent: bool) -> int:
        if silent:
            return 0
        raise MailError(text) from exc

    def _fail(self, text: str, exc: Exception) -> bool:
        if self.fail_silently:
            return False
        raise MailError(text) from exc


def _reply(exc: smtplib.SMTPResponseException) -> str:
    error = exc.smtp_error
    text = error.decode(errors="replace") if isinstance(error, bytes) else str(error)
    return f"{exc.smtp_code} {text}".strip()
