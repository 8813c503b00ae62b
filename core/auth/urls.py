"""URL patterns of login, logout and passwords, to include in a project's URLconf.

    urlpatterns = [
        path("accounts/", include("core.auth.urls")),
    ]

Names: login, logout, password_change, password_change_done, password_reset,
password_reset_done, password_reset_confirm (uidb64, token), password_reset_complete.

`url_has_allowed_host_and_scheme()` (the safe-redirect check) is importable from here too.
"""

from __future__ import annotations

from core.auth.password_views import (
    PasswordChangeDoneView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from core.auth.redirects import url_has_allowed_host_and_scheme
from core.auth.views import LoginView, LogoutView
from core.urls import path

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password_change/", PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

__all__ = ["url_has_allowed_host_and_scheme", "urlpatterns"]
