"""Log in and log out: `LoginView` and `LogoutView`.

    urlpatterns = [
        path("accounts/login/", LoginView.as_view(), name="login"),
        path("accounts/logout/", LogoutView.as_view(), name="logout"),
    ]

(`include("core.auth.urls")` adds both.) After login the user goes to `?next=` when it
stays on this site, else to LOGIN_REDIRECT_URL.
"""

from __future__ import annotations

from typing import Any

from core.auth.api import login, logout
from core.auth.forms import AuthenticationForm
from core.auth.redirects import login_url, resolve_url, safe_redirect_target
from core.conf import settings
from core.forms import Form
from core.http import Request, Response
from core.views.base import ContextMixin, TemplateResponseMixin, View
from core.views.edit import FormView

# Pages with a password form or a user's data must never come from a cache.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = NEVER_CACHE
    return response


class RedirectURLMixin:
    """Find where to go next: a safe `next` parameter, else a default."""

    redirect_field_name = "next"
    next_page: str | None = None

    request: Request

    def get_redirect_url(self) -> str:
        """Return the `next` of the form or query if it stays on this site, else ""."""
        name = self.redirect_field_name
        requested = self.request.POST.get(name) or self.request.GET.get(name)
        if not isinstance(requested, str):
            return ""
        return safe_redirect_target(self.request, requested, "")

    def get_default_redirect_url(self) -> str | None:
        """Return `next_page` (reversed if it names a URL pattern)."""
        return resolve_url(self.next_page) if self.next_page else None


class LoginView(RedirectURLMixin, FormView):
    """Show the login form; log the user in and redirect when it is valid."""

    form_class = AuthenticationForm
    template_name = "auth/login.html"
    # Send users who are logged in already straight on instead of showing the form.
    redirect_authenticated_user = False

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.redirect_authenticated_user and request.user.is_authenticated:
            target = self.get_success_url()
            if target == request.path_qs:
                raise ValueError(
                    "LoginView.redirect_authenticated_user would redirect to the login page "
                    "itself: set LOGIN_REDIRECT_URL to another page."
                )
            return _never_cache(Response(status=302, location=target))
        return _never_cache(super().dispatch(request, *args, **kwargs))

    def get_form_kwargs(self) -> dict[str, Any]:
        """Give the form the request, for authenticate()."""
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def get_default_redirect_url(self) -> str:
        """Return `next_page`, else LOGIN_REDIRECT_URL."""
        return super().get_default_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)

    def get_success_url(self) -> str:
        """Return a safe `next`, else the default."""
        return self.get_redirect_url() or self.get_default_redirect_url()

    def form_valid(self, form: Form) -> Response:
        """Log the user in and redirect."""
        assert isinstance(form, AuthenticationForm)
        login(self.request, form.get_user())
        return Response(status=302, location=self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the safe `next` value, the name of its field, and the password reset URL."""
        context = super().get_context_data(**kwargs)
        context.update(
            next=self.get_redirect_url(),
            redirect_field_name=self.redirect_field_name,
            password_reset_url=_url_or_none("password_reset"),
        )
        return context


def _url_or_none(name: str) -> str | None:
    from core.urls import NoReverseMatch, reverse

    try:
        return reverse(name)
    except NoReverseMatch:
        return None


class LogoutView(RedirectURLMixin, TemplateResponseMixin, ContextMixin, View):
    """Log out on POST (GET is 405: a link or an image must not log anyone out).

    Then redirect to a safe `next`, `next_page` or LOGOUT_REDIRECT_URL, or show
    "auth/logged_out.html".
    """

    template_name = "auth/logged_out.html"

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        logout(request)
        target = self.get_redirect_url() or self.get_default_redirect_url()
        if target:
            return _never_cache(Response(status=302, location=target))
        response = self.render_to_response(self.get_context_data())
        return _never_cache(response)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add `login_url`, for a link to log in again."""
        kwargs.setdefault("login_url", login_url())
        return super().get_context_data(**kwargs)

    def get_default_redirect_url(self) -> str | None:
        """Return `next_page`, else LOGOUT_REDIRECT_URL, else None (show the page)."""
        if self.next_page:
            return resolve_url(self.next_page)
        if settings.LOGOUT_REDIRECT_URL:
            return resolve_url(settings.LOGOUT_REDIRECT_URL)
        return None


__all__ = ["LoginView", "LogoutView", "RedirectURLMixin"]
