from core.auth.views import LoginView, LogoutView
from core.urls import include, path
from tests.core.auth import views

urlpatterns = [
    path("accounts/", include("core.auth.urls")),
    path("logout-to/", LogoutView.as_view(next_page="/bye/"), name="logout_to"),
    path("login-again/", LoginView.as_view(redirect_authenticated_user=True)),
    path("whoami/", views.WhoAmI.as_view()),
    path("private/", views.Private.as_view()),
    path("editor/", views.Editor.as_view()),
    path("staff/", views.StaffOnly.as_view()),
    path("function/", views.private_function),
    path("deleter/", views.deleter),
    path("change-password/", views.ChangePassword.as_view()),
]
