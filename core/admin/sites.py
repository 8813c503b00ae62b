"""`AdminSite`: the registry of ModelAdmins, and the URLs of the admin's pages.

    urlpatterns = [path("admin/", admin.site.urls)]

The URLs are the same for every model (`<app_label>/<model_name>/...`), looked up in the
registry per request, so models registered after the URLconf was read are served too.
Reversing names: `admin:index`, `admin:login`, `admin:logout`, `admin:app_list`
(app_label), `admin:changelist` and `admin:add` (app_label, model_name), `admin:change`,
`admin:delete` and `admin:history` (app_label, model_name, pk).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from core.admin.options import ModelAdmin
from core.exceptions import ImproperlyConfigured, PermissionDenied
from core.http import HTTPNotFound, Request, Response

if TYPE_CHECKING:
    from core.urls.resolvers import URLPattern, URLResolver


class AlreadyRegistered(ImproperlyConfigured):
    """A model was registered twice on one site."""


class NotRegistered(ImproperlyConfigured):
    """A model that is not registered was unregistered."""


class AdminSite:
    """An admin: its registered models, its pages, and who may enter (active staff)."""

    site_header = "Stoa administration"
    site_title = "Stoa admin"
    index_title = "Site administration"
    site_url: str | None = "/"

    def __init__(self, name: str = "admin") -> None:
        self.name = name
        self._registry: dict[type[Any], ModelAdmin[Any]] = {}

    # Registration

    def register(
        self,
        model_or_iterable: type[Any] | Iterable[type[Any]],
        admin_class: type[ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        """Register one model (or several) with `admin_class` (default: ModelAdmin).

        Keyword options make a subclass on the fly: register(Tag, search_fields=["name"]).
        """
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            if inspect(model, raiseerr=False) is None:
                raise ImproperlyConfigured(
                    f"admin.site.register() got {model!r}, which is not a mapped model: register "
                    f"a subclass of orm.Model that has a table."
                )
            if model in self._registry:
                raise AlreadyRegistered(
                    f"{model.__name__} is registered already on the {self.name!r} admin site: "
                    f"register it once (or unregister() it first to replace its ModelAdmin)."
                )
            chosen = admin_class or ModelAdmin
            if options:
                chosen = type(f"{model.__name__}Admin", (chosen,), options)
            self._registry[model] = chosen(model, self)

    def unregister(self, model_or_iterable: type[Any] | Iterable[type[Any]]) -> None:
        """Remove models from the site."""
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            if model not in self._registry:
                raise NotRegistered(f"{model.__name__} is not registered on this admin site.")
            del self._registry[model]

    def is_registered(self, model: type[Any]) -> bool:
        """Say whether `model` is registered."""
        return model in self._registry

    def get_model_admin(self, app_label: str, model_name: str) -> ModelAdmin[Any] | None:
        """Return the ModelAdmin of app_label.model_name, or None."""
        for model_admin in self._registry.values():
            if (model_admin.app_label, model_admin.model_name) == (app_label, model_name):
                return model_admin
        return None

    @property
    def registry(self) -> dict[type[Any], ModelAdmin[Any]]:
        """The registered models and their ModelAdmins (a copy)."""
        return dict(self._registry)

    # Access

    def has_permission(self, request: Request) -> bool:
        """Say whether the request's user may use the admin at all: active staff."""
        user = getattr(request, "user", None)
        if user is None:
            raise ImproperlyConfigured(
                "The admin needs request.user: list "
                "'core.middleware.auth.AuthenticationMiddleware' in MIDDLEWARE "
                "(after SessionMiddleware)."
            )
        return bool(user.is_active and user.is_staff)

    def deny(self, request: Request) -> Response:
        """Send anonymous users to the login page; refuse others with 403."""
        from core.auth.mixins import redirect_to_login
        from core.urls import reverse

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse(f"{self.name}:login"))
        raise PermissionDenied("Only active staff users may use the admin.")

    def object_key(self, obj: Any) -> str:
        """Return the key of `obj` as it appears in URLs."""
        identity = inspect(obj).identity
        return str(identity[0]) if identity else ""

    # Pages

    def each_context(self, request: Request) -> dict[str, Any]:
        """Return what every admin page's template gets: titles, navigation, messages."""
        from core.messages import get_messages
        from core.urls import reverse

        return {
            "index_url": reverse(f"{self.name}:index"),
            "logout_url": reverse(f"{self.name}:logout"),
            "site_header": self.site_header,
            "site_title": self.site_title,
            "site_url": self.site_url,
            "admin_site": self,
            "available_apps": self.get_app_list(request),
            "admin_messages": get_messages(request),
        }

    def get_app_list(self, request: Request, app_label: str | None = None) -> list[dict[str, Any]]:
        """Return the apps, each with the models the user may see, sorted by name."""
        from core.urls import reverse

        apps: dict[str, dict[str, Any]] = {}
        for model_admin in self._registry.values():
            if app_label is not None and model_admin.app_label != app_label:
                continue
            may_view = model_admin.has_view_permission(request)
            may_add = model_admin.has_add_permission(request)
            if not (may_view or may_add):
                continue
            label = model_admin.app_label
            app = apps.setdefault(
                label,
                {
                    "app_label": label,
                    "name": label.replace("_", " ").capitalize(),
                    "app_url": reverse(f"{self.name}:app_list", kwargs={"app_label": label}),
                    "models": [],
                },
            )
            app["models"].append(
                {
                    "name": model_admin.get_verbose_name_plural().capitalize(),
                    "model_name": model_admin.model_name,
                    "admin_url": model_admin.url("changelist") if may_view else None,
                    "add_url": model_admin.url("add") if may_add else None,
                    "view_only": may_view and not model_admin.has_change_permission(request),
                }
            )
        result = sorted(apps.values(), key=lambda app: app["name"].lower())
        for app in result:
            app["models"].sort(key=lambda model: model["name"].lower())
        return result

    def model_view(self, kind: str) -> Callable[..., Response]:
        """Return a view that finds the model's ModelAdmin and calls its `kind` page."""

        def view(request: Request, app_label: str, model_name: str, **kwargs: Any) -> Response:
            model_admin = self.get_model_admin(app_label, model_name)
            if model_admin is None:
                if not self.has_permission(request):
                    return self.deny(request)
                raise HTTPNotFound("No model of that name is in the admin.")
            response: Response = model_admin.get_view(kind)(request, **kwargs)
            return response

        view.__name__ = f"{kind}_view"
        view.__qualname__ = f"{type(self).__name__}.{kind}_view"
        return view

    def redirect_to_change(
        self, request: Request, app_label: str, model_name: str, pk: str
    ) -> Response:
        """Redirect an object's bare URL to its change page."""
        from core.urls import reverse

        target = reverse(
            f"{self.name}:change",
            kwargs={"app_label": app_label, "model_name": model_name, "pk": pk},
        )
        return Response(status=301, location=target)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """Return the URL patterns of the admin's pages."""
        from core.admin.views import AdminLoginView, AdminLogoutView, IndexView
        from core.urls import path

        autodiscover()
        model = "<str:app_label>/<str:model_name>/"
        obj = f"{model}<str:pk>/"
        return [
            path("", IndexView.as_view(admin_site=self), name="index"),
            path("login/", AdminLoginView.as_view(admin_site=self), name="login"),
            path("logout/", AdminLogoutView.as_view(admin_site=self), name="logout"),
            path("<str:app_label>/", IndexView.as_view(admin_site=self), name="app_list"),
            path(model, self.model_view("changelist"), name="changelist"),
            path(f"{model}add/", self.model_view("add"), name="add"),
            path(f"{obj}change/", self.model_view("change"), name="change"),
            path(f"{obj}delete/", self.model_view("delete"), name="delete"),
            path(f"{obj}history/", self.model_view("history"), name="history"),
            path(obj, self.redirect_to_change, name="object"),
        ]

    @property
    def urls(self) -> tuple[list[URLPattern | URLResolver], str, str]:
        """The site's patterns for path("admin/", site.urls), namespaced by the site's name."""
        return self.get_urls(), "admin", self.name


def autodiscover() -> None:
    """Import the `admin` module of every installed app that has one (once per process)."""
    from core.apps import get_apps

    for app in get_apps():
        name = f"{app.name}.admin"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


site = AdminSite()

__all__ = ["AdminSite", "AlreadyRegistered", "NotRegistered", "autodiscover", "site"]
