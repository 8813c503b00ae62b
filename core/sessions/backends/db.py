"""Sessions kept in the database: the `Session` model, in the project's migrations.

List "core.sessions" in INSTALLED_APPS, run `makemigrations` and `migrate`, and delete
expired rows now and then with `manage.py clearsessions`. Each read and write runs in a
short transaction of its own (or, inside a view that already holds a transaction, in a
savepoint of that one), so it works wherever SessionMiddleware sits in MIDDLEWARE.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, DateTime, String, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import Session as OrmSession

from core.sessions.base import (
    CreateError,
    SessionBase,
    UpdateError,
    is_valid_key,
    new_session_key,
    now,
)
from orm import Model
from orm.session import current_scope, session_scope


class Session(Model):
    """One stored session: its key, its data as JSON, and when it expires (naive UTC)."""

    __tablename__ = "stoa_session"

    # 64 leaves room for keys longer than today's 43 characters (32 random bytes).
    session_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    expire_date: Mapped[datetime] = mapped_column(DateTime, index=True)

    def get_decoded(self) -> dict[str, Any]:
        """Return the session's data (for a shell or an admin page)."""
        data = json.loads(self.data)
        return data if isinstance(data, dict) else {}


@contextmanager
def _db() -> Iterator[OrmSession]:
    scope = current_scope()
    if scope.request and scope.active:
        # The view's transaction may hold SQLite's only write lock: a second connection
        # would wait for it forever, so work in a savepoint of that transaction instead.
        session = scope.session
        with session.begin_nested():
            yield session
    else:
        with session_scope() as session:
            yield session


class SessionStore(SessionBase):
    """A session stored in the `stoa_session` table under a random key."""

    def load(self) -> dict[str, Any]:
        """Return the data of a live session; {} and no key for an unknown or expired one."""
        stored = None
        if is_valid_key(self.session_key):
            query = select(Session.data).where(
                Session.session_key == self.session_key, Session.expire_date > now()
            )
            with _db() as db:
                stored = db.execute(query).scalar()
        return self.decode_stored(stored)

    def exists(self, session_key: str) -> bool:
        """Tell whether a live session is stored under `session_key`."""
        if not is_valid_key(session_key):
            return False
        query = select(Session.session_key).where(
            Session.session_key == session_key, Session.expire_date > now()
        )
        with _db() as db:
            return db.execute(query).first() is not None

    def save(self, must_create: bool = False) -> None:
        """Store the data: update the row, or insert one under a fresh key if there is none.

        Raise UpdateError if the row was deleted meanwhile (a concurrent logout), rather
        than bring the session back.
        """
        data = json.dumps(self._session, separators=(",", ":"))
        expires = self.get_expiry_date()
        if must_create or self.session_key is None:
            self._create(data, expires)
            return
        statement = (
            update(Session)
            .where(Session.session_key == self.session_key)
            .values(data=data, expire_date=expires)
        )
        with _db() as db:
            result = cast(CursorResult[Any], db.execute(statement))
        if result.rowcount == 0:
            raise UpdateError("The session was deleted before the request completed.")

    def _create(self, data: str, expires: datetime) -> None:
        for _attempt in range(3):
            key = new_session_key()
            row = {"session_key": key, "data": data, "expire_date": expires}
            try:
                with _db() as db:
                    db.execute(insert(Session).values(row))
            except IntegrityError:
                continue  # 256 random bits collided: astronomically unlikely, but cheap
            self.session_key = key
            self.modified = True
            return
        raise CreateError("Could not find an unused session key.")

    def delete(self, session_key: str | None = None) -> None:
        """Delete the row of `session_key` (default: this session's)."""
        key = session_key if session_key is not None else self.session_key
        if is_valid_key(key):
            with _db() as db:
                db.execute(delete(Session).where(Session.session_key == key))

    @classmethod
    def clear_expired(cls) -> int | None:
        """Delete the expired rows; return how many there were."""
        with session_scope() as db:
            result = cast(
                CursorResult[Any], db.execute(delete(Session).where(Session.expire_date <= now()))
            )
        return result.rowcount
