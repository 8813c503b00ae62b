"""A cache in a table of the default database (`manage.py createcachetable` makes it).

    CACHES = {"default": {
        "BACKEND": "core.cache.backends.db.DatabaseCache",
        "LOCATION": "stoa_cache",      # the table
    }}

Shared by every worker and host using the database; slower than memory or Redis. Each
operation runs in its own short transaction, apart from the request's, so a page's
cache entry survives a request that rolls back.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    LargeBinary,
    MetaData,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


def cache_table(name: str) -> Table:
    """Return the cache table `name`, in a MetaData of its own (never in migrations)."""
    return Table(
        name,
        MetaData(),
        Column("cache_key", String(255), primary_key=True),
        Column("value", LargeBinary, nullable=False),
        Column("expires", Float, nullable=True, index=True),
    )


class DatabaseCache(BaseCache):
    """Rows of (key, pickled value, expiry as a Unix time or NULL)."""

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.table = cache_table(str(params.get("LOCATION") or "stoa_cache"))
        self.max_entries = int(self.options.get("MAX_ENTRIES", 10_000))

    @property
    def engine(self) -> Engine:
        """The default database's engine."""
        from orm.session import get_engine

        return get_engine()

    @property
    def writer(self) -> Engine:
        """The engine for writes: on SQLite its transactions take the write lock at BEGIN,
        so concurrent writers wait their turn instead of failing."""
        from orm.session import IMMEDIATE_OPTION

        return self.engine.execution_options(**{IMMEDIATE_OPTION: True})

    def create_table(self) -> bool:
        """Create the table unless it exists; return whether it was created."""
        from sqlalchemy import inspect

        if inspect(self.engine).has_table(self.table.name):
            return False
        self.table.create(self.engine)
        return True

    def _live(self) -> Any:
        return or_(self.table.c.expires.is_(None), self.table.c.expires > time.time())

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value of `key`, or `default`."""
        full = self.make_key(key, version)
        query = select(self.table.c.value).where(self.table.c.cache_key == full, self._live())
        with self.engine.connect() as connection:
            data = connection.execute(query).scalar()
        return default if data is None else pickle.loads(data)  # noqa: S301 - our own rows

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Store `value` under `key`."""
        self._write(self.make_key(key, version), value, timeout, only_if_missing=False)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Store `value` if `key` is missing (or expired)."""
        return self._write(self.make_key(key, version), value, timeout, only_if_missing=True)

    def _write(self, full: str, value: Any, timeout: Any, *, only_if_missing: bool) -> bool:
        row = {
            "value": pickle.dumps(value, pickle.HIGHEST_PROTOCOL),
            "expires": self.expiry(timeout),
        }
        table = self.table
        with self.writer.begin() as connection:
            if only_if_missing:
                stale = table.c.expires.is_not(None) & (table.c.expires <= time.time())
                connection.execute(delete(table).where(table.c.cache_key == full, stale))
            else:
                changed = connection.execute(
                    update(table).where(table.c.cache_key == full).values(**row)
                )
                if changed.rowcount:
                    return True
            try:
                with connection.begin_nested():
                    connection.execute(insert(table).values(cache_key=full, **row))
            except IntegrityError:
                if only_if_missing:
                    return False
                # Another writer inserted it meanwhile: last write wins.
                connection.execute(update(table).where(table.c.cache_key == full).values(**row))
            self._cull(connection)
        return True

    def _cull(self, connection: Any) -> None:
        from sqlalchemy import func

        table = self.table
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if count <= self.max_entries:
            return
        connection.execute(delete(table).where(table.c.expires <= time.time()))
        excess = count - self.max_entries
        # The entries closest to expiry go first (those kept forever last).
        oldest = (
            select(table.c.cache_key)
            .order_by(table.c.expires.is_(None), table.c.expires)
            .limit(max(excess, 0))
        )
        keys = list(connection.execute(oldest).scalars())
        if keys:
            connection.execute(delete(table).where(table.c.cache_key.in_(keys)))

    def delete(self, key: str, version: int | None = None) -> bool:
        """Remove `key`."""
        full = self.make_key(key, version)
        with self.writer.begin() as connection:
            gone = connection.execute(delete(self.table).where(self.table.c.cache_key == full))
        return bool(gone.rowcount)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give `key` a new timeout."""
        full = self.make_key(key, version)
        table = self.table
        with self.writer.begin() as connection:
            changed = connection.execute(
                update(table)
                .where(table.c.cache_key == full, self._live())
                .values(expires=self.expiry(timeout))
            )
        return bool(changed.rowcount)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add `delta` to the integer under `key`; concurrent increments all count.

        The row is updated only if it still holds the value read (compare and swap), and
        read again otherwise: SQLite has no row locks to lean on.
        """
        full = self.make_key(key, version)
        table = self.table
        for _ in range(1000):
            with self.writer.begin() as connection:
                query = select(table.c.value).where(table.c.cache_key == full, self._live())
                data = connection.execute(query).scalar()
                if data is None:
                    raise ValueError(f"Key {key!r} is not in the cache: set it before incr().")
                value = int(pickle.loads(data)) + delta  # noqa: S301 - our own rows
                swapped = connection.execute(
                    update(table)
                    .where(table.c.cache_key == full, table.c.value == data)
                    .values(value=pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
                )
            if swapped.rowcount:
                return value
        raise RuntimeError(f"incr({key!r}) lost the race a thousand times: try again later.")

    def clear(self) -> None:
        """Delete every row of the table."""
        with self.writer.begin() as connection:
            connection.execute(delete(self.table))
