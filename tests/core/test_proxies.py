"""TRUSTED_PROXIES: forwarded headers believed from the proxies it names, and from no one else."""

from __future__ import annotations

from typing import Any

import pytest

from core.handlers import WSGIHandler
from core.http import JsonResponse, Request, Response
from core.proxies import TrustedProxies
from core.testing import Client
from core.urls import path
from core.views import View


class Where(View):
    def get(self, request: Request) -> Response:
        return JsonResponse(
            {
                "remote_addr": request.remote_addr,
                "client_addr": request.client_addr,
                "scheme": request.scheme,
                "host": request.host,
                "url": request.url,
            }
        )


urlpatterns = [path("where/", Where.as_view())]

PROXY = "127.0.0.1"
VISITOR = "203.0.113.7"
SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["internal", "www.example.com"],
        TRUSTED_PROXIES=[PROXY, "10.0.0.0/24"],
        SECURE_PROXY_SSL_HEADER=SSL_HEADER,
        USE_X_FORWARDED_HOST=True,
    )


def where(client: Client, peer: str, **headers: str) -> dict[str, Any]:
    response = client.get(
        "/where/",
        headers={"Host": "internal", **headers},
        environ={"REMOTE_ADDR": peer},
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json
    return data


FORWARDED = {
    "X-Forwarded-For": VISITOR,
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "www.example.com",
}


def test_a_trusted_proxy_gives_the_client_address() -> None:
    proxies = TrustedProxies([PROXY])

    assert proxies.client_address(PROXY, VISITOR) == VISITOR


def test_the_address_nearest_the_proxy_that_is_not_trusted_is_the_client() -> None:
    proxies = TrustedProxies([PROXY, "10.0.0.0/24"])

    address = proxies.client_address(PROXY, f"198.51.100.1, {VISITOR}, 10.0.0.5")

    assert address == VISITOR


def test_an_untrusted_peer_keeps_its_own_address() -> None:
    assert TrustedProxies([PROXY]).client_address("192.0.2.9", VISITOR) == "192.0.2.9"


def test_a_malformed_hop_stops_at_the_proxy_that_passed_it_on() -> None:
    proxies = TrustedProxies([PROXY])

    assert proxies.client_address(PROXY, f"{VISITOR}, not-an-address") == PROXY


def test_when_every_hop_is_trusted_the_first_is_the_client() -> None:
    proxies = TrustedProxies(["10.0.0.0/24", PROXY])

    assert proxies.client_address(PROXY, "10.0.0.8, 10.0.0.9") == "10.0.0.8"


@pytest.mark.parametrize(
    ("hop", "address"),
    [("203.0.113.7:51234", VISITOR), ("[2001:db8::1]:443", "2001:db8::1"), ("2001:db8::1", None)],
)
def test_ports_in_forwarded_for_are_dropped(hop: str, address: str | None) -> None:
    proxies = TrustedProxies([PROXY])

    assert proxies.client_address(PROXY, hop) == (address or hop)


@pytest.mark.parametrize("peer", ["::ffff:127.0.0.1", "10.0.0.200"])
def test_networks_and_mapped_addresses_are_trusted(peer: str) -> None:
    assert TrustedProxies([PROXY, "10.0.0.0/24"]).trusts(peer)


@pytest.mark.parametrize("peer", ["10.0.1.1", "127.0.0.2", "", "unix-socket"])
def test_other_peers_are_not_trusted(peer: str) -> None:
    assert not TrustedProxies([PROXY, "10.0.0.0/24"]).trusts(peer)


def test_forwarded_headers_from_a_trusted_proxy_are_applied(client: Client) -> None:
    data = where(client, PROXY, **FORWARDED)

    assert data["remote_addr"] == VISITOR
    assert data["client_addr"] == VISITOR
    assert data["scheme"] == "https"
    assert data["host"] == "www.example.com"
    assert data["url"] == "https://www.example.com/where/"


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(client: Client) -> None:
    data = where(client, "192.0.2.9", **FORWARDED)

    assert data["remote_addr"] == "192.0.2.9"
    assert data["client_addr"] == "192.0.2.9"
    assert data["scheme"] == "http"
    assert data["host"] == "internal"


def test_an_untrusted_peer_cannot_pass_a_disallowed_host_through_forwarded_host(
    client: Client,
) -> None:
    response = client.get(
        "/where/",
        headers={"Host": "internal", "X-Forwarded-Host": "evil.example"},
        environ={"REMOTE_ADDR": "192.0.2.9"},
    )

    assert response.status_code == 200
    assert response.json["host"] == "internal"


def test_a_trusted_proxy_forwarding_a_disallowed_host_is_refused(client: Client) -> None:
    response = client.get(
        "/where/",
        headers={"Host": "internal", "X-Forwarded-Host": "evil.example"},
        environ={"REMOTE_ADDR": PROXY},
    )

    assert response.status_code == 400


def test_without_the_proxy_settings_x_forwarded_for_is_ignored(make_client: Any) -> None:
    client = make_client(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["internal"])

    data = where(client, PROXY, **FORWARDED)

    assert data["remote_addr"] == PROXY
    assert data["client_addr"] == PROXY
    assert data["scheme"] == "http"
    assert data["host"] == "internal"


def test_trusted_proxies_alone_do_not_trust_the_proto_or_host_headers(make_client: Any) -> None:
    client = make_client(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["internal"], TRUSTED_PROXIES=[PROXY])

    data = where(client, PROXY, **FORWARDED)

    assert data["remote_addr"] == VISITOR
    assert data["scheme"] == "http"
    assert data["host"] == "internal"


def test_without_a_proxy_setting_the_handler_has_no_forwarded_step(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__

    assert WSGIHandler().forwarded is None


def test_the_ssl_header_alone_trusts_any_peer(make_client: Any) -> None:
    client = make_client(
        ROOT_URLCONF=__name__, ALLOWED_HOSTS=["internal"], SECURE_PROXY_SSL_HEADER=SSL_HEADER
    )

    data = where(client, "192.0.2.9", **FORWARDED)

    assert data["scheme"] == "https"
    assert data["remote_addr"] == "192.0.2.9"
