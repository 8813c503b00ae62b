"""URL configuration of the mysite project: the polls app at /polls/, the admin at /admin/."""

from core import admin
from core.urls import include, path
from core.views import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="polls:index"), name="home"),
    path("polls/", include("polls.urls")),
    # The admin: every app's admin.py is imported, users and groups come registered.
    path("admin/", admin.site.urls),
    # Log in at /accounts/login/ (?next=/somewhere/), log out with a POST to /accounts/logout/.
    path("accounts/", include("core.auth.urls")),
]
