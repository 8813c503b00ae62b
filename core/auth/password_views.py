"""Change a password, or reset a forgotten one by email: Django's six views.

    path("accounts/", include("core.auth.urls"))

adds them beside login and logout, named password_change, password_change_done,
password_reset, password_reset_done, password_reset_confirm and password_reset_complete.
"""

from __future__ import annotations

from typing import Any

from core.auth.api import get_user_model, update_session_auth_hash
from core.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm, decode_uid
from core.auth.mixins import LoginRequiredMixin
from core.auth.tokens import default_token_generator
from core.auth.views import NEVER_CACHE
from core.forms import Form
from core.http import Request, Response
from core.urls import reverse
from core.views.base import TemplateView
from core.views.edit import FormView

# The token in the link is swapped for this in the URL once checked and kept in the
# session, so it never shows in the address bar or a Referer header of the form's page.
INTERNAL_RESET_TOKEN = "set-password"  # noqa: S105 - a URL placeholder, not a secret
INTERNAL_RESET_SESSION_TOKEN = "_password_reset_token"  # noqa: S105 - a session key


class _NeverCached:
    """Mark every response as one no cache may keep (pages with password forms)."""

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response: Response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        response.headers["Cache-Control"] = NEVER_CACHE
        return response


class PasswordChangeView(_NeverCached, LoginRequiredMixin, FormView):
    """Ask for the current password and a new one; keep the user logged in here."""

    form_class: type[Form] = PasswordChangeForm
    template_name = "auth/password_change_form.html"
    title = "Password change"

    def get_form_kwargs(self) -> dict[str, Any]:
        """Give the form the user whose password changes."""
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self) -> str:
        """Return the URL named password_change_done."""
        return self.success_url or reverse("password_change_done")

    def form_valid(self, form: Form) -> Response:
        """Save the password; this session stays logged in, every other one ends."""
        assert isinstance(form, SetPasswordForm)
        user = form.save()
        self.request.db.flush()
        update_session_auth_hash(self.request, user)
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the page's title."""
        return super().get_context_data(title=self.title, **kwargs)


class PasswordChangeDoneView(_NeverCached, LoginRequiredMixin, TemplateView):
    """Say that the password was changed."""

    template_name = "auth/password_change_done.html"


class PasswordResetView(_NeverCached, FormView):
    """Ask for an email address and mail a reset link to its users; the same answer always.

    The link is built from the request's Host, which the framework has checked against
    ALLOWED_HOSTS (a request with another Host never gets here), or from
    `domain_override`. Set `domain_override` when the site answers on several names.
    """

    form_class: type[Form] = PasswordResetForm
    template_name = "auth/password_reset_form.html"
    email_template_name: str | None = None
    html_email_template_name: str | None = None
    subject_template_name: str | None = None
    from_email: str | None = None
    domain_override: str | None = None
    extra_email_context: dict[str, Any] | None = None
    token_generator = default_token_generator

    def get_success_url(self) -> str:
        """Return the URL named password_reset_done."""
        return self.success_url or reverse("password_reset_done")

    def form_valid(self, form: Form) -> Response:
        """Mail the link to the users with that address, if any; redirect either way."""
        assert isinstance(form, PasswordResetForm)
        for option in ("email_template_name", "html_email_template_name", "subject_template_name"):
            value = getattr(self, option)
            if value:
                setattr(form, option, value)
        form.save(
            domain=self.domain_override or self.request.get_host(),
            use_https=self.request.scheme == "https",
            from_email=self.from_email,
            token_generator=self.token_generator,
            extra_context=self.extra_email_context,
        )
        return super().form_valid(form)


class PasswordResetDoneView(_NeverCached, TemplateView):
    """Say that an email is on its way if the address is known (never whether it is)."""

    template_name = "auth/password_reset_done.html"


class PasswordResetConfirmView(_NeverCached, FormView):
    """Check the emailed link, then ask for the new password; the link then stops working."""

    form_class: type[Form] = SetPasswordForm
    template_name = "auth/password_reset_confirm.html"
    token_generator = default_token_generator
    post_reset_login = False

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Find the user of the link; redirect away the token once it is checked."""
        self.user = self.get_user(str(kwargs.get("uidb64", "")))
        self.validlink = False
        token = str(kwargs.get("token", ""))
        if self.user is not None:
            if token == INTERNAL_RESET_TOKEN:
                kept = request.session.get(INTERNAL_RESET_SESSION_TOKEN)
                self.validlink = self.token_generator.check_token(self.user, kept)
            elif self.token_generator.check_token(self.user, token):
                request.session[INTERNAL_RESET_SESSION_TOKEN] = token
                location = request.path.replace(token, INTERNAL_RESET_TOKEN)
                return Response(status=302, location=location)
        if not self.validlink:
            response = self.render_to_response(self.get_context_data())
            response.headers["Cache-Control"] = NEVER_CACHE
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_user(self, uidb64: str) -> Any:
        """Return the user the link names, or None for a malformed or unknown one."""
        pk = decode_uid(uidb64)
        if pk is None or not pk.isdigit() or len(pk) > 18:
            return None
        return self.request.db.get(get_user_model(), int(pk))

    def get_form_kwargs(self) -> dict[str, Any]:
        """Give the form the user whose password is set."""
        return {**super().get_form_kwargs(), "user": self.user}

    def get_success_url(self) -> str:
        """Return the URL named password_reset_complete."""
        return self.success_url or reverse("password_reset_complete")

    def form_valid(self, form: Form) -> Response:
        """Set the password (ending the user's other sessions); forget the token."""
        assert isinstance(form, SetPasswordForm)
        user = form.save()
        self.request.db.flush()
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        if self.post_reset_login:
            from core.auth.api import login

            login(self.request, user)
        return super().form_valid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add `validlink`: False shows "this link is invalid or has expired"."""
        context = super().get_context_data(validlink=self.validlink, **kwargs)
        if not self.validlink:
            context.pop("form", None)
        return context


class PasswordResetCompleteView(_NeverCached, TemplateView):
    """Say that the password is set, with a link to log in."""

    template_name = "auth/password_reset_complete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add `login_url`."""
        from core.auth.redirects import login_url

        return super().get_context_data(login_url=login_url(), **kwargs)


__all__ = [
    "PasswordChangeDoneView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
]
