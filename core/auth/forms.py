"""Forms of the auth views: log in, change a password, reset a forgotten one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.forms import (
    Email,
    EmailField,
    Form,
    InputRequired,
    Length,
    PasswordField,
    StringField,
    ValidationError,
)

if TYPE_CHECKING:
    from core.http import Request


# The longest password accepted: long enough for any pass phrase, short enough that
# hashing it costs nothing extra.
MAX_PASSWORD = 4096


class AuthenticationForm(Form):
    """A username and a password, valid when they name an active user.

    Every failure gets one message, so the form never tells whether a username exists.
    """

    username = StringField("Username", validators=[InputRequired(), Length(max=150)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_PASSWORD)])

    error_message = (
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    )

    def __init__(self, data: Any = None, *, request: Request | None = None, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: Any = None
        super().__init__(data, **kwargs)

    def clean(self) -> None:
        """Authenticate the username and password; one message for any failure."""
        from core.auth.api import authenticate

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or password is None:
            return
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            raise ValidationError(self.error_message)

    def get_user(self) -> Any:
        """Return the authenticated user (after is_valid())."""
        return self.user_cache


class SetPasswordForm(Form):
    """A new password typed twice, checked by AUTH_PASSWORD_VALIDATORS; save() sets it."""

    new_password1 = PasswordField(
        "New password", validators=[InputRequired(), Length(max=MAX_PASSWORD)]
    )
    new_password2 = PasswordField(
        "New password (again)", validators=[InputRequired(), Length(max=MAX_PASSWORD)]
    )

    def __init__(self, user: Any, data: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(data, **kwargs)
        from core.auth.password_validation import password_validators_help_texts

        self.new_password1.description = " ".join(password_validators_help_texts())

    def clean(self) -> None:
        """Check that both passwords match and that the validators accept the new one."""
        from core.auth.password_validation import PasswordValidationError, validate_password

        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first is None or second is None:
            return
        if first != second:
            self.add_error("new_password2", "The two passwords do not match.")
            return
        try:
            validate_password(first, self.user)
        except PasswordValidationError as exc:
            self.add_error("new_password1", list(exc.messages))

    def save(self) -> Any:
        """Set the user's new password (the caller's session writes it); return the user."""
        self.user.set_password(self.cleaned_data["new_password1"])
        return self.user


class PasswordChangeForm(SetPasswordForm):
    """The current password, then a new one twice."""

    old_password = PasswordField(
        "Current password", validators=[InputRequired(), Length(max=MAX_PASSWORD)]
    )

    def clean_old_password(self, value: str) -> str:
        """Check the current password."""
        if not self.user.check_password(value):
            raise ValidationError("Your current password was entered incorrectly.")
        return value

    @classmethod
    def collect_fields(cls) -> list[tuple[str, Any]]:
        """Put the current password first."""
        fields = dict(super().collect_fields())
        return [("old_password", fields.pop("old_password")), *fields.items()]


class PasswordResetForm(Form):
    """An email address; save() mails a reset link to each active user who has it.

    The form is valid for any well-formed address, and save() does the same work whether
    or not one matches, so neither the page nor its timing tells whether it exists.
    """

    email = EmailField("Email", validators=[InputRequired(), Email(), Length(max=254)])

    subject_template_name = "auth/password_reset_subject.txt"
    email_template_name = "auth/password_reset_email.txt"
    html_email_template_name: str | None = None

    def get_users(self, email: str) -> list[Any]:
        """Return the active users with this address (any case) and a usable password."""
        from sqlalchemy import func, select

        from core.auth.api import _get_session, get_user_model

        model = get_user_model()
        query = select(model).where(
            func.lower(model.email) == email.lower(), model.is_active.is_(True)
        )
        return [user for user in _get_session().scalars(query) if user.has_usable_password()]

    def save(
        self,
        *,
        domain: str,
        use_https: bool,
        from_email: str | None = None,
        token_generator: Any = None,
        extra_context: dict[str, Any] | None = None,
    ) -> int:
        """Email a reset link for each matching user; return how many were sent."""
        from core.auth.tokens import default_token_generator

        generator = token_generator or default_token_generator
        email = self.cleaned_data["email"]
        users = self.get_users(email)
        # Without a match, the same work is done for a stand-in and nothing is sent.
        targets = users or [_stand_in(email)]
        sent = 0
        for user in targets:
            context = {
                "email": email,
                "user": user,
                "domain": domain,
                "site_name": domain,
                "protocol": "https" if use_https else "http",
                "uid": encode_uid(user.id if user.id is not None else 0),
                "token": generator.make_token(user),
                **(extra_context or {}),
            }
            message = self._message(context, from_email, user.email)
            if users:
                sent += message.send()
        return sent

    def _message(self, context: dict[str, Any], from_email: str | None, to: str) -> Any:
        from core.mail import EmailMessage
        from core.templating import render_to_string

        subject = "".join(render_to_string(self.subject_template_name, context).splitlines())
        body = render_to_string(self.email_template_name, context)
        html = None
        if self.html_email_template_name:
            html = render_to_string(self.html_email_template_name, context)
        return EmailMessage(subject.strip(), body, from_email, [to], html=html)


def _stand_in(email: str) -> Any:
    from core.auth.api import get_user_model

    user = get_user_model()(username="", email=email)
    user.set_unusable_password()
    return user


def encode_uid(pk: object) -> str:
    """Return a user's primary key as URL-safe base64, for a reset link."""
    import base64

    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def decode_uid(uid: str) -> str | None:
    """Return the primary key a reset link's `uid` holds, or None if it is not one."""
    import base64
    import binascii

    if not uid or len(uid) > 64:
        return None
    try:
        return base64.urlsafe_b64decode(uid + "=" * (-len(uid) % 4)).decode()
    except (binascii.Error, ValueError):
        return None


__all__ = [
    "AuthenticationForm",
    "PasswordChangeForm",
    "PasswordResetForm",
    "SetPasswordForm",
    "decode_uid",
    "encode_uid",
]
