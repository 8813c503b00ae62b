"""`Paginator` and `Page`: split a `select()` into pages with COUNT and LIMIT/OFFSET."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


class InvalidPage(Exception):
    """The page number is not a number, or is out of range (a view answers 404)."""


class Paginator(Generic[T]):
    """Paginate a statement: `Paginator(select(Article).order_by(Article.id), 20, session)`.

    The statement should be ordered, so that pages do not overlap. The total is counted
    once, with `SELECT count(*)` over the statement.
    """

    def __init__(
        self,
        statement: Select[Any],
        per_page: int,
        session: Session,
        *,
        allow_empty_first_page: bool = True,
    ) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1.")
        self.statement = statement
        self.per_page = per_page
        self.session = session
        self.allow_empty_first_page = allow_empty_first_page
        self._count: int | None = None

    @property
    def count(self) -> int:
        """The number of rows over all pages."""
        if self._count is None:
            counted = select(func.count()).select_from(self.statement.order_by(None).subquery())
            self._count = int(self.session.scalar(counted) or 0)
        return self._count

    @property
    def num_pages(self) -> int:
        """The number of pages (at least 1 when empty pages are allowed)."""
        if self.count == 0:
            return 1 if self.allow_empty_first_page else 0
        return math.ceil(self.count / self.per_page)

    @property
    def page_range(self) -> range:
        """1 to num_pages, for templates."""
        return range(1, self.num_pages + 1)

    def validate_number(self, number: Any) -> int:
        """Return `number` as a valid page number; raise InvalidPage otherwise."""
        try:
            value = int(str(number))
        except ValueError:
            raise InvalidPage(f"Page {str(number)[:20]!r} is not a number.") from None
        if value < 1 or value > max(self.num_pages, 1) or (value == 1 and self.num_pages == 0):
            raise InvalidPage(f"There is no page {value}.")
        return value

    def page(self, number: Any) -> Page[T]:
        """Return page `number` (1-based), with its rows loaded."""
        value = self.validate_number(number)
        offset = (value - 1) * self.per_page
        rows: list[T] = list(
            self.session.scalars(self.statement.limit(self.per_page).offset(offset)).all()
        )
        return Page(rows, value, self)

    def get_page(self, number: Any) -> Page[T]:
        """Return page `number`, or the first page if it is not a number, or the last."""
        try:
            return self.page(number)
        except InvalidPage:
            try:
                int(str(number))
            except ValueError:
                return self.page(1)
            return self.page(max(self.num_pages, 1))


class Page(Sequence[T]):
    """One page of rows, with what templates need to link to the others."""

    def __init__(self, object_list: list[T], number: int, paginator: Paginator[T]) -> None:
        self.object_list = object_list
        self.number = number
        self.paginator = paginator

    def __repr__(self) -> str:
        return f"<Page {self.number} of {self.paginator.num_pages}>"

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index: Any) -> Any:
        return self.object_list[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self.object_list)

    def has_next(self) -> bool:
        """Whether a later page exists."""
        return self.number < self.paginator.num_pages

    def has_previous(self) -> bool:
        """Whether an earlier page exists."""
        return self.number > 1

    def has_other_pages(self) -> bool:
        """Whether there is more than this page."""
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        """The number of the next page."""
        if not self.has_next():
            raise InvalidPage("This is the last page.")
        return self.number + 1

    def previous_page_number(self) -> int:
        """The number of the previous page."""
        if not self.has_previous():
            raise InvalidPage("This is the first page.")
        return self.number - 1

    def start_index(self) -> int:
        """The 1-based index of the first row of this page (0 when empty)."""
        if not self.object_list:
            return 0
        return (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        """The 1-based index of the last row of this page."""
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0
