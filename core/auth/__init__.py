"""Authentication: users, password hashing, login and logout, access control.

    from core.auth import authenticate, login, logout, login_required, LoginView

List "core.auth" in INSTALLED_APPS (its models are the user, group and permission
tables), and put SessionMiddleware then AuthenticationMiddleware in MIDDLEWARE for
`request.user`. Names are imported on first use, so importing this package is cheap
and defines no tables.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.auth.api import (
        HASH_SESSION_KEY,
        SESSION_KEY,
        authenticate,
        end_sessions,
        get_user,
        get_user_model,
        login,
        logout,
        update_session_auth_hash,
    )
    from core.auth.decorators import login_required, permission_required, user_passes_test
    from core.auth.mixins import (
        AccessMixin,
        LoginRequiredMixin,
        PermissionRequiredMixin,
        UserPassesTestMixin,
        redirect_to_login,
    )
    from core.auth.models import AbstractUser, AnonymousUser, Group, Permission, User
    from core.auth.redirects import url_has_allowed_host_and_scheme
    from core.auth.views import LoginView, LogoutView

_MODULES = {
    "HASH_SESSION_KEY": "api",
    "SESSION_KEY": "api",
    "authenticate": "api",
    "end_sessions": "api",
    "get_user": "api",
    "get_user_model": "api",
    "login": "api",
    "logout": "api",
    "update_session_auth_hash": "api",
    "login_required": "decorators",
    "permission_required": "decorators",
    "user_passes_test": "decorators",
    "AccessMixin": "mixins",
    "LoginRequiredMixin": "mixins",
    "PermissionRequiredMixin": "mixins",
    "UserPassesTestMixin": "mixins",
    "redirect_to_login": "mixins",
    "AbstractUser": "models",
    "AnonymousUser": "models",
    "Group": "models",
    "Permission": "models",
    "User": "models",
    "url_has_allowed_host_and_scheme": "redirects",
    "LoginView": "views",
    "LogoutView": "views",
}

__all__ = [
    "HASH_SESSION_KEY",
    "SESSION_KEY",
    "AbstractUser",
    "AccessMixin",
    "AnonymousUser",
    "Group",
    "LoginRequiredMixin",
    "LoginView",
    "LogoutView",
    "Permission",
    "PermissionRequiredMixin",
    "User",
    "UserPassesTestMixin",
    "authenticate",
    "end_sessions",
    "get_user",
    "get_user_model",
    "login",
    "login_required",
    "logout",
    "permission_required",
    "redirect_to_login",
    "update_session_auth_hash",
    "url_has_allowed_host_and_scheme",
    "user_passes_test",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'core.auth' has no attribute {name!r}")
    return getattr(importlib.import_module(f"core.auth.{module}"), name)
