"""`Model`: the declarative base of every model, with stable constraint names."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import BigInteger, Integer, MetaData, SmallInteger, inspect
from sqlalchemy.orm import DeclarativeBase, declared_attr

# Named constraints make migrations reproducible on every backend (SQLite included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def table_name_for(class_name: str) -> str:
    """Return the default table name of a model class: `BlogPost` -> `blog_post`."""
    return _CAMEL.sub("_", class_name).lower()


class Model(DeclarativeBase):
    """The base class of models: SQLAlchemy 2 declarative, typed with Mapped[...].

        class Article(Model):
            id: Mapped[int] = mapped_column(primary_key=True)
            title: Mapped[str] = mapped_column(String(200))

    The table is named after the class (`article`) unless `__tablename__` says otherwise.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    @declared_attr.directive
    def __tablename__(cls) -> str:  # noqa: N805 (a class-level directive)
        return table_name_for(cls.__name__)

    def __repr__(self) -> str:
        state = inspect(self)
        key: Any = state.identity if state.identity is not None else None
        if key is None:
            return f"<{type(self).__name__} (transient)>"
        shown = ", ".join(str(part) for part in key)
        return f"<{type(self).__name__} {shown}>"


_INTEGER_BITS = ((SmallInteger, 16), (BigInteger, 64), (Integer, 32))


def coerce_for_column(column: Any, value: Any) -> Any:
    """Convert `value` to the column's Python type, or raise ValueError if it cannot be one.

    Views call this on values from URLs before querying: a value the database would
    refuse ("abc" or 2**40 for an INTEGER) must be a 404, not a failed transaction.
    """
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return value
    if not isinstance(value, python_type):
        try:
            value = python_type(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{value!r} is not a valid {python_type.__name__}") from exc
    if isinstance(value, int):
        for integer_type, bits in _INTEGER_BITS:
            if isinstance(column.type, integer_type):
                limit = 2 ** (bits - 1)
                if not -limit <= value < limit:
                    raise ValueError(f"{value} is out of the range of {column.type}")
                break
    return value
