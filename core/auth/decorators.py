"""Access control for function views: `login_required`, `permission_required`.

@login_required
def profile(request): ...

@permission_required("blog.change_article", raise_exception=True)
def edit(request, pk): ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, overload

from core.auth.mixins import redirect_to_login
from core.exceptions import PermissionDenied
from core.http import Request
from core.types import ViewFunction


def user_passes_test(
    test_func: Callable[[Any], bool],
    login_url: str | None = None,
    redirect_field_name: str | None = "next",
) -> Callable[[ViewFunction], ViewFunction]:
    """Return a decorator that sends users failing `test_func(user)` to log in."""

    def decorator(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapped(request: Request, *args: Any, **kwargs: Any) -> Any:
            if test_func(request.user):
                return view(request, *args, **kwargs)
            return redirect_to_login(request.get_full_path(), login_url, redirect_field_name)

        return wrapped

    return decorator


@overload
def login_required(function: ViewFunction) -> ViewFunction: ...
@overload
def login_required(
    function: None = None, *, login_url: str | None = None, redirect_field_name: str | None = "next"
) -> Callable[[ViewFunction], ViewFunction]: ...
def login_required(
    function: ViewFunction | None = None,
    *,
    login_url: str | None = None,
    redirect_field_name: str | None = "next",
) -> ViewFunction | Callable[[ViewFunction], ViewFunction]:
    """Send anonymous users to LOGIN_URL?next=<this page>; use bare or with options."""
    decorator = user_passes_test(
        lambda user: bool(user.is_authenticated), login_url, redirect_field_name
    )
    return decorator(function) if function is not None else decorator


def permission_required(
    perm: str | Sequence[str], login_url: str | None = None, raise_exception: bool = False
) -> Callable[[ViewFunction], ViewFunction]:
    """Require every permission in `perm`: 403 for a logged-in user without them.

    Anonymous users are sent to log in, unless `raise_exception` (403 for them too).
    """
    perms = (perm,) if isinstance(perm, str) else tuple(perm)

    def check(user: Any) -> bool:
        if user.has_perms(perms):
            return True
        if raise_exception or user.is_authenticated:
            raise PermissionDenied("You do not have permission to access this page.")
        return False

    return user_passes_test(check, login_url=login_url)


__all__ = ["login_required", "permission_required", "user_passes_test"]
