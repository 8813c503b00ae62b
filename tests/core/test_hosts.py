"""Host validation against ALLOWED_HOSTS."""

from __future__ import annotations

from typing import Any

import pytest

from core.exceptions import DisallowedHost
from core.hosts import HostValidator, split_domain_port, validate_host


@pytest.fixture
def validator() -> HostValidator:
    return HostValidator(["example.com", ".example.org", "127.0.0.1", "[::1]"])


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", ("example.com", "")),
        ("Example.COM:8000", ("example.com", "8000")),
        ("example.com.", ("example.com", "")),
        ("[::1]:8000", ("[::1]", "8000")),
        ("127.0.0.1", ("127.0.0.1", "")),
    ],
)
def test_split_domain_port(host: str, expected: tuple[str, str]) -> None:
    assert split_domain_port(host) == expected


@pytest.mark.parametrize(
    "host",
    ["a.com@b", "<x>", "a.com:abc", "a.com/x", "a.com?x", "a.com#x", "a b", "", "a.com:"],
)
def test_split_domain_port_refuses_malformed_hosts(host: str) -> None:
    assert split_domain_port(host) == ("", "")


@pytest.mark.parametrize(
    "host",
    ["example.com", "EXAMPLE.com:443", "example.com.", "example.org", "www.example.org", "[::1]"],
)
def test_validator_allows_listed_hosts(validator: HostValidator, host: str) -> None:
    assert validator.allows(host)


@pytest.mark.parametrize(
    "host",
    [
        "evil.com",
        "www.example.com",
        "evilexample.org",
        "example.com.evil.com",
        "example.com@evil.com",
        "example.com:abc",
        "<example.com>",
        "",
    ],
)
def test_validator_refuses_other_hosts(validator: HostValidator, host: str) -> None:
    assert not validator.allows(host)


def test_wildcard_allows_any_well_formed_host() -> None:
    assert HostValidator(["*"]).allows("anything.test:8080")


def test_wildcard_still_refuses_a_malformed_host() -> None:
    assert not HostValidator(["*"]).allows("a.com@b")


@pytest.mark.parametrize("host", ["localhost", "app.localhost", "127.0.0.1:8000", "[::1]"])
def test_debug_with_no_allowed_hosts_allows_loopback(host: str) -> None:
    assert HostValidator.from_settings([], debug=True).allows(host)


def test_debug_with_no_allowed_hosts_refuses_other_hosts() -> None:
    assert not HostValidator.from_settings([], debug=True).allows("example.com")


def test_no_allowed_hosts_without_debug_refuses_everything() -> None:
    assert not HostValidator.from_settings([], debug=False).allows("localhost")


def test_validate_host_returns_the_host_header() -> None:
    assert validate_host({"HTTP_HOST": "localhost:8000"}) == "localhost:8000"


def test_validate_host_refuses_a_missing_host() -> None:
    with pytest.raises(DisallowedHost, match="no Host"):
        validate_host({})


def test_validate_host_ignores_x_forwarded_host_by_default() -> None:
    environ = {"HTTP_HOST": "localhost", "HTTP_X_FORWARDED_HOST": "evil.com"}

    assert validate_host(environ) == "localhost"


def test_validate_host_uses_the_nearest_forwarded_host_when_trusted(settings: Any) -> None:
    settings.USE_X_FORWARDED_HOST = True
    environ = {"HTTP_HOST": "internal", "HTTP_X_FORWARDED_HOST": "evil.com, www.example.com"}

    assert validate_host(environ) == "www.example.com"


def test_validate_host_checks_the_forwarded_host_when_trusted(settings: Any) -> None:
    settings.USE_X_FORWARDED_HOST = True
    environ = {"HTTP_HOST": "localhost", "HTTP_X_FORWARDED_HOST": "evil.com"}

    with pytest.raises(DisallowedHost):
        validate_host(environ)


def test_validator_follows_changed_allowed_hosts(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["new.test"]

    assert validate_host({"HTTP_HOST": "new.test"}) == "new.test"
