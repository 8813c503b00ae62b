"""The changelist: a ListView with search, filters, sorting, pages and actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select

from core import messages
from core.admin.changelist import ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from core.http import HTTPBadRequest, Request, Response
from core.views import ListView
from orm.models import coerce_for_column

if TYPE_CHECKING:
    pass

from core.admin.views.base import AdminAccessMixin, notify, redirect_to


class ChangeListView(AdminAccessMixin, ListView[Any]):
    """The list of a model's objects: search, filters, sortable columns, pages, actions."""

    template_name = "admin/change_list.html"
    ordering_kwarg = ORDER_VAR
    page_kwarg = PAGE_VAR

    changelist: ChangeList

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Take the model, page size and sortable columns from the ModelAdmin."""
        super().setup(request, *args, **kwargs)
        self.model = self.admin.model
        self.paginate_by = self.admin.list_per_page
        self.orderings = self.admin.get_sortable_orderings()
        self.ordering = self.admin.get_ordering(request)

    def has_model_permission(self) -> bool:
        """Need the view (or change) permission."""
        return self.admin.has_view_permission(self.request)

    def get_ordering(self) -> list[str]:
        """Return the chosen or default ordering, with the key last so pages are stable."""
        ordering = list(super().get_ordering())
        pk = self.admin.pk_name()
        if pk not in {name.lstrip("-") for name in ordering}:
            ordering.append(f"-{pk}")
        return ordering

    def get_query(self) -> Any:
        """Return the model's rows narrowed by the search, the filters and the dates."""
        self.changelist = ChangeList(self.admin, self.request)
        statement = self.changelist.apply(super().get_query())
        self.filtered_query = statement.options(*self.admin.get_list_select_related(self.request))
        return self.filtered_query

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the headers, rows, filters, search box and actions."""
        context = super().get_context_data(**kwargs)
        request, admin = self.request, self.admin
        columns = admin.get_list_display(request)
        links = set(admin.get_list_display_links(request))
        may_open = admin.has_view_permission(request)
        rows = [
            {
                "key": self.site.object_key(obj),
                "cells": [
                    {
                        "value": column.display(obj, admin.empty_value_display),
                        "url": admin.url("change", obj)
                        if may_open and column.name in links
                        else None,
                        "name": column.name,
                    }
                    for column in columns
                ],
            }
            for obj in context["object_list"]
        ]
        changelist = self.changelist
        paginator = context["paginator"]
        context.update(
            title=f"Select {admin.get_verbose_name()} to change"
            if admin.has_change_permission(request)
            else f"Select {admin.get_verbose_name()} to view",
            changelist=changelist,
            headers=changelist.headers(columns, self.get_ordering()),
            rows=rows,
            filters=[
                {"title": f.title, "choices": f.choices(request, changelist)}
                for f in changelist.filters
            ],
            date_links=changelist.date_links(self.filtered_query),
            search_query=changelist.search_query,
            search_var=SEARCH_VAR,
            has_search=bool(admin.get_search_fields(request)),
            actions=[(name, label) for name, (_, label) in admin.get_actions(request).items()],
            result_count=paginator.count if paginator is not None else len(rows),
            has_add_permission=admin.has_add_permission(request),
            page_links=_page_links(context.get("page_obj"), changelist),
        )
        return context

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Run the chosen action on the selected objects."""
        actions = self.admin.get_actions(request)
        back = request.path_qs
        name = request.POST.get("action", "")
        if name not in actions:
            notify(request, messages.WARNING, "No action was chosen: choose one, then Go.")
            return redirect_to(back)
        objects = self.selected_objects(request.POST.getall("_selected_action"))
        if not objects:
            notify(request, messages.WARNING, "Select the items to act on: none was selected.")
            return redirect_to(back)
        function, _ = actions[name]
        response = function(self.admin, request, objects)
        return response if response is not None else redirect_to(back)

    def selected_objects(self, keys: list[str]) -> list[Any]:
        """Return the objects whose keys were ticked (400 if one is not a key at all)."""
        column = inspect(self.admin.model).primary_key[0]
        try:
            values = [coerce_for_column(column, key) for key in keys[:10_000]]
        except ValueError:
            raise HTTPBadRequest("A selected item is not a valid key.") from None
        if not values:
            return []
        statement = select(self.admin.model).where(column.in_(values))
        return list(self.request.db.scalars(statement.order_by(column)))


def _page_links(page: Any, changelist: ChangeList) -> list[dict[str, Any]]:
    if page is None or not page.has_other_pages():
        return []
    count, number = page.paginator.num_pages, page.number
    shown = sorted({1, 2, count - 1, count, *range(number - 2, number + 3)})
    links: list[dict[str, Any]] = []
    previous = 0
    for value in shown:
        if value < 1 or value > count:
            continue
        if value - previous > 1:
            links.append({"gap": True})
        query = changelist.query_string()
        separator = "&" if query != "?" else ""
        links.append(
            {
                "number": value,
                "url": f"{query}{separator}{PAGE_VAR}={value}",
                "current": value == number,
            }
        )
        previous = value
    return links
