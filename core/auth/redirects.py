"""Safe redirects: accept a `?next=` URL only when it stays on this site.

    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)

Browsers read `//evil.com`, `/\\evil.com` and `\\\\evil.com` as links to another host, and
ignore control characters and leading blanks; the check parses URLs the way they do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from core.conf import settings
from core.exceptions import DisallowedHost

if TYPE_CHECKING:
    from core.http import Request

_SAFE_SCHEMES = ("http", "https")


def url_has_allowed_host_and_scheme(
    url: str | None, allowed_hosts: str | Iterable[str] | None, require_https: bool = False
) -> bool:
    """Say whether `url` is a relative URL or points at one of `allowed_hosts`.

    Only http and https are accepted (so never `javascript:`), and only https with
    `require_https`. An empty URL is not safe.
    """
    if url is not None:
        url = url.strip()
    if not url:
        return False
    if allowed_hosts is None:
        hosts: set[str] = set()
    elif isinstance(allowed_hosts, str):
        hosts = {allowed_hosts}
    else:
        hosts = set(allowed_hosts)
    # "///evil.com" reaches evil.com in browsers; so does its backslash spelling.
    return _is_safe(url, hosts, require_https) and _is_safe(
        url.replace("\\", "/"), hosts, require_https
    )


def _is_safe(url: str, allowed_hosts: set[str], require_https: bool) -> bool:
    # Browsers treat "///" as "//", a host follows.
    if url.startswith("///"):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # an invalid IPv6 host, say
        return False
    # "http:evil.com" has a scheme and no host: browsers take evil.com as the host.
    if not parts.netloc and parts.scheme:
        return False
    # Control characters are dropped by browsers before parsing: "\x08//evil.com".
    if unicodedata.category(url[0])[0] == "C":
        return False
    if any(unicodedata.category(char) == "Cc" for char in url):
        return False
    scheme = parts.scheme.lower()
    if scheme and scheme not in _SAFE_SCHEMES:
        return False
    if require_https and scheme and scheme != "https":
        return False
    return not parts.netloc or parts.netloc.lower() in {host.lower() for host in allowed_hosts}


def safe_redirect_target(request: Request, url: str | None, default: str) -> str:
    """Return `url` if it stays on the request's site, else `default`."""
    try:
        hosts = {request.get_host()}
    except DisallowedHost:
        hosts = set()
    require_https = request.scheme == "https"
    if url is not None and url_has_allowed_host_and_scheme(url, hosts, require_https):
        return url.strip()
    return default


def resolve_url(to: str) -> str:
    """Return `to` reversed if it names a URL pattern, else `to` as it is (a path or URL)."""
    if "/" in to or "." in to or ":" in to:
        return to
    from core.urls import NoReverseMatch, reverse

    try:
        return reverse(to)
    except NoReverseMatch:
        return to


def login_url() -> str:
    """Return LOGIN_URL, reversed if it names a pattern."""
    return resolve_url(settings.LOGIN_URL)


__all__ = ["login_url", "resolve_url", "safe_redirect_target", "url_has_allowed_host_and_scheme"]
