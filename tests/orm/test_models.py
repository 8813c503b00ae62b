"""orm.models: the declarative base, table names, constraint names, repr."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from orm import NAMING_CONVENTION, Model
from orm.models import table_name_for
from tests.orm.models import OrmAuthor, OrmBook, OrmCounter, OrmEdition


@pytest.mark.parametrize(
    ("class_name", "table"),
    [
        ("Article", "article"),
        ("BlogPost", "blog_post"),
        ("HTTPRequestLog", "http_request_log"),
        ("Page2Section", "page2_section"),
        ("OAuthToken", "o_auth_token"),
    ],
)
def test_table_name_is_the_class_name_in_snake_case(class_name: str, table: str) -> None:
    assert table_name_for(class_name) == table


def test_a_model_without_tablename_gets_the_snake_case_of_its_class() -> None:
    assert OrmAuthor.__tablename__ == "orm_author"
    assert OrmBook.__table__.name == "orm_book"


def test_a_model_may_set_its_own_tablename() -> None:
    assert OrmCounter.__table__.name == "orm_counters"


def test_models_share_the_metadata_with_the_naming_convention() -> None:
    assert OrmAuthor.metadata is Model.metadata
    for key, template in NAMING_CONVENTION.items():
        assert Model.metadata.naming_convention[key] == template


def test_constraints_are_named_by_the_convention() -> None:
    book = OrmBook.__table__
    counter = OrmCounter.__table__

    assert book.primary_key.name == "pk_orm_book"
    assert {fk.name for fk in book.foreign_key_constraints} == {"fk_orm_book_author_id_orm_author"}
    assert {index.name for index in book.indexes} == {"ix_orm_book_title"}
    assert {c.name for c in OrmAuthor.__table__.constraints if c.name.startswith("uq_")} == {
        "uq_orm_author_name"
    }
    assert "ck_orm_counters_value_not_negative" in {c.name for c in counter.constraints}


def test_the_database_has_the_convention_names(engine: Engine) -> None:
    inspector = inspect(engine)

    foreign_keys = inspector.get_foreign_keys("orm_book")
    uniques = inspector.get_unique_constraints("orm_author")
    indexes = inspector.get_indexes("orm_book")

    assert [fk["name"] for fk in foreign_keys] == ["fk_orm_book_author_id_orm_author"]
    assert [unique["name"] for unique in uniques] == ["uq_orm_author_name"]
    assert [index["name"] for index in indexes] == ["ix_orm_book_title"]


def test_repr_of_a_new_instance_says_transient() -> None:
    assert repr(OrmAuthor(name="Ada")) == "<OrmAuthor (transient)>"


def test_repr_of_a_saved_instance_shows_its_key(engine: Engine) -> None:
    with Session(engine) as session:
        author = OrmAuthor(name="Ada")
        session.add(author)
        session.flush()

        assert repr(author) == f"<OrmAuthor {author.id}>"


def test_repr_of_a_composite_key_shows_every_part(engine: Engine) -> None:
    with Session(engine) as session:
        edition = OrmEdition(isbn="978-0", number=2, title="Second")
        session.add(edition)
        session.flush()

        assert repr(edition) == "<OrmEdition 978-0, 2>"


def test_a_relationship_round_trips(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(OrmAuthor(name="Ada", books=[OrmBook(title="Notes"), OrmBook(title="Letters")]))
        session.commit()

    with Session(engine) as session:
        author = session.scalars(select(OrmAuthor)).one()

        assert [book.title for book in author.books] == ["Notes", "Letters"]
        assert author.books[0].author is author
