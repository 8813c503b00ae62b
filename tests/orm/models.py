"""Models of the data layer's tests (their tables are created and dropped per test)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orm import Model


class OrmAuthor(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    books: Mapped[list[OrmBook]] = relationship(
        back_populates="author", cascade="all, delete-orphan", order_by="OrmBook.id"
    )


class OrmBook(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("orm_author.id"))
    author: Mapped[OrmAuthor] = relationship(back_populates="books")


class OrmCounter(Model):
    __tablename__ = "orm_counters"
    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class OrmEdition(Model):
    """A model with a composite primary key."""

    isbn: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


TABLES: list[Table] = [
    OrmAuthor.__table__,  # type: ignore[list-item]
    OrmBook.__table__,  # type: ignore[list-item]
    OrmCounter.__table__,  # type: ignore[list-item]
    OrmEdition.__table__,  # type: ignore[list-item]
]
