"""Forms of the auth views: `AuthenticationForm` (log in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.forms import Form, InputRequired, Length, PasswordField, StringField, ValidationError

if TYPE_CHECKING:
    from core.http import Request


class AuthenticationForm(Form):
    """A username and a password, valid when they name an active user.

    Every failure gets one message, so the form never tells whether a username exists.
    """

    username = StringField("Username", validators=[InputRequired(), Length(max=150)])
    # Long enough for any pass phrase, short enough that hashing it costs nothing extra.
    password = PasswordField("Password", validators=[InputRequired(), Length(max=4096)])

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


__all__ = ["AuthenticationForm"]
