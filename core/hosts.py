"""Validate the Host header against ALLOWED_HOSTS before anything is built from it."""

from __future__ import annotations

import re

from core.conf import per_settings, settings
from core.exceptions import DisallowedHost
from core.types import WSGIEnvironment

# A DNS name or an IPv6 literal, then an optional numeric port (as Django accepts).
HOST_RE = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?\Z")
DEBUG_HOSTS = (".localhost", "127.0.0.1", "[::1]")
# Allowed Host values remembered per validator (only allowed ones, so clients cannot
# fill it with made-up names; with ALLOWED_HOSTS = ['*'] they could, hence the cap).
MAX_REMEMBERED_HOSTS = 1024


def split_domain_port(host: str) -> tuple[str, str]:
    """Return (domain, port) of a Host value, or ("", "") when it is malformed."""
    match = HOST_RE.match(host.lower())
    if match is None:
        return "", ""
    domain, port = match.group(1), match.group(2) or ""
    # A trailing dot names the same host (example.com. is example.com).
    return domain.removesuffix("."), port


class HostValidator:
    """Decide quickly whether a domain is allowed: exact names, .suffixes and '*'."""

    def __init__(self, allowed: list[str] | tuple[str, ...]) -> None:
        entries = [entry.lower() for entry in allowed]
        self.any = "*" in entries
        self.exact = frozenset(entry.removesuffix(".") for entry in entries if entry[:1] != ".")
        self.suffixes = tuple(entry for entry in entries if entry[:1] == ".")
        # Host values already allowed: a site answers to few, so each is checked once.
        self._allowed: set[str] = set()

    @classmethod
    def from_settings(cls, allowed_hosts: list[str], debug: bool) -> HostValidator:
        """Build from ALLOWED_HOSTS, with the loopback names allowed when DEBUG leaves it empty."""
        return cls(allowed_hosts if allowed_hosts or not debug else DEBUG_HOSTS)

    def allows(self, host: str) -> bool:
        """Say whether a raw Host header value is well formed and allowed."""
        if host in self._allowed:
            return True
        domain, _ = split_domain_port(host)
        if not domain:
            return False
        allowed = (
            self.any
            or domain in self.exact
            or any(domain.endswith(s) or domain == s[1:] for s in self.suffixes)
        )
        if allowed and len(self._allowed) < MAX_REMEMBERED_HOSTS:
            self._allowed.add(host)
        return allowed


@per_settings
def host_validator() -> HostValidator:
    """Return the validator for the current ALLOWED_HOSTS and DEBUG."""
    return HostValidator.from_settings(settings.ALLOWED_HOSTS, settings.DEBUG)


def validate_host(environ: WSGIEnvironment) -> str:
    """Return the request's Host when it is allowed; raise DisallowedHost otherwise."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        # The proxy nearest to us appended the last value.
        host = str(environ["HTTP_X_FORWARDED_HOST"]).rsplit(",", 1)[-1].strip()
    else:
        host = str(environ.get("HTTP_HOST", ""))
    if not host:
        raise DisallowedHost("The request has no Host header.")
    if not host_validator().allows(host):
        raise DisallowedHost(f"Invalid HTTP_HOST header: {host!r}. Add it to ALLOWED_HOSTS.")
    return host
