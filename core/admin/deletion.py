"""What deleting objects takes with it, and the deletion itself, all or nothing.

Before the confirmation page the admin lists the rows that go too (relationships with
`cascade="all, delete-orphan"` or "delete"), and the rows that stop it: children whose
foreign key to the object cannot be NULL and that do not cascade. Those make the
deletion refused with a message, never a database error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import RelationshipDirection

from core.admin.lookups import verbose_name
from core.admin.models import DELETION, LogEntry

if TYPE_CHECKING:
    from core.admin.options import ModelAdmin
    from core.http import Request

# The confirmation page lists this many related rows, then says how many more.
LISTED_LIMIT = 200


@dataclass
class DeletionPlan:
    """The objects to delete, what cascades with them, and what protects them."""

    objects: list[Any]
    cascaded: list[tuple[str, str]] = field(default_factory=list)
    protected: list[tuple[str, str]] = field(default_factory=list)
    more: int = 0

    @property
    def allowed(self) -> bool:
        """Say whether nothing protects the objects."""
        return not self.protected


def plan_deletion(objects: Sequence[Any]) -> DeletionPlan:
    """Work out what deleting `objects` deletes too, and what would stop it."""
    plan = DeletionPlan(list(objects))
    seen: set[int] = {id(obj) for obj in objects}
    for obj in objects:
        mapper = inspect(type(obj))
        cascade = mapper.cascade_iterator("delete", inspect(obj))
        for related, related_mapper, _state, _dict in cascade:
            if id(related) in seen:
                continue
            seen.add(id(related))
            _add(plan, plan.cascaded, (verbose_name(related_mapper.class_), str(related)))
        for prop in mapper.relationships:
            if prop.direction is not RelationshipDirection.ONETOMANY or "delete" in prop.cascade:
                continue
            if prop.passive_deletes or all(column.nullable for column in prop.remote_side):
                continue
            for child in getattr(obj, prop.key) or ():
                _add(plan, plan.protected, (verbose_name(type(child)), str(child)))
    return plan


def _add(plan: DeletionPlan, target: list[tuple[str, str]], item: tuple[str, str]) -> None:
    if len(target) < LISTED_LIMIT:
        target.append(item)
    else:
        plan.more += 1


def delete_objects(request: Request, model_admin: ModelAdmin[Any], objects: Sequence[Any]) -> bool:
    """Log and delete `objects` in one savepoint; say whether the database allowed it."""
    try:
        with request.db.begin_nested():
            for obj in objects:
                LogEntry.log(request.db, request.user, obj, DELETION)
                model_admin.delete_model(request, obj)
    except IntegrityError:
        return False
    return True


__all__ = ["DeletionPlan", "delete_objects", "plan_deletion"]
