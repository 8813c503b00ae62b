"""The SMTP backend against a real SMTP server on 127.0.0.1 (aiosmtpd): plain, STARTTLS,
implicit TLS, a login, refusals, and a server that cannot be reached or never answers."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from core.mail import EmailMessage, MailError
from core.mail.backends.smtp import EmailBackend
from tests.helpers import free_port

controller = pytest.importorskip("aiosmtpd.controller", reason="the SMTP tests need aiosmtpd")
smtp_server = pytest.importorskip("aiosmtpd.smtp")

USER, PASSWORD = "mailer", "s3cret-pass"


@dataclass
class Inbox:
    """What the server received: (envelope sender, recipients, message bytes) each."""

    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = data.login == USER.encode() and data.password == PASSWORD.encode()
    return smtp_server.AuthResult(success=ok, handled=False)


@dataclass(frozen=True)
class Server:
    port: int
    inbox: Inbox


def start(inbox: Inbox, **options: Any) -> Any:
    server = controller.Controller(
        inbox, hostname="127.0.0.1", port=free_port(), ready_timeout=10, **options
    )
    server.start()
    return server


@pytest.fixture
def server() -> Iterator[Server]:
    inbox = Inbox()
    # One mechanism: smtplib would try the next one after a refused login.
    running = start(
        inbox,
        authenticator=authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=["LOGIN"],
    )
    try:
        yield Server(running.port, inbox)
    finally:
        running.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the TLS tests need the openssl command to make a certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


def message(*to: str) -> EmailMessage:
    return EmailMessage("Hello", "Body", "site@example.com", list(to), bcc=["audit@example.com"])


def test_a_message_reaches_the_server_with_its_envelope(server: Server) -> None:
    backend = EmailBackend(host="127.0.0.1", port=server.port, timeout=10)

    sent = backend.send_messages([message("ada@example.com")])

    assert sent == 1
    ((sender, recipients, raw),) = server.inbox.received
    assert sender == "site@example.com"
    assert recipients == ["ada@example.com", "audit@example.com"]
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Hello"
    assert "Bcc" not in parsed


def test_several_messages_go_over_one_connection(server: Server) -> None:
    with EmailBackend(host="127.0.0.1", port=server.port, timeout=10) as backend:
        connection = backend.connection
        sent = backend.send_messages([message("a@example.com"), message("b@example.com")])
        assert backend.connection is connection

    assert sent == 2
    assert backend.connection is None
    assert len(server.inbox.received) == 2


def test_a_login_is_sent(server: Server) -> None:
    backend = EmailBackend(
        host="127.0.0.1", port=server.port, username=USER, password=PASSWORD, timeout=10
    )

    assert backend.send_messages([message("ada@example.com")]) == 1


def test_a_refused_login_names_the_settings(server: Server) -> None:
    backend = EmailBackend(
        host="127.0.0.1", port=server.port, username=USER, password="wrong", timeout=10
    )

    with pytest.raises(MailError, match=r"refused the login of 'mailer'.*EMAIL_HOST_PASSWORD"):
        backend.send_messages([message("ada@example.com")])
    assert server.inbox.received == []


def test_a_refused_recipient_is_an_error_naming_it(server: Server) -> None:
    server.inbox.refuse = {"ghost@example.com", "audit@example.com"}
    backend = EmailBackend(host="127.0.0.1", port=server.port, timeout=10)

    with pytest.raises(MailError, match=r"refused ghost@example\.com"):
        backend.send_messages([EmailMessage("s", "b", "site@example.com", ["ghost@example.com"])])


def test_fail_silently_counts_what_went(server: Server) -> None:
    server.inbox.refuse = {"ghost@example.com"}
    backend = EmailBackend(host="127.0.0.1", port=server.port, timeout=10, fail_silently=True)
    ghost = EmailMessage("s", "b", "site@example.com", ["ghost@example.com"])

    assert backend.send_messages([ghost, message("ada@example.com")]) == 1


def test_a_server_that_cannot_be_reached_is_one_clear_error() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # bound, never listening: refused
        backend = EmailBackend(host="127.0.0.1", port=port, timeout=5)

        with pytest.raises(MailError, match=rf"Cannot reach the SMTP server at 127.0.0.1:{port}"):
            backend.send_messages([message("ada@example.com")])
        assert backend.send_messages([message("a@x.org")], fail_silently=True) == 0


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        backend = EmailBackend(host="127.0.0.1", port=port, timeout=0.5)

        with pytest.raises(MailError, match="timed out"):
            backend.send_messages([message("ada@example.com")])


def test_starttls_upgrades_the_connection(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox = Inbox()
    running = start(inbox, tls_context=server_context, require_starttls=True)
    try:
        backend = EmailBackend(
            host="127.0.0.1", port=running.port, use_tls=True, timeout=10,
            ssl_context=trusting(cert),
        )  # fmt: skip
        assert backend.send_messages([message("ada@example.com")]) == 1
    finally:
        running.stop()
    assert len(inbox.received) == 1


def test_starttls_refuses_a_certificate_it_does_not_trust(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    running = start(Inbox(), tls_context=server_context, require_starttls=True)
    try:
        backend = EmailBackend(host="127.0.0.1", port=running.port, use_tls=True, timeout=10)
        with pytest.raises(MailError, match=r"failed the set-up.*CERTIFICATE_VERIFY_FAILED"):
            backend.send_messages([message("ada@example.com")])
    finally:
        running.stop()


def test_implicit_tls_sends_over_ssl(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox = Inbox()
    running = start(inbox, ssl_context=server_context)
    try:
        backend = EmailBackend(
            host="127.0.0.1", port=running.port, use_ssl=True, timeout=10,
            ssl_context=trusting(cert),
        )  # fmt: skip
        assert backend.send_messages([message("ada@example.com")]) == 1
    finally:
        running.stop()
    assert len(inbox.received) == 1


def test_tls_and_ssl_together_are_refused() -> None:
    with pytest.raises(ValueError, match="Choose one"):
        EmailBackend(host="127.0.0.1", port=25, use_tls=True, use_ssl=True)
