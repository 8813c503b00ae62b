"""An object's history: a DetailView of its LogEntry rows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.admin.models import LogEntry, content_type_of
from core.http import Request
from core.views import DetailView

if TYPE_CHECKING:
    pass

from core.admin.views.base import AdminAccessMixin


class HistoryView(AdminAccessMixin, DetailView[Any]):
    """The object's log: who added, changed or deleted what, and when."""

    template_name = "admin/object_history.html"

    def setup(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Take the model from the ModelAdmin."""
        super().setup(request, *args, **kwargs)
        self.model = self.admin.model

    def has_model_permission(self) -> bool:
        """Need the view (or change) permission."""
        return self.admin.has_view_permission(self.request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Add the log entries, newest first."""
        entries = self.request.db.scalars(
            select(LogEntry)
            .where(
                LogEntry.content_type == content_type_of(self.admin.model),
                LogEntry.object_id == self.site.object_key(self.object),
            )
            .order_by(LogEntry.action_time.desc(), LogEntry.id.desc())
        ).all()
        return super().get_context_data(
            entries=entries, title=f"Change history: {self.object}", **kwargs
        )
