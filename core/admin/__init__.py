"""The admin: a back office for the project's models, from its generic views and forms.

    # urls.py
    from core import admin
    urlpatterns = [path("admin/", admin.site.urls)]

    # blog/admin.py (found by autodiscovery)
    from core import admin
    from blog.models import Article

    @admin.register(Article)
    class ArticleAdmin(admin.ModelAdmin[Article]):
        list_display = ["title", "published"]

List "core.admin" in INSTALLED_APPS (its model is the admin's log). See docs/topics/admin.md.
"""

from core.admin.actions import delete_selected
from core.admin.decorators import action, display, register
from core.admin.filters import ListFilter
from core.admin.options import InlineModelAdmin, ModelAdmin, StackedInline, TabularInline
from core.admin.sites import AdminSite, AlreadyRegistered, NotRegistered, autodiscover, site

__all__ = [
    "AdminSite",
    "AlreadyRegistered",
    "InlineModelAdmin",
    "ListFilter",
    "ModelAdmin",
    "NotRegistered",
    "StackedInline",
    "TabularInline",
    "action",
    "autodiscover",
    "delete_selected",
    "display",
    "register",
    "site",
]
