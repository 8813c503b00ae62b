"""The admin of users and groups, registered on admin.site when core.admin is installed.

Passwords are never shown or edited as text: the add form asks for one twice (checked by
AUTH_PASSWORD_VALIDATORS), and the change form shows only whether one is set; change it
with `manage.py changepassword`. A project with its own user model registers it itself:

    from core import admin
    from core.auth.admin import UserAdmin
    admin.site.register(Member, UserAdmin)
"""

from __future__ import annotations

from typing import Any

from core.admin import ModelAdmin, display, site
from core.auth.forms import MAX_PASSWORD
from core.auth.models import Group, User
from core.forms import (
    EqualTo,
    InputRequired,
    Length,
    ModelForm,
    PasswordField,
    ValidationError,
    modelform_factory,
)


class UserCreationForm(ModelForm):
    """A username and a password typed twice; save() stores the password's hash."""

    password1 = PasswordField("Password", validators=[InputRequired(), Length(max=MAX_PASSWORD)])
    password2 = PasswordField(
        "Password confirmation",
        validators=[InputRequired(), EqualTo("password1", message="The two passwords differ.")],
        description="Enter the same password as before, for verification.",
    )

    def clean_password2(self, value: str) -> str:
        """Check the password against AUTH_PASSWORD_VALIDATORS."""
        from core.auth.password_validation import PasswordValidationError, validate_password

        try:
            validate_password(value, self.instance)
        except PasswordValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from None
        return value

    def save(self, commit: bool = True) -> Any:
        """Hash the password onto the user, then save it."""
        if self.is_valid():
            self.instance.set_password(self.cleaned_data["password1"])
        return super().save(commit)


class UserAdmin(ModelAdmin[Any]):
    """Users: find them by name or email, filter by role, give groups and permissions."""

    list_display = ["username", "email", "is_staff", "is_superuser", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["username", "email"]
    ordering = ["username"]
    readonly_fields = ["password_status", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password_status"]}),
        ("Personal info", {"fields": ["email"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"], "classes": ["collapse"]}),
    ]
    add_fieldsets = [(None, {"fields": ["username", "password1", "password2"]})]

    @display(description="Password")
    def password_status(self, obj: Any) -> str:
        """Say whether a usable password is set (the hash itself is never shown)."""
        if obj.has_usable_password():
            return f"Set. Change it with: manage.py changepassword {obj.get_username()}"
        return "No password set."

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        """Use the add fieldsets on the add page."""
        return self.add_fieldsets if obj is None and request is not None else self.fieldsets

    def get_form(self, request: Any, obj: Any = None, **kwargs: Any) -> type[ModelForm]:
        """Use UserCreationForm on the add page."""
        if obj is None and request is not None:
            username = getattr(self.model, "USERNAME_FIELD", "username")
            return modelform_factory(self.model, form=UserCreationForm, fields=[username])
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        """Show no read-only fields on the add page."""
        return [] if obj is None else super().get_readonly_fields(request, obj)


class GroupAdmin(ModelAdmin[Group]):
    """Groups: a name and the permissions every member gets."""

    list_display = ["name"]
    search_fields = ["name"]
    ordering = ["name"]
    fields = ["name", "permissions"]


def _register() -> None:
    from core.auth.api import get_user_model

    if get_user_model() is User and not site.is_registered(User):
        site.register(User, UserAdmin)
    if not site.is_registered(Group):
        site.register(Group, GroupAdmin)


_register()

__all__ = ["GroupAdmin", "UserAdmin", "UserCreationForm"]
