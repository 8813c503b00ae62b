"""The URLconf of the admin's tests: an admin site, login and logout, and a public page."""

from core import admin
from core.http import Response
from core.urls import include, path


def public(request):
    return Response("public page")


site = admin.AdminSite(name="admin")

urlpatterns = [
    path("", public),
    path("admin/", site.urls),
    path("accounts/", include("core.auth.urls")),
]
