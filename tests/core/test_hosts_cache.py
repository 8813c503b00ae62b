"""HostValidator remembers allowed Host values: never refused ones, and only so many."""

from __future__ import annotations

from typing import Any

import pytest

from core.exceptions import DisallowedHost
from core.hosts import MAX_REMEMBERED_HOSTS, HostValidator, host_validator, validate_host
from core.http import Request, Response
from core.testing import Client
from core.urls import path


def view(request: Request) -> Response:
    return Response(request.get_host())


urlpatterns = [path("", view)]


@pytest.fixture
def validator() -> HostValidator:
    return HostValidator(["example.com", ".example.org"])


@pytest.mark.parametrize(
    "host", ["evil.com", "www.example.com", "evilexample.org", "example.com@evil.com", ""]
)
def test_a_refused_host_stays_refused_and_is_not_remembered(
    validator: HostValidator, host: str
) -> None:
    assert [validator.allows(host) for _ in range(50)] == [False] * 50
    assert host not in validator._allowed


def test_an_allowed_host_is_remembered(validator: HostValidator) -> None:
    assert validator.allows("Sub.Example.org:8000")
    assert validator.allows("Sub.Example.org:8000")

    assert validator._allowed == {"Sub.Example.org:8000"}


def test_allowing_one_host_does_not_allow_its_neighbours(validator: HostValidator) -> None:
    assert validator.allows("example.com")

    assert not validator.allows("example.com.evil.com")
    assert not validator.allows("evil.com")
    assert not validator.allows("example.com@evil.com")
    assert validator._allowed == {"example.com"}


def test_each_validator_remembers_its_own_hosts() -> None:
    first = HostValidator(["a.test"])
    second = HostValidator(["b.test"])

    assert first.allows("a.test")
    assert not second.allows("a.test")
    assert second._allowed == set()


def test_memory_is_capped_when_any_host_is_allowed() -> None:
    validator = HostValidator(["*"])
    hosts = [f"host{n}.test" for n in range(MAX_REMEMBERED_HOSTS + 50)]

    assert all(validator.allows(host) for host in hosts)
    assert len(validator._allowed) == MAX_REMEMBERED_HOSTS
    # Past the cap hosts are still checked, and allowed, one by one.
    assert validator.allows("late.test")
    assert not validator.allows("a.com@b")
    assert len(validator._allowed) == MAX_REMEMBERED_HOSTS


@pytest.mark.parametrize("host", ["a.com@b", "<x>", "a.com:abc", "a b", "a.com:", "a.com/x"])
def test_a_malformed_host_is_refused_even_when_any_host_is_allowed(host: str) -> None:
    validator = HostValidator(["*"])
    assert validator.allows("a.com")

    assert [validator.allows(host) for _ in range(3)] == [False] * 3
    assert host not in validator._allowed


def test_a_malformed_host_is_refused_when_the_memory_is_full() -> None:
    validator = HostValidator(["*"])
    for n in range(MAX_REMEMBERED_HOSTS):
        validator.allows(f"host{n}.test")

    assert not validator.allows("<x>")
    assert not validator.allows("a.com@b")


def test_a_remembered_host_is_forgotten_when_allowed_hosts_change(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["old.test"]
    assert validate_host({"HTTP_HOST": "old.test"}) == "old.test"
    assert "old.test" in host_validator()._allowed

    settings.ALLOWED_HOSTS = ["new.test"]

    with pytest.raises(DisallowedHost):
        validate_host({"HTTP_HOST": "old.test"})


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(
        ROOT_URLCONF=__name__, ALLOWED_HOSTS=["good.test", ".example.com"], DEBUG=False
    )


def test_a_bad_host_is_refused_after_a_good_one(client: Client) -> None:
    hosts = ["good.test", "evil.test", "www.example.com", "evil.test", "a.com@good.test"]
    answers = [client.get("/", headers={"Host": host}) for host in hosts]

    assert [answer.status_code for answer in answers] == [200, 400, 200, 400, 400]
    assert [answers[0].text, answers[2].text] == ["good.test", "www.example.com"]


@pytest.mark.parametrize("host", ["evil.test", "<x>", "good.test.evil.test", "good.test:abc"])
def test_a_bad_host_gets_400_every_time(client: Client, host: str) -> None:
    assert client.get("/", headers={"Host": "good.test"}).status_code == 200

    assert [client.get("/", headers={"Host": host}).status_code for _ in range(3)] == [400] * 3


def test_a_host_with_a_trailing_newline_is_refused() -> None:
    validator = HostValidator(["*"])

    assert not validator.allows("example.com\n")
    assert not validator.allows("example.com:80\n")
