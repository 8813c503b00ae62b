"""CSRF tokens: a per-visitor secret, and tokens masked from it differently on every render.

    from core.csrf import get_token, rotate_token, csrf_exempt

The secret lives in the CSRF_COOKIE_NAME cookie, or in `request.session` with
CSRF_USE_SESSIONS. Pages carry a masked token (`csrf_input()` in templates), which is the
secret combined with a fresh random mask, so that the token in the HTML changes on every
response and compression attacks such as BREACH cannot recover the secret from it.
`core.middleware.csrf.CsrfViewMiddleware` checks the token and sets the cookie.
"""

from __future__ import annotations

import hmac
import secrets
import string
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.http import Request

CSRF_SECRET_LENGTH = 32
CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH
CSRF_ALLOWED_CHARS = string.ascii_letters + string.digits
# Where the secret is kept with CSRF_USE_SESSIONS (Django's key, so sessions can be shared).
CSRF_SESSION_KEY = "_csrftoken"

# Per-request state lives in the WSGI environ: nothing here is module-level or per-process.
SECRET_ENVIRON_KEY = "stoa.csrf.secret"  # noqa: S105 (an environ key, not a secret)
NEEDS_UPDATE_ENVIRON_KEY = "stoa.csrf.cookie_needs_update"

_ALLOWED = frozenset(CSRF_ALLOWED_CHARS)
_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
_MISSING = object()

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


class InvalidTokenFormat(Exception):
    """A token or secret has the wrong length or characters outside the alphabet."""


def new_secret() -> str:
    """Return a new random secret of CSRF_SECRET_LENGTH characters."""
    return "".join(secrets.choice(CSRF_ALLOWED_CHARS) for _ in range(CSRF_SECRET_LENGTH))


def mask_secret(secret: str) -> str:
    """Return a token for `secret`: a random mask followed by the secret shifted by it."""
    mask = new_secret()
    chars, index = CSRF_ALLOWED_CHARS, _INDEX
    cipher = "".join(
        chars[(index[x] + index[y]) % len(chars)] for x, y in zip(secret, mask, strict=True)
    )
    return mask + cipher


def unmask_token(token: str) -> str:
    """Return the secret a masked token was made from (the reverse of `mask_secret`)."""
    mask, cipher = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    chars, index = CSRF_ALLOWED_CHARS, _INDEX
    return "".join(chars[index[x] - index[y]] for x, y in zip(cipher, mask, strict=True))


def check_format(value: str, *, token: bool = True) -> None:
    """Raise InvalidTokenFormat unless `value` is a well-formed token (or secret)."""
    lengths = (CSRF_TOKEN_LENGTH, CSRF_SECRET_LENGTH) if token else (CSRF_SECRET_LENGTH,)
    if len(value) not in lengths:
        raise InvalidTokenFormat(f"it has {len(value)} characters instead of {lengths[0]}")
    if not _ALLOWED.issuperset(value):
        raise InvalidTokenFormat("it has characters other than ASCII letters and digits")


def tokens_match(token: str, secret: str) -> bool:
    """Say, in constant time, whether `token` (masked, or the bare secret) matches `secret`."""
    if len(token) == CSRF_TOKEN_LENGTH:
        token = unmask_token(token)
    return hmac.compare_digest(token.encode(), secret.encode())


def get_secret(request: Request) -> str | None:
    """Return the request's secret (from the cookie or the session), or None if it has none.

    A malformed secret is treated as absent, so a tampered cookie gets a fresh one.
    """
    cached = request.environ.get(SECRET_ENVIRON_KEY, _MISSING)
    if cached is not _MISSING:
        return cached if isinstance(cached, str) else None
    secret = _stored_secret(request)
    if secret is not None:
        try:
            check_format(secret, token=False)
        except InvalidTokenFormat:
            secret = None
    request.environ[SECRET_ENVIRON_KEY] = secret
    return secret


def get_token(request: Request) -> str:
    """Return a token for forms and headers, masked differently on every call.

    A request without a secret gets one; either way the response will set (or refresh)
    the cookie, since a page now carries a token that needs it.
    """
    secret = get_secret(request)
    if secret is None:
        secret = _set_secret(request, new_secret())
    request.environ[NEEDS_UPDATE_ENVIRON_KEY] = True
    return mask_secret(secret)


def rotate_token(request: Request) -> None:
    """Give the request a new secret, so that tokens issued before no longer validate.

    Call it when the user's privileges change: `core.auth.login()` does.
    """
    _set_secret(request, new_secret())
    request.environ[NEEDS_UPDATE_ENVIRON_KEY] = True


def cookie_needs_update(request: Request) -> bool:
    """Say whether the response must set the secret's cookie (a token was used or rotated)."""
    return bool(request.environ.get(NEEDS_UPDATE_ENVIRON_KEY))


def csrf_exempt(view: ViewT) -> ViewT:
    """Exempt a view from CSRF checks: a function view, an `as_view()` result or a View class.

    Only for views that authenticate otherwise (a signed webhook, a token API): a view
    that relies on cookies must keep the protection.
    """
    if isinstance(view, type):
        view.csrf_exempt = True  # type: ignore[attr-defined]
        return view

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def is_exempt(view: Callable[..., Any]) -> bool:
    """Say whether a view function, or the View class behind it, is CSRF-exempt."""
    if getattr(view, "csrf_exempt", False):
        return True
    return bool(getattr(getattr(view, "view_class", None), "csrf_exempt", False))


def _stored_secret(request: Request) -> str | None:
    if settings.CSRF_USE_SESSIONS:
        value = _session(request).get(CSRF_SESSION_KEY)
    else:
        value = request.cookies.get(settings.CSRF_COOKIE_NAME)
    return value if isinstance(value, str) else None


def _set_secret(request: Request, secret: str) -> str:
    request.environ[SECRET_ENVIRON_KEY] = secret
    if settings.CSRF_USE_SESSIONS:
        # Written now rather than with the response, so that the session middleware
        # saves it whichever middleware answers.
        _session(request)[CSRF_SESSION_KEY] = secret
    return secret


def _session(request: Request) -> Any:
    session = getattr(request, "session", None)
    if session is None:
        raise ImproperlyConfigured(
            "CSRF_USE_SESSIONS is on but the request has no session: add "
            "'core.middleware.sessions.SessionMiddleware' to MIDDLEWARE before "
            "'core.middleware.csrf.CsrfViewMiddleware', or set CSRF_USE_SESSIONS = False."
        )
    return session


__all__ = [
    "CSRF_SESSION_KEY",
    "InvalidTokenFormat",
    "check_format",
    "cookie_needs_update",
    "csrf_exempt",
    "get_secret",
    "get_token",
    "is_exempt",
    "mask_secret",
    "new_secret",
    "rotate_token",
    "tokens_match",
    "unmask_token",
]
