"""Full CRUD on two related models through the generic views, with the test client."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from core.testing import Client
from tests.crud.models import Book, Shelf


@pytest.fixture
def crud(settings, db: Session) -> Client:
    settings.ROOT_URLCONF = "tests.crud.urls"
    settings.MIDDLEWARE = ["core.middleware.db.DatabaseMiddleware"]
    return Client(WSGIHandler())


@pytest.fixture
def shelves(db: Session) -> list[Shelf]:
    rows = [Shelf(name=name) for name in ("Poetry", "Fiction", "History", "Art", "Science")]
    db.add_all(rows)
    db.flush()
    return rows


def shelf_names(text: str) -> list[str]:
    return [part.split("</li>")[0] for part in text.split('<li class="shelf">')[1:]]


def test_list_is_ordered_and_paginated(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get("/shelves/")

    assert response.status_code == 200
    assert shelf_names(response.text) == ["Art", "Fiction", "History"]
    assert "Page 1 of 2" in response.text


def test_list_second_page(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get("/shelves/", {"page": "2"})

    assert response.status_code == 200
    assert shelf_names(response.text) == ["Poetry", "Science"]


def test_list_page_out_of_range_is_404(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get("/shelves/", {"page": "9"})

    assert response.status_code == 404


def test_list_page_that_is_not_a_number_is_404(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get("/shelves/", {"page": "x"})

    assert response.status_code == 404


def test_list_ordering_from_the_whitelist(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get("/shelves/", {"ordering": "-name"})

    assert response.status_code == 200
    assert shelf_names(response.text) == ["Science", "Poetry", "History"]


def test_list_ordering_outside_the_whitelist_is_ignored(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get("/shelves/", {"ordering": "name; DROP TABLE shelf"})

    assert response.status_code == 200
    assert shelf_names(response.text) == ["Art", "Fiction", "History"]


def test_detail_shows_the_related_rows(crud: Client, db: Session) -> None:
    shelf = Shelf(name="Poetry", books=[Book(title="Odes"), Book(title="Elegies")])
    db.add(shelf)
    db.flush()

    response = crud.get(f"/shelves/{shelf.id}/")

    assert response.status_code == 200
    assert '<li class="book">Odes</li>' in response.text
    assert '<li class="book">Elegies</li>' in response.text


def test_detail_of_a_missing_row_is_404(crud: Client) -> None:
    response = crud.get("/shelves/999999/")

    assert response.status_code == 404


def test_create_form_is_shown(crud: Client) -> None:
    response = crud.get("/shelves/new/")

    assert response.status_code == 200
    assert 'name="name"' in response.text


def test_create_with_invalid_data_shows_errors_and_values(crud: Client, db: Session) -> None:
    response = crud.post("/books/new/", {"title": "<b>Draft</b>", "pages": "many"})

    assert response.status_code == 200
    assert "&lt;b&gt;Draft&lt;/b&gt;" in response.text
    assert "<b>Draft</b>" not in response.text
    assert db.scalar(select(func.count()).select_from(Book)) == 0


def test_create_with_valid_data_redirects_and_stores(crud: Client, db: Session) -> None:
    response = crud.post("/shelves/new/", {"name": "Travel"})

    assert response.status_code == 302
    shelf = db.scalars(select(Shelf).where(Shelf.name == "Travel")).one()
    assert response.headers["Location"] == f"/shelves/{shelf.id}/"


def test_create_related_row_redirects_to_its_parent(crud: Client, db: Session) -> None:
    shelf = Shelf(name="Poetry")
    db.add(shelf)
    db.flush()

    response = crud.post(
        "/books/new/", {"title": "Odes", "pages": "120", "shelf_id": str(shelf.id)}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/shelves/{shelf.id}/"
    book = db.scalars(select(Book)).one()
    assert (book.title, book.pages, book.shelf_id) == ("Odes", 120, shelf.id)


def test_create_with_a_taken_unique_value_is_a_field_error(
    crud: Client, shelves: list[Shelf], db: Session
) -> None:
    response = crud.post("/shelves/new/", {"name": "Poetry"})

    assert response.status_code == 200
    assert db.scalar(select(func.count()).select_from(Shelf)) == len(shelves)


def test_update_form_is_filled_in(crud: Client, shelves: list[Shelf]) -> None:
    response = crud.get(f"/shelves/{shelves[0].id}/edit/")

    assert response.status_code == 200
    assert 'value="Poetry"' in response.text


def test_update_saves_and_redirects(crud: Client, shelves: list[Shelf], db: Session) -> None:
    shelf = shelves[0]

    response = crud.post(f"/shelves/{shelf.id}/edit/", {"name": "Verse"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/shelves/{shelf.id}/"
    db.refresh(shelf)
    assert shelf.name == "Verse"


def test_update_of_a_missing_row_is_404(crud: Client) -> None:
    response = crud.post("/shelves/999999/edit/", {"name": "Verse"})

    assert response.status_code == 404


def test_delete_asks_for_confirmation(crud: Client, shelves: list[Shelf], db: Session) -> None:
    response = crud.get(f"/shelves/{shelves[0].id}/delete/")

    assert response.status_code == 200
    assert "Delete Poetry?" in response.text
    assert db.get(Shelf, shelves[0].id) is not None


def test_delete_on_post_removes_the_row(crud: Client, shelves: list[Shelf], db: Session) -> None:
    shelf_id = shelves[0].id

    response = crud.post(f"/shelves/{shelf_id}/delete/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/shelves/"
    db.expire_all()
    assert db.get(Shelf, shelf_id) is None


def test_lazy_relationship_loads_in_templates(crud: Client, db: Session) -> None:
    shelf = Shelf(name="Poetry")
    db.add(shelf)
    db.flush()
    book = Book(title="Odes", summary="First line\n\nSecond paragraph", shelf_id=shelf.id)
    db.add(book)
    db.flush()
    db.expire(book)

    response = crud.get(f"/books/{book.id}/")

    assert response.status_code == 200
    assert "on Poetry" in response.text
    assert "<p>First line</p>" in response.text


def test_a_success_url_naming_no_column_says_which_ones_exist(
    crud: Client, shelves: list[Shelf], caplog: pytest.LogCaptureFixture
) -> None:
    from tests.crud.views import ShelfUpdate

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ShelfUpdate, "success_url", "/shelves/{slug}/")
        response = crud.post(f"/shelves/{shelves[0].id}/edit/", {"name": "Verse"})

    assert response.status_code == 500
    assert "'slug', which is not a column of Shelf: use one of id, name" in caplog.text
