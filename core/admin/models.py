"""The admin's log of additions, changes and deletions: the `admin_log` table.

Each row keeps who did it (id and username, so the log outlives the user), when, which
object (its model as "app_label.model_name", its key and its str() at the time) and
what changed (JSON: the fields changed, the inline rows added, changed or deleted).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, SmallInteger, String, Text, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.views.mixins import model_label
from orm.models import Model

ADDITION = 1
CHANGE = 2
DELETION = 3

ACTION_NAMES = {ADDITION: "Added", CHANGE: "Changed", DELETION: "Deleted"}


def _now() -> datetime:
    return datetime.now(UTC)


def content_type_of(model: type[Any]) -> str:
    """Return the log's name of a model: "blog.article"."""
    return ".".join(model_label(model))


class LogEntry(Model):
    """One addition, change or deletion made through the admin."""

    __tablename__ = "admin_log"
    __table_args__ = (Index("ix_admin_log_object", "content_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(150), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str] = mapped_column(String(255))
    object_repr: Mapped[str] = mapped_column(String(200))
    action_flag: Mapped[int] = mapped_column(SmallInteger)
    change_message: Mapped[str] = mapped_column(Text, default="")

    def __str__(self) -> str:
        return f"{ACTION_NAMES.get(self.action_flag, 'Logged')} “{self.object_repr}”"

    @property
    def is_addition(self) -> bool:
        """Say whether the entry records an addition."""
        return self.action_flag == ADDITION

    @property
    def is_change(self) -> bool:
        """Say whether the entry records a change."""
        return self.action_flag == CHANGE

    @property
    def is_deletion(self) -> bool:
        """Say whether the entry records a deletion."""
        return self.action_flag == DELETION

    def changes(self) -> dict[str, Any]:
        """Return the recorded changes: {"changed": [...], "added": [...], "deleted": [...]}."""
        try:
            value = json.loads(self.change_message or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def get_change_message(self) -> str:
        """Describe the change in a sentence: "Changed title and pages. Added book “Odes”."."""
        changes = self.changes()
        parts = []
        if changes.get("changed"):
            parts.append(f"Changed {_join(changes['changed'])}.")
        for key, verb in (("added", "Added"), ("changed_rows", "Changed"), ("deleted", "Deleted")):
            for name, text in changes.get(key, []):
                parts.append(f"{verb} {name} “{text}”.")
        if parts:
            return " ".join(parts)
        return {ADDITION: "Added.", CHANGE: "No fields changed.", DELETION: "Deleted."}.get(
            self.action_flag, ""
        )

    @classmethod
    def log(
        cls,
        session: Session,
        user: Any,
        obj: Any,
        action_flag: int,
        changes: dict[str, Any] | None = None,
    ) -> LogEntry:
        """Record an action of `user` on `obj` in `session` (flushed with the request)."""
        identity = inspect(obj).identity
        entry = cls(
            user_id=getattr(user, "id", None),
            username=str(user.get_username()) if hasattr(user, "get_username") else "",
            content_type=content_type_of(type(obj)),
            object_id=str(identity[0]) if identity else "",
            object_repr=str(obj)[:200],
            action_flag=action_flag,
            change_message=json.dumps(changes or {}, ensure_ascii=False),
        )
        session.add(entry)
        return entry


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


__all__ = ["ADDITION", "CHANGE", "DELETION", "LogEntry", "content_type_of"]
