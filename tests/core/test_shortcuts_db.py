"""get_object_or_404(): by key, by columns, composite keys, and keys of the wrong type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from core.http import HTTPNotFound, Request, Response
from core.shortcuts import get_object_or_404
from core.testing import Client
from core.urls import path
from orm import get_session
from tests import dbfixtures
from tests.orm.models import OrmAuthor, OrmEdition

# The data layer's database fixtures (SQLite, and PostgreSQL with TEST_DATABASE_URL).
backend = dbfixtures.backend
database_url = dbfixtures.database_url
databases = dbfixtures.databases
engine = dbfixtures.engine
postgresql_url = dbfixtures.postgresql_url
site_settings = dbfixtures.site_settings


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def ada(session: Session) -> OrmAuthor:
    author = OrmAuthor(name="Ada")
    session.add(author)
    session.commit()
    return author


@pytest.fixture
def edition(session: Session) -> OrmEdition:
    row = OrmEdition(isbn="978-0", number=2, title="Second")
    session.add(row)
    session.commit()
    return row


def test_finds_a_row_by_primary_key(session: Session, ada: OrmAuthor) -> None:
    assert get_object_or_404(OrmAuthor, ada.id, session=session) is ada


def test_a_primary_key_given_as_a_string_is_converted(session: Session, ada: OrmAuthor) -> None:
    assert get_object_or_404(OrmAuthor, str(ada.id), session=session) is ada


def test_a_missing_primary_key_is_a_404(session: Session, ada: OrmAuthor) -> None:
    with pytest.raises(HTTPNotFound, match="No OrmAuthor matches the given query"):
        get_object_or_404(OrmAuthor, ada.id + 1, session=session)


def test_finds_a_row_by_columns(session: Session, ada: OrmAuthor) -> None:
    assert get_object_or_404(OrmAuthor, name="Ada", session=session) is ada


def test_columns_that_match_nothing_are_a_404(session: Session, ada: OrmAuthor) -> None:
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, name="Grace", session=session)


def test_a_key_and_columns_must_both_match(session: Session, ada: OrmAuthor) -> None:
    assert get_object_or_404(OrmAuthor, ada.id, name="Ada", session=session) is ada
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, ada.id, name="Grace", session=session)


@pytest.mark.parametrize("key", ["abc", "1.5", "", "1; DROP TABLE orm_author"])
def test_a_key_of_the_wrong_type_is_a_404(session: Session, ada: OrmAuthor, key: str) -> None:
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, key, session=session)


@pytest.mark.parametrize("key", [str(2**31), str(-(2**31) - 1), str(2**63), "9" * 30])
def test_a_key_out_of_the_columns_range_is_a_404(
    session: Session, ada: OrmAuthor, key: str
) -> None:
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, key, session=session)


def test_the_transaction_is_usable_after_a_key_of_the_wrong_type(
    session: Session, engine: Engine
) -> None:
    session.add(OrmAuthor(name="Ada"))
    session.flush()

    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, "abc", session=session)
    session.add(OrmAuthor(name="Grace"))
    session.commit()

    assert sorted(session.scalars(select(OrmAuthor.name))) == ["Ada", "Grace"]


def test_a_column_value_of_the_wrong_type_is_a_404(session: Session, ada: OrmAuthor) -> None:
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, id="abc", session=session)


def test_the_transaction_is_usable_after_a_column_value_of_the_wrong_type(
    session: Session, ada: OrmAuthor
) -> None:
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmAuthor, id="abc", session=session)

    assert session.scalars(select(OrmAuthor.name)).all() == ["Ada"]


def test_finds_a_row_by_composite_key(session: Session, edition: OrmEdition) -> None:
    assert get_object_or_404(OrmEdition, ("978-0", 2), session=session) is edition


def test_a_composite_key_given_as_strings_is_converted(
    session: Session, edition: OrmEdition
) -> None:
    assert get_object_or_404(OrmEdition, ("978-0", "2"), session=session) is edition


@pytest.mark.parametrize(
    "key", [("978-0", 3), ("978-0", "abc"), ("978-0",), "978-0", ("978-0", 2, 1)]
)
def test_a_composite_key_that_does_not_match_is_a_404(
    session: Session, edition: OrmEdition, key: Any
) -> None:
    with pytest.raises(HTTPNotFound):
        get_object_or_404(OrmEdition, key, session=session)


def test_a_composite_key_and_columns(session: Session, edition: OrmEdition) -> None:
    assert get_object_or_404(OrmEdition, ("978-0", 2), title="Second", session=session) is edition


def test_the_session_defaults_to_the_current_one(databases: Any) -> None:
    current = get_session()
    current.add(OrmAuthor(name="Ada"))
    current.flush()

    assert get_object_or_404(OrmAuthor, name="Ada").name == "Ada"


# Through a view


def author_detail(request: Request, pk: int) -> Response:
    return Response(get_object_or_404(OrmAuthor, pk, session=request.db).name)


def author_by_key(request: Request, key: str) -> Response:
    return Response(get_object_or_404(OrmAuthor, key, session=request.db).name)


urlpatterns = [
    path("authors/<int:pk>/", author_detail),
    path("by-key/<str:key>/", author_by_key),
]


@pytest.fixture
def client(site_settings: Any, engine: Engine) -> Client:
    with Session(engine) as session:
        session.add(OrmAuthor(id=1, name="Ada"))
        session.commit()
    site_settings.ROOT_URLCONF = __name__
    return Client(WSGIHandler())


def test_a_view_finds_the_row(client: Client) -> None:
    response = client.get("/authors/1/")

    assert response.status_code == 200
    assert response.text == "Ada"


def test_a_view_answers_404_for_a_missing_row(client: Client) -> None:
    response = client.get("/authors/2/")

    assert response.status_code == 404
    assert "OrmAuthor" not in response.text


def test_a_view_answers_404_for_a_key_of_the_wrong_type(client: Client) -> None:
    response = client.get("/by-key/abc/")

    assert response.status_code == 404


@pytest.mark.parametrize("key", [str(2**31), "9" * 30])
def test_a_view_answers_404_for_a_key_too_large(client: Client, key: str) -> None:
    response = client.get(f"/authors/{key}/")

    assert response.status_code == 404
