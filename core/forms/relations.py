"""Many-to-many relationships in model forms: a multiple select of the related rows.

A relationship with a `secondary` table (Group.permissions, User.groups) that Meta.fields
lists becomes a SelectMultipleField whose values are the related rows' keys; save() sets
the relationship to the rows chosen. ("__all__" covers columns only: list a relationship
to edit it.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Mapper, RelationshipProperty
from wtforms import (  # type: ignore[import-untyped, unused-ignore]
    SelectChoice,
    SelectMultipleField,
)

from orm.models import coerce_for_column

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def many_to_many(model: type[Any]) -> dict[str, RelationshipProperty[Any]]:
    """Return the model's relationships through a secondary table, by attribute name."""
    mapper = inspect(model, raiseerr=False)
    if not isinstance(mapper, Mapper):
        return {}
    return {
        prop.key: prop
        for prop in mapper.relationships
        if prop.secondary is not None and prop.uselist and not prop.viewonly
    }


def _target_key(prop: RelationshipProperty[Any]) -> Any:
    return inspect(prop.mapper.class_).primary_key[0]


def field_for_relationship(
    key: str, prop: RelationshipProperty[Any], session: Session | None = None
) -> Any:
    """Return an unbound multiple select of the rows `prop` may point to (given a session)."""
    choices: list[Any] = []
    if session is not None:
        target = _target_key(prop)
        rows = session.scalars(select(prop.mapper.class_).order_by(target))
        mapper = inspect(prop.mapper.class_)
        attribute = mapper.get_property_by_column(target).key
        choices = [SelectChoice(str(getattr(row, attribute)), str(row)) for row in rows]
    return SelectMultipleField(
        label=key.replace("_", " ").capitalize(),
        choices=choices,
        coerce=str,
        validate_choice=True,
    )


def related_keys(instance: Any, key: str) -> list[str]:
    """Return the keys of the rows `instance.<key>` holds, as strings."""
    prop = many_to_many(type(instance))[key]
    mapper = inspect(prop.mapper.class_)
    attribute = mapper.get_property_by_column(_target_key(prop)).key
    return [str(getattr(row, attribute)) for row in getattr(instance, key)]


def related_rows(
    session: Session, prop: RelationshipProperty[Any], keys: Sequence[str]
) -> list[Any]:
    """Return the rows of `prop`'s model with the given keys, in key order."""
    if not keys:
        return []
    target = _target_key(prop)
    values = [coerce_for_column(target, value) for value in keys]
    statement = select(prop.mapper.class_).where(target.in_(values)).order_by(target)
    return list(session.scalars(statement))


__all__ = ["field_for_relationship", "many_to_many", "related_keys", "related_rows"]
