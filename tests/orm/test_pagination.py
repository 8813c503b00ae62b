"""orm.pagination: Paginator over a select() (one COUNT, one SELECT per page) and Page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from orm import InvalidPage, Page, Paginator
from tests.dbfixtures import Statements
from tests.orm.models import OrmAuthor

ORDERED = select(OrmAuthor).order_by(OrmAuthor.id)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def authors(session: Session) -> list[OrmAuthor]:
    """Seven authors: with 3 per page, pages of 3, 3 and 1."""
    rows = [OrmAuthor(name=f"author {n}") for n in range(1, 8)]
    session.add_all(rows)
    session.commit()
    return rows


@pytest.fixture
def paginator(session: Session, authors: list[OrmAuthor]) -> Paginator[OrmAuthor]:
    return Paginator(ORDERED, 3, session)


def test_count_is_the_number_of_rows(paginator: Paginator[OrmAuthor]) -> None:
    assert paginator.count == 7


def test_num_pages_rounds_up(paginator: Paginator[OrmAuthor]) -> None:
    assert paginator.num_pages == 3
    assert paginator.page_range == range(1, 4)


def test_a_page_holds_its_rows_in_order(
    paginator: Paginator[OrmAuthor], authors: list[OrmAuthor]
) -> None:
    page = paginator.page(2)

    assert list(page) == authors[3:6]
    assert len(page) == 3
    assert page[0] is authors[3]
    assert repr(page) == "<Page 2 of 3>"


def test_the_last_page_holds_the_rest(
    paginator: Paginator[OrmAuthor], authors: list[OrmAuthor]
) -> None:
    assert list(paginator.page(3)) == authors[6:]


def test_a_page_number_may_be_a_string(paginator: Paginator[OrmAuthor]) -> None:
    assert paginator.page("2").number == 2


@pytest.mark.parametrize("number", [0, -1, "0", "x", "", "1.5", None, 4, "4", 10**6])
def test_an_invalid_page_number_raises_invalid_page(
    paginator: Paginator[OrmAuthor], number: object
) -> None:
    with pytest.raises(InvalidPage):
        paginator.page(number)


def test_a_huge_page_number_string_raises_invalid_page(paginator: Paginator[OrmAuthor]) -> None:
    with pytest.raises(InvalidPage):
        paginator.page("9" * 5000)


def test_get_page_of_a_non_number_is_the_first_page(paginator: Paginator[OrmAuthor]) -> None:
    assert paginator.get_page("x").number == 1


def test_get_page_beyond_the_last_is_the_last_page(paginator: Paginator[OrmAuthor]) -> None:
    assert paginator.get_page(99).number == 3


def test_get_page_below_one_is_the_last_page(paginator: Paginator[OrmAuthor]) -> None:
    # Django's behaviour: a number that is out of range, either way, gives the last page.
    assert paginator.get_page(0).number == 3


def test_an_empty_result_has_one_empty_page(session: Session) -> None:
    paginator = Paginator(ORDERED, 3, session)

    page = paginator.page(1)

    assert paginator.count == 0
    assert paginator.num_pages == 1
    assert list(page) == []
    assert (page.start_index(), page.end_index()) == (0, 0)
    assert not page.has_other_pages()


def test_an_empty_result_without_an_empty_first_page_has_no_pages(session: Session) -> None:
    paginator = Paginator(ORDERED, 3, session, allow_empty_first_page=False)

    assert paginator.num_pages == 0
    with pytest.raises(InvalidPage):
        paginator.page(1)


def test_per_page_must_be_positive(session: Session) -> None:
    with pytest.raises(ValueError, match="per_page"):
        Paginator(ORDERED, 0, session)


def test_the_first_page_links_forward_only(paginator: Paginator[OrmAuthor]) -> None:
    page = paginator.page(1)

    assert page.has_next()
    assert not page.has_previous()
    assert page.next_page_number() == 2
    with pytest.raises(InvalidPage):
        page.previous_page_number()


def test_the_last_page_links_back_only(paginator: Paginator[OrmAuthor]) -> None:
    page = paginator.page(3)

    assert not page.has_next()
    assert page.has_previous()
    assert page.previous_page_number() == 2
    with pytest.raises(InvalidPage):
        page.next_page_number()


def test_a_middle_page_links_both_ways(paginator: Paginator[OrmAuthor]) -> None:
    page = paginator.page(2)

    assert page.has_next()
    assert page.has_previous()
    assert page.has_other_pages()


@pytest.mark.parametrize(("number", "start", "end"), [(1, 1, 3), (2, 4, 6), (3, 7, 7)])
def test_start_and_end_index_are_one_based(
    paginator: Paginator[OrmAuthor], number: int, start: int, end: int
) -> None:
    page: Page[OrmAuthor] = paginator.page(number)

    assert (page.start_index(), page.end_index()) == (start, end)


def test_one_count_and_one_select_per_page(
    paginator: Paginator[OrmAuthor], statements: Statements
) -> None:
    paginator.page(1)
    paginator.page(2)
    paginator.get_page(3)

    counts = [sql for sql in statements.sql if "count(" in sql.lower()]
    selects = [sql for sql in statements.starting("SELECT") if sql not in counts]
    assert len(counts) == 1
    assert len(selects) == 3
    assert all("LIMIT" in sql.upper() for sql in selects)


def test_the_count_ignores_the_order(
    paginator: Paginator[OrmAuthor], statements: Statements
) -> None:
    assert paginator.count == 7

    assert "ORDER BY" not in statements.sql[-1].upper()


def test_a_filtered_statement_is_counted_with_its_filter(
    session: Session, authors: list[OrmAuthor]
) -> None:
    statement = ORDERED.where(OrmAuthor.name.in_(["author 1", "author 2"]))

    paginator = Paginator(statement, 1, session)

    assert paginator.count == 2
    assert [author.name for author in paginator.page(2)] == ["author 2"]
