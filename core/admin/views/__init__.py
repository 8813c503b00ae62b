"""The admin's pages, each a generic view with the admin's access check in front.

    IndexView        TemplateView   the apps and models the user may see
    ChangeListView   ListView       search, filters, sorting, pages, actions
    AddView          CreateView     the ModelAdmin's form, with its inline formsets
    ChangeView       UpdateView     the same for an existing object (read-only without
                                    the change permission)
    DeleteView       DeleteView     what cascades, then the deletion
    HistoryView      DetailView     the object's LogEntry rows

Only active staff users get in; each page then asks the ModelAdmin for the user's
view/add/change/delete permission, which goes through user.has_perm().
"""

from __future__ import annotations

from typing import Any

from core.admin.views.base import AdminAccessMixin, AdminLoginView, AdminLogoutView, IndexView
from core.admin.views.edit import AddView, AdminFormMixin, ChangeView, DeleteView, build_fieldsets
from core.admin.views.history import HistoryView
from core.admin.views.list import ChangeListView

# The pages of a model, by the name AdminSite's URLs give them.
VIEW_CLASSES: dict[str, type[Any]] = {
    "changelist": ChangeListView,
    "add": AddView,
    "change": ChangeView,
    "delete": DeleteView,
    "history": HistoryView,
}

__all__ = [
    "VIEW_CLASSES",
    "AddView",
    "AdminAccessMixin",
    "AdminFormMixin",
    "AdminLoginView",
    "AdminLogoutView",
    "ChangeListView",
    "ChangeView",
    "DeleteView",
    "HistoryView",
    "IndexView",
    "build_fieldsets",
]
