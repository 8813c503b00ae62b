"""Believe forwarded headers only from the proxies named in TRUSTED_PROXIES.

With TRUSTED_PROXIES = ["127.0.0.1"] (addresses or networks, "10.0.0.0/24"), a request
whose peer (REMOTE_ADDR) is one of them:

- has REMOTE_ADDR set to the client's address, read from X-Forwarded-For right to left,
  past the trusted proxies' own addresses (so `request.remote_addr` and
  `request.client_addr` name the visitor, not the proxy);
- is HTTPS when SECURE_PROXY_SSL_HEADER says so;
- is checked and served under its X-Forwarded-Host when USE_X_FORWARDED_HOST is on.

A request from any other peer keeps its REMOTE_ADDR and its scheme, and its
X-Forwarded-Host is dropped before the Host is checked. With TRUSTED_PROXIES empty (the
default) none of this runs: SECURE_PROXY_SSL_HEADER and USE_X_FORWARDED_HOST then trust
every peer, as they do in Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from core.types import WSGIEnvironment

Network = IPv4Network | IPv6Network


def parse_proxy(entry: str) -> Network:
    """Return the network an entry of TRUSTED_PROXIES names; raise ValueError if none."""
    return ip_network(entry.strip(), strict=False)


class TrustedProxies:
    """Rewrite the environ of requests that reach the application through a trusted proxy."""

    def __init__(
        self,
        proxies: Sequence[str],
        *,
        ssl_header: tuple[str, str] | None = None,
        forwarded_host: bool = False,
    ) -> None:
        networks = [parse_proxy(entry) for entry in proxies]
        # Most lists name single addresses: a set lookup, with no parsing, for those.
        self.addresses = frozenset(str(n.network_address) for n in networks if n.num_addresses == 1)
        self.networks = tuple(n for n in networks if n.num_addresses > 1)
        self.ssl_header = ssl_header
        self.forwarded_host = forwarded_host

    def __call__(self, environ: WSGIEnvironment) -> None:
        """Apply the forwarded headers if the peer is trusted; drop X-Forwarded-Host if not."""
        peer = str(environ.get("REMOTE_ADDR", ""))
        if not self.trusts(peer):
            if self.forwarded_host:
                environ.pop("HTTP_X_FORWARDED_HOST", None)
            return
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded_for:
            environ["REMOTE_ADDR"] = self.client_address(peer, str(forwarded_for))
        ssl_header = self.ssl_header
        if ssl_header is not None and environ.get(ssl_header[0]) == ssl_header[1]:
            environ["wsgi.url_scheme"] = "https"

    def trusts(self, address: str) -> bool:
        """Say whether `address` is one of the trusted proxies."""
        if address in self.addresses:
            return True
        parsed = _parse_address(address)
        if parsed is None:
            return False
        if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1 on a dual-stack socket
        return str(parsed) in self.addresses or any(parsed in n for n in self.networks)

    def client_address(self, peer: str, forwarded_for: str) -> str:
        """Return the client's address: the nearest hop of `forwarded_for` not trusted.

        Each trusted proxy appended the address it was reached from, so the list is read
        from the right; the first address that is not a trusted proxy is the client (an
        untrusted hop could have written anything to its left). A malformed entry ends
        the walk at the trusted proxy that passed it on.
        """
        address = peer
        for hop in reversed(forwarded_for.split(",")):
            if not self.trusts(address):
                break
            parsed = _parse_address(_strip_port(hop.strip()))
            if parsed is None:
                break
            address = str(parsed)
        return address


def _parse_address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text)
    except ValueError:
        return None


def _strip_port(hop: str) -> str:
    # Some proxies write "203.0.113.7:51234" or "[2001:db8::1]:51234".
    if hop.startswith("["):
        return hop[1 : hop.find("]")] if "]" in hop else hop
    if hop.count(":") == 1:
        return hop.partition(":")[0]
    return hop
