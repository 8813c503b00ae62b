"""`request.user`: the logged-in user, loaded from the session on first use.

List it after SessionMiddleware (and before DatabaseMiddleware's inner views use it):

    MIDDLEWARE = [
        "core.middleware.sessions.SessionMiddleware",
        "core.middleware.auth.AuthenticationMiddleware",
        "core.middleware.db.DatabaseMiddleware",
    ]

A request whose view never reads `request.user` costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webob import Response as WebObResponse

from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.types import GetResponse

_UNSET = object()


class LazyUser:
    """Stand in for the request's user, loading it on first use.

    It passes attribute access, comparison and `isinstance()` through to the user,
    so views treat it as the user itself; `resolve()` returns the real object (for
    SQLAlchemy relationships, say: `article.author = request.user.resolve()`).
    """

    __slots__ = ("_stoa_loader", "_stoa_user")

    def __init__(self, loader: Callable[[], Any]) -> None:
        object.__setattr__(self, "_stoa_loader", loader)
        object.__setattr__(self, "_stoa_user", _UNSET)

    def resolve(self) -> Any:
        """Return the user (loading it the first time)."""
        user = object.__getattribute__(self, "_stoa_user")
        if user is _UNSET:
            user = object.__getattribute__(self, "_stoa_loader")()
            object.__setattr__(self, "_stoa_user", user)
        return user

    @property  # type: ignore[misc]
    def __class__(self) -> type[Any]:
        return type(self.resolve())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolve(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.resolve(), name, value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyUser):
            other = other.resolve()
        result: bool = self.resolve() == other
        return result

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __bool__(self) -> bool:
        return bool(self.resolve())

    def __str__(self) -> str:
        return str(self.resolve())

    def __repr__(self) -> str:
        return repr(self.resolve())


class AuthenticationMiddleware:
    """Set `request.user`: the session's user, or an AnonymousUser."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> WebObResponse:
        if not hasattr(request, "session"):
            raise ImproperlyConfigured(
                "core.middleware.auth.AuthenticationMiddleware needs request.session: put "
                "'core.middleware.sessions.SessionMiddleware' before it in MIDDLEWARE."
            )
        request.user = LazyUser(lambda: _load(request))
        return self.get_response(request)


def _load(request: Request) -> Any:
    from core.auth.api import get_user

    return get_user(request)


__all__ = ["AuthenticationMiddleware", "LazyUser"]
