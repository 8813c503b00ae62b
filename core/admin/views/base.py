"""The admin's access check, its index, and its login and logout pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core import messages
from core.admin.models import LogEntry
from core.auth.mixins import PermissionRequiredMixin
from core.auth.views import LoginView, LogoutView
from core.http import Request, Response
from core.urls import reverse
from core.views import TemplateView

if TYPE_CHECKING:
    from core.admin.options import ModelAdmin
    from core.admin.sites import AdminSite


NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def redirect_to(url: str) -> Response:
    """Return a 302 to `url` (a path the admin made)."""
    return Response(status=302, location=url)


def notify(request: Request, level: int, text: str) -> None:
    """Queue a message for the next page (quietly nothing without MessageMiddleware)."""
    messages.add_message(request, level, text, fail_silently=True)


class AdminAccessMixin(PermissionRequiredMixin):
    """Let in active staff users who have the page's permission on the model.

    Anonymous users go to the admin's login page; logged-in users without access get 403.
    """

    admin_site: AdminSite | None = None
    model_admin: ModelAdmin[Any] | None = None

    request: Request

    @property
    def site(self) -> AdminSite:
        """The admin site of the page."""
        assert self.admin_site is not None
        return self.admin_site

    @property
    def admin(self) -> ModelAdmin[Any]:
        """The ModelAdmin of the page."""
        assert self.model_admin is not None
        return self.model_admin

    def get_login_url(self) -> str:
        """Return the admin's own login page."""
        return reverse(f"{self.site.name}:login")

    def has_permission(self) -> bool:
        """Say whether the user is active staff with the page's model permission."""
        return self.site.has_permission(self.request) and self.has_model_permission()

    def has_model_permission(self) -> bool:
        """Say whether the user has the permission this page needs (override per page)."""
        return True

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().dispatch(request, *args, **kwargs)
        response.headers["Cache-Control"] = NEVER_CACHE
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the site's context: its titles, the app list for the navigation, links."""
        context = self.site.each_context(self.request)
        if self.model_admin is not None:
            context.update(opts=self.model_admin, urls=self.model_admin.urls_for())
        context.update(kwargs)
        return super().get_context_data(**context)  # type: ignore[misc, no-any-return]


class IndexView(AdminAccessMixin, TemplateView):
    """The admin's home: every app with the models the user may see (or one app's)."""

    template_name = "admin/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the app list (of the app in the URL, when one is named)."""
        from core.http import HTTPNotFound

        app_label = kwargs.pop("app_label", None)
        app_list = self.site.get_app_list(self.request, app_label)
        if app_label is not None and not app_list:
            raise HTTPNotFound("No app of that name is in the admin.")
        title = app_list[0]["name"] if app_label else self.site.index_title
        recent = self.request.db.scalars(
            select(LogEntry)
            .where(LogEntry.user_id == getattr(self.request.user, "id", None))
            .order_by(LogEntry.action_time.desc(), LogEntry.id.desc())
            .limit(10)
        ).all()
        return super().get_context_data(
            app_list=app_list, title=title, recent_actions=recent, **kwargs
        )


class AdminLoginView(LoginView):
    """The admin's login page; staff already logged in go straight to the index."""

    template_name = "admin/login.html"
    admin_site: AdminSite | None = None

    def dispatch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assert self.admin_site is not None
        if request.method == "GET" and self.admin_site.has_permission(request):
            return redirect_to(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        """Return the admin's index."""
        assert self.admin_site is not None
        return reverse(f"{self.admin_site.name}:index")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the site's titles."""
        assert self.admin_site is not None
        context = super().get_context_data(**kwargs)
        context.update(
            site_header=self.admin_site.site_header,
            site_title=self.admin_site.site_title,
            title="Log in",
            admin_site=self.admin_site,
        )
        return context


class AdminLogoutView(LogoutView):
    """Log out (POST only) and go back to the admin's login page."""

    admin_site: AdminSite | None = None

    def get_default_redirect_url(self) -> str:
        """Return the admin's login page."""
        assert self.admin_site is not None
        return reverse(f"{self.admin_site.name}:login")
