"""Access control for class-based views: log in first, have a permission, pass a test.

    class ArticleEdit(PermissionRequiredMixin, UpdateView[Article]):
        permission_required = "blog.change_article"

Anonymous users are redirected to LOGIN_URL with `?next=` the page they asked for;
logged-in users who fail the check get 403.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from core.exceptions import ImproperlyConfigured, PermissionDenied
from core.http import Response

if TYPE_CHECKING:
    from core.http import Request


def redirect_to_login(
    next_url: str, login_url: str | None = None, redirect_field_name: str | None = "next"
) -> Response:
    """Redirect to the login page, asking it to come back to `next_url` afterwards."""
    from core.auth.redirects import login_url as default_login_url
    from core.auth.redirects import resolve_url

    target = resolve_url(login_url) if login_url else default_login_url()
    if redirect_field_name:
        separator = "&" if "?" in target else "?"
        target = f"{target}{separator}{urlencode({redirect_field_name: next_url})}"
    return Response(status=302, location=target)


class AccessMixin:
    """What a view does when access is refused: log in first, or 403."""

    login_url: str | None = None
    permission_denied_message = ""
    raise_exception = False
    redirect_field_name = "next"

    request: Request

    def get_login_url(self) -> str | None:
        """Return `login_url` (None: LOGIN_URL)."""
        return self.login_url

    def get_permission_denied_message(self) -> str:
        """Return the message of the 403."""
        return self.permission_denied_message

    def get_redirect_field_name(self) -> str:
        """Return the query parameter that carries the page to come back to."""
        return self.redirect_field_name

    def handle_no_permission(self) -> Response:
        """Redirect an anonymous user to log in; refuse a logged-in one with 403."""
        if self.raise_exception or self.request.user.is_authenticated:
            raise PermissionDenied(self.get_permission_denied_message())
        return redirect_to_login(
            self.request.get_full_path(), self.get_login_url(), self.get_redirect_field_name()
        )


class LoginRequiredMixin(AccessMixin):
    """Let only logged-in users in."""

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class PermissionRequiredMixin(AccessMixin):
    """Let in only users with every permission in `permission_required`."""

    permission_required: str | Sequence[str] | None = None

    def get_permission_required(self) -> tuple[str, ...]:
        """Return the permissions needed, as a tuple."""
        if self.permission_required is None:
            name = type(self).__name__
            raise ImproperlyConfigured(
                f"{name} needs a permission: set {name}.permission_required or override "
                f"get_permission_required()."
            )
        if isinstance(self.permission_required, str):
            return (self.permission_required,)
        return tuple(self.permission_required)

    def has_permission(self) -> bool:
        """Say whether the request's user has the permissions."""
        return bool(self.request.user.has_perms(self.get_permission_required()))

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.has_permission():
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class UserPassesTestMixin(AccessMixin):
    """Let in only requests for which `test_func()` returns True."""

    def test_func(self) -> bool:
        """Say whether the request's user may see the view; override it."""
        raise ImproperlyConfigured(
            f"{type(self).__name__} is missing test_func(): define it, or override get_test_func()."
        )

    def get_test_func(self) -> Callable[[], bool]:
        """Return the test to run (`test_func`)."""
        return self.test_func

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.get_test_func()():
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


__all__ = [
    "AccessMixin",
    "LoginRequiredMixin",
    "PermissionRequiredMixin",
    "UserPassesTestMixin",
    "redirect_to_login",
]
