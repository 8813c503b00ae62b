"""Signed, timestamped tokens: JSON data a client may hold but cannot forge.

    token = signing.dumps({"user": 7}, salt="myapp.invite")
    data = signing.loads(token, salt="myapp.invite", max_age=3600)

Tokens are signed with SECRET_KEY (HMAC-SHA256, through `itsdangerous`); keys listed in
SECRET_KEY_FALLBACKS still verify, so a key can be rotated without logging everyone out.
The salt names the purpose: a token made for one salt never loads under another. The
data is readable by whoever holds the token (base64 JSON): sign secrets, never put them in.
"""

from __future__ import annotations

import hashlib
from typing import Any

from itsdangerous import BadData
from itsdangerous import SignatureExpired as _ItsExpired
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer
from itsdangerous.url_safe import URLSafeTimedSerializer

from core.conf import settings
from core.exceptions import ImproperlyConfigured

__all__ = ["BadSignature", "SignatureExpired", "dumps", "loads"]


class BadSignature(Exception):
    """The token was not made by this site with this salt, or it is malformed."""


class SignatureExpired(BadSignature):
    """The token is genuine but older than the `max_age` it was checked against."""


class _Serializer(URLSafeTimedSerializer):
    """itsdangerous's URL-safe timed serializer, compressing only when asked to."""

    def __init__(self, secret_keys: list[str], *, salt: str, compress: bool) -> None:
        super().__init__(
            secret_keys,
            salt=salt,
            signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha256},
        )
        self.compress = compress

    def dump_payload(self, obj: Any) -> bytes:
        if self.compress:
            return super().dump_payload(obj)
        # Compressing data an attacker partly controls lets the token's length leak the
        # rest (CRIME), so it is opt-in; loading accepts both forms.
        return base64_encode(Serializer.dump_payload(self, obj))


def _keys() -> list[str]:
    key = settings.SECRET_KEY
    if not key:
        raise ImproperlyConfigured(
            "SECRET_KEY is empty: signing needs it. Set it to a long random string, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    # itsdangerous signs with the last key and verifies with any of them.
    return [*settings.SECRET_KEY_FALLBACKS, key]


def dumps(obj: Any, *, salt: str, compress: bool = False) -> str:
    """Return a URL-safe token holding `obj` (JSON-serialisable), signed for `salt`."""
    return _Serializer(_keys(), salt=salt, compress=compress).dumps(obj)


def loads(token: str | bytes, *, salt: str, max_age: int | None = None) -> Any:
    """Return the data of a token made by `dumps()` with the same salt.

    Raise SignatureExpired if it is older than `max_age` seconds, BadSignature if it was
    tampered with, made for another salt or key, or is not a token at all.
    """
    serializer = _Serializer(_keys(), salt=salt, compress=False)
    try:
        return serializer.loads(token, max_age=max_age)
    except _ItsExpired as exc:
        raise SignatureExpired(str(exc)) from None
    except (BadData, UnicodeError, ValueError) as exc:
        raise BadSignature(str(exc)) from None
