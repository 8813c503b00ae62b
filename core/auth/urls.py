"""URL patterns of login and logout, to include in a project's URLconf.

    urlpatterns = [
        path("accounts/", include("core.auth.urls")),   # names "login" and "logout"
    ]

`url_has_allowed_host_and_scheme()` (the safe-redirect check) is importable from here too.
"""

from __future__ import annotations

from core.auth.redirects import url_has_allowed_host_and_scheme
from core.auth.views import LoginView, LogoutView
from core.urls import path

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]

__all__ = ["url_has_allowed_host_and_scheme", "urlpatterns"]
