"""Models of the admin's tests: every kind of column the admin shows, filters and edits."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orm import Model


class Genre(enum.Enum):
    fiction = "fiction"
    poetry = "poetry"
    history = "history"


def _now() -> datetime:
    return datetime.now(UTC)


class Writer(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    born: Mapped[date | None] = mapped_column(Date)
    # No cascade: a writer with novels cannot be deleted (their writer_id is NOT NULL).
    novels: Mapped[list[Novel]] = relationship(back_populates="writer")

    def __str__(self) -> str:
        return self.name


class Novel(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    genre: Mapped[Genre] = mapped_column(Enum(Genre), default=Genre.fiction)
    in_print: Mapped[bool] = mapped_column(default=True)
    published: Mapped[date | None] = mapped_column(Date)
    added: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    pages: Mapped[int | None]
    writer_id: Mapped[int] = mapped_column(ForeignKey("writer.id"))
    writer: Mapped[Writer] = relationship(back_populates="novels")
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="novel", cascade="all, delete-orphan", order_by="Chapter.id"
    )

    def __str__(self) -> str:
        return self.title

    def title_length(self) -> int:
        return len(self.title)


class Chapter(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    novel_id: Mapped[int] = mapped_column(ForeignKey("novel.id"))
    title: Mapped[str] = mapped_column(String(100))
    pages: Mapped[int | None]
    novel: Mapped[Novel] = relationship(back_populates="chapters")

    def __str__(self) -> str:
        return self.title


class Favourite(Model):
    """A row keyed by two columns, which the admin cannot address by one key."""

    writer_id: Mapped[int] = mapped_column(ForeignKey("writer.id"), primary_key=True)
    novel_id: Mapped[int] = mapped_column(ForeignKey("novel.id"), primary_key=True)


TABLES = [Writer.__table__, Novel.__table__, Chapter.__table__, Favourite.__table__]
