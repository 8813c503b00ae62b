"""The ORM inside a data migration, at the schema of that migration (Django's `apps.get_model`).

A data migration cannot import the project's models: they describe the latest schema,
not the one its revision sees. `historical()` reflects the tables as they are at that
point of the history and maps a class onto each one:

    def upgrade() -> None:
        with historical() as h:
            Article = h.models.article
            for article in h.session.scalars(select(Article).where(Article.slug.is_(None))):
                article.slug = slugify(article.title)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.automap import automap_base
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Historical:
    """The schema of one point of the history: tables, mapped classes and a session."""

    tables: MetaData
    models: Any  # automap's namespace: one class per table with a primary key, by table name
    session: Session


@contextmanager
def historical(bind: Connection | None = None) -> Iterator[Historical]:
    """Yield the tables, classes and a session on the migration's connection; flush at the end.

    The session joins the migration's transaction and never commits it: the migration
    commits (or rolls back) with everything else it does.
    """
    if bind is None:
        from alembic import op

        bind = op.get_bind()
    tables = MetaData()
    tables.reflect(bind)
    base: Any = automap_base(metadata=tables)
    base.prepare()
    session = Session(bind=bind, join_transaction_mode="create_savepoint", autoflush=False)
    try:
        yield Historical(tables, base.classes, session)
        session.flush()
        session.commit()
    finally:
        session.close()
