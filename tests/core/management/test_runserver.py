"""`runserver`: its address parsing and its errors (serving is in tests/integration)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from core.management.base import CommandError
from core.management.commands.runserver import parse_addrport
from tests.helpers import PYTHON, REPO_ROOT, call_command, clean_env, free_port, run


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another socket listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8000", ("127.0.0.1", 8000, False)),
        ("1", ("127.0.0.1", 1, False)),
        ("65535", ("127.0.0.1", 65535, False)),
        ("0.0.0.0:8080", ("0.0.0.0", 8080, False)),
        ("127.0.0.1:9000", ("127.0.0.1", 9000, False)),
        ("localhost:8000", ("localhost", 8000, False)),
        ("example.com:80", ("example.com", 80, False)),
        ("[::1]:8000", ("::1", 8000, True)),
        ("[::]:8000", ("::", 8000, True)),
    ],
)
def test_parse_addrport(value: str, expected: tuple[str, int, bool]) -> None:
    assert parse_addrport(value) == expected


@pytest.mark.parametrize(
    "value",
    ["notaport", "", "0", "65536", "99999", ":8000", "8000:", "[::1]", "::1:8000", "a b:80", "-1"],
)
def test_parse_addrport_refuses(value: str) -> None:
    with pytest.raises(CommandError):
        parse_addrport(value)


def test_not_a_port_is_a_one_line_error() -> None:
    result = call_command("runserver", "notaport")

    assert result.code == 1
    assert result.err.startswith("Error: 'notaport' is not a port")
    assert len(result.err.splitlines()) == 1


def test_port_out_of_range_is_a_one_line_error() -> None:
    result = call_command("runserver", "70000")

    assert result.code == 1
    assert "out of range" in result.err
    assert len(result.err.splitlines()) == 1


def test_unknown_option_is_a_one_line_usage_error() -> None:
    result = call_command("runserver", "--bogus")

    assert result.code == 2
    assert "unrecognized arguments: --bogus" in result.err
    assert len(result.err.splitlines()) == 1


def test_port_in_use_is_a_one_line_error(busy_port: int) -> None:
    # In a subprocess: if the check failed, a server would start, and the timeout ends it.
    result = run(
        [PYTHON, "-m", "core.management", "runserver", f"127.0.0.1:{busy_port}"],
        REPO_ROOT,
        env=clean_env(STOA_SETTINGS_MODULE="tests.project.settings"),
        timeout=30,
    )

    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{busy_port}" in result.stderr
    assert "in use" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_address_not_of_this_machine_is_a_one_line_error() -> None:
    # 192.0.2.0/24 is reserved for documentation: no machine has it.
    result = run(
        [PYTHON, "-m", "core.management", "runserver", f"192.0.2.1:{free_port()}"],
        REPO_ROOT,
        env=clean_env(STOA_SETTINGS_MODULE="tests.project.settings"),
        timeout=30,
    )

    assert result.returncode == 1
    assert "is not an address of this machine" in result.stderr
    assert len(result.stderr.splitlines()) == 1
