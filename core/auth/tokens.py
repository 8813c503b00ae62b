"""One-time tokens for password reset links (Django's `PasswordResetTokenGenerator`).

A token is `<timestamp>-<hmac>`: the HMAC covers the user's id, password hash, last
login time and email, so it stops working once the password changes (it is used) or the
user logs in, and after PASSWORD_RESET_TIMEOUT seconds. It is signed with SECRET_KEY;
keys in SECRET_KEY_FALLBACKS still verify.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Any

from core.conf import settings

# Seconds are counted from here, so that timestamps are short in base 36.
EPOCH = datetime(2001, 1, 1, tzinfo=UTC)
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


class PasswordResetTokenGenerator:
    """Make and check the tokens of password reset links."""

    key_salt = "core.auth.tokens.PasswordResetTokenGenerator"

    def make_token(self, user: Any) -> str:
        """Return a token for `user`, valid until used or PASSWORD_RESET_TIMEOUT passes."""
        return self._token(user, self._now(), settings.SECRET_KEY)

    def check_token(self, user: Any, token: object) -> bool:
        """Say whether `token` was made for `user`, is unused and has not expired."""
        if user is None or not isinstance(token, str) or token.count("-") != 1:
            return False
        stamp, _, _ = token.partition("-")
        if not stamp or len(stamp) > 8 or any(c not in DIGITS for c in stamp):
            return False
        timestamp = int(stamp, 36)
        keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        # Compare with every key, so the time does not tell which one matched.
        matches = [hmac.compare_digest(self._token(user, timestamp, key), token) for key in keys]
        if not any(matches):
            return False
        age = self._now() - timestamp
        return 0 <= age <= settings.PASSWORD_RESET_TIMEOUT

    def _token(self, user: Any, timestamp: int, secret: str) -> str:
        key = hashlib.sha256((self.key_salt + secret).encode()).digest()
        value = self._hash_value(user, timestamp).encode()
        digest = hmac.new(key, value, hashlib.sha256).hexdigest()[::2]
        return f"{_base36(timestamp)}-{digest}"

    def _hash_value(self, user: Any, timestamp: int) -> str:
        # The last login (to the second) and the password hash change once the link is
        # used; the email in case the account's address changes meanwhile.
        login = getattr(user, "last_login", None)
        login_stamp = "" if login is None else login.replace(microsecond=0, tzinfo=None)
        email = getattr(user, "email", "") or ""
        return f"{user.id}{user.password}{login_stamp}{timestamp}{email}"

    def _now(self) -> int:
        return int((datetime.now(UTC) - EPOCH).total_seconds())


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = DIGITS[digit] + text
        if number == 0:
            return text


default_token_generator = PasswordResetTokenGenerator()

__all__ = ["PasswordResetTokenGenerator", "default_token_generator"]
