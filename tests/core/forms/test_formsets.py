"""Inline formsets (core.forms.formsets) and many-to-many fields (core.forms.relations)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Column, Engine, ForeignKey, Numeric, String, Table, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from webob.multidict import MultiDict

from core.exceptions import ImproperlyConfigured
from core.forms import modelform_factory
from core.forms.formsets import changed_fields, inlineformset_factory
from orm import Model
from orm.session import create_database_engine

book_tags = Table(
    "formset_book_tags",
    Model.metadata,
    Column("book_id", ForeignKey("formset_book.id"), primary_key=True),
    Column("tag_id", ForeignKey("formset_tag.id"), primary_key=True),
)


class FormsetShelf(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class FormsetTag(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))

    def __str__(self) -> str:
        return self.name


class FormsetBook(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    pages: Mapped[int | None]
    shelf_id: Mapped[int] = mapped_column(ForeignKey("formset_shelf.id"))
    tags: Mapped[list[FormsetTag]] = relationship(secondary=book_tags, order_by=FormsetTag.id)


class FormsetPrice(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class FormsetTwoShelves(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(ForeignKey("formset_shelf.id"))
    away_id: Mapped[int] = mapped_column(ForeignKey("formset_shelf.id"))


TABLES = [
    FormsetShelf.__table__,
    FormsetTag.__table__,
    FormsetBook.__table__,
    book_tags,
    FormsetTwoShelves.__table__,
]
BookFormSet = inlineformset_factory(FormsetShelf, FormsetBook, fields=["title", "pages"], extra=2)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine: Engine = create_database_engine(f"sqlite:///{tmp_path}/f.db")
    Model.metadata.create_all(engine, tables=TABLES)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def shelf(session: Session) -> FormsetShelf:
    shelf = FormsetShelf(name="Poetry")
    session.add(shelf)
    session.flush()
    session.add_all(
        [
            FormsetBook(title="Odes", shelf_id=shelf.id),
            FormsetBook(title="Elegies", shelf_id=shelf.id),
        ]
    )
    session.flush()
    return shelf


def books(session: Session) -> list[tuple[str, int | None]]:
    rows = session.scalars(select(FormsetBook).order_by(FormsetBook.id))
    return [(book.title, book.pages) for book in rows]


def test_unbound_formset_has_a_form_per_child_and_extra_ones(session, shelf):
    formset = BookFormSet(instance=shelf, session=session)

    assert [inline.is_new for inline in formset] == [False, False, True, True]
    assert 'name="formset_book-TOTAL_FORMS" value="4"' in formset.management_form()
    assert 'name="formset_book-INITIAL_FORMS" value="2"' in formset.management_form()
    assert formset.forms[0].form.title.data == "Odes"
    assert formset.forms[0].hidden_id() == (
        f'<input type="hidden" name="formset_book-0-id" value="{formset.forms[0].pk}">'
    )


def test_the_empty_form_is_numbered_by_a_placeholder(session, shelf):
    empty = BookFormSet(instance=shelf, session=session).empty_form()

    assert empty.is_new
    assert 'name="formset_book-__prefix__-title"' in str(empty.form.title())


def test_the_foreign_key_is_not_a_field(session, shelf):
    form = BookFormSet(instance=shelf, session=session).forms[0].form

    assert "shelf_id" not in form


def test_one_post_adds_changes_and_deletes(session, shelf):
    odes, elegies = session.scalars(select(FormsetBook).order_by(FormsetBook.id))
    data = MultiDict(
        {
            "formset_book-TOTAL_FORMS": "4",
            "formset_book-INITIAL_FORMS": "2",
            "formset_book-0-id": str(odes.id),
            "formset_book-0-title": "Odes",
            "formset_book-0-pages": "40",
            "formset_book-1-id": str(elegies.id),
            "formset_book-1-title": "Elegies",
            "formset_book-1-DELETE": "on",
            "formset_book-2-title": "Sonnets",
            "formset_book-3-title": "",
        }
    )
    formset = BookFormSet(data, instance=shelf, session=session)

    assert formset.is_valid(), formset.errors
    formset.save()

    assert books(session) == [("Odes", 40), ("Sonnets", None)]
    assert [str(book.title) for book in formset.new_objects] == ["Sonnets"]
    assert [(book.title, fields) for book, fields in formset.changed_objects] == [
        ("Odes", ["pages"])
    ]
    assert [book.title for book in formset.deleted_objects] == ["Elegies"]


def test_an_invalid_child_makes_the_formset_invalid(session, shelf):
    data = {
        "formset_book-TOTAL_FORMS": "1",
        "formset_book-INITIAL_FORMS": "0",
        "formset_book-0-title": "",
        "formset_book-0-pages": "many",
    }
    formset = BookFormSet(data, instance=shelf, session=session)

    assert not formset.is_valid()
    assert "pages" in formset.errors[0]
    with pytest.raises(ValueError, match="is_valid"):
        formset.save()


def test_a_blank_extra_form_is_ignored(session, shelf):
    data = {
        "formset_book-TOTAL_FORMS": "1",
        "formset_book-INITIAL_FORMS": "0",
        "formset_book-0-title": "",
        "formset_book-0-pages": "",
    }
    formset = BookFormSet(data, instance=shelf, session=session)

    assert formset.is_valid()
    assert formset.save() == []


def test_a_row_of_another_parent_is_refused(session, shelf):
    other = FormsetShelf(name="Other")
    session.add(other)
    session.flush()
    stranger = FormsetBook(title="Stranger", shelf_id=other.id)
    session.add(stranger)
    session.flush()
    data = {
        "formset_book-TOTAL_FORMS": "1",
        "formset_book-INITIAL_FORMS": "1",
        "formset_book-0-id": str(stranger.id),
        "formset_book-0-title": "Mine now",
    }
    formset = BookFormSet(data, instance=shelf, session=session)

    assert not formset.is_valid()
    assert "not one of this object" in formset.non_form_errors[0]


@pytest.mark.parametrize("total", [None, "", "x", "-1"])
def test_missing_or_bad_management_data_is_a_form_error(session, shelf, total):
    data = {"formset_book-INITIAL_FORMS": "0"}
    if total is not None:
        data["formset_book-TOTAL_FORMS"] = total
    formset = BookFormSet(data, instance=shelf, session=session)

    assert not formset.is_valid()
    assert "reload the page" in formset.non_form_errors[0]


def test_total_forms_is_capped(session, shelf):
    Capped = inlineformset_factory(FormsetShelf, FormsetBook, fields=["title"], max_num=3)
    data = {"formset_book-TOTAL_FORMS": "100000000", "formset_book-INITIAL_FORMS": "0"}

    formset = Capped(data, instance=shelf, session=session)

    assert len(formset.forms) == 2 + 3


def test_the_parent_must_be_saved_first(session):
    data = {
        "formset_book-TOTAL_FORMS": "1",
        "formset_book-INITIAL_FORMS": "0",
        "formset_book-0-title": "Orphan",
    }
    formset = BookFormSet(data, instance=FormsetShelf(name="New"), session=session)

    assert formset.is_valid()
    with pytest.raises(ValueError, match="Save the parent"):
        formset.save()


def test_no_foreign_key_to_the_parent_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="exactly one foreign key"):
        inlineformset_factory(FormsetTag, FormsetBook)


def test_two_foreign_keys_need_fk_name():
    with pytest.raises(ImproperlyConfigured, match="set fk_name"):
        inlineformset_factory(FormsetShelf, FormsetTwoShelves)

    chosen = inlineformset_factory(FormsetShelf, FormsetTwoShelves, fk_name="home_id")
    assert chosen.fk_name == "home_id"


def test_changed_fields_of_a_model_form(session, shelf):
    form_class = modelform_factory(FormsetShelf, fields=["name"])
    form = form_class({"name": "Verse"}, instance=shelf, session=session)

    assert form.is_valid()
    assert changed_fields(form) == ["name"]


# Many-to-many


@pytest.fixture
def tags(session: Session) -> list[FormsetTag]:
    rows = [FormsetTag(name="old"), FormsetTag(name="rare"), FormsetTag(name="signed")]
    session.add_all(rows)
    session.flush()
    return rows


TagForm = modelform_factory(FormsetBook, fields=["title", "shelf_id", "tags"])


def test_a_listed_many_to_many_is_a_multiple_select_of_the_rows(session, shelf, tags):
    form = TagForm(session=session)

    html = str(form.tags())
    assert "multiple" in html
    assert [choice.label for choice in form.tags.choices] == ["old", "rare", "signed"]


def test_many_to_many_values_are_saved_and_shown(session, shelf, tags):
    data = MultiDict(
        [
            ("title", "Atlas"),
            ("shelf_id", str(shelf.id)),
            ("tags", str(tags[0].id)),
            ("tags", str(tags[2].id)),
        ]
    )
    form = TagForm(data, session=session)

    assert form.is_valid(), form.errors
    book = form.save()
    again = TagForm(instance=book, session=session)

    assert [tag.name for tag in book.tags] == ["old", "signed"]
    assert sorted(again.tags.data) == sorted([str(tags[0].id), str(tags[2].id)])


def test_an_unknown_many_to_many_key_is_a_field_error(session, shelf, tags):
    form = TagForm({"title": "Atlas", "shelf_id": str(shelf.id), "tags": ["999"]}, session=session)

    assert not form.is_valid()
    assert "tags" in form.errors


def test_many_to_many_changes_are_detected(session, shelf, tags):
    book = FormsetBook(title="Atlas", shelf_id=shelf.id, tags=[tags[0]])
    session.add(book)
    session.flush()
    data = {"title": "Atlas", "shelf_id": str(shelf.id), "tags": [str(tags[1].id)]}
    form = TagForm(data, instance=book, session=session)

    assert form.is_valid()
    assert changed_fields(form) == ["tags"]


def test_all_fields_covers_columns_only(session):
    form_class = modelform_factory(FormsetBook, fields="__all__")

    assert "tags" not in form_class(session=session)


def test_an_integer_the_column_cannot_hold_is_a_field_error(session, shelf):
    form_class = modelform_factory(FormsetBook, fields=["title", "pages", "shelf_id"])
    too_big = form_class({"title": "Atlas", "pages": str(2**31), "shelf_id": str(shelf.id)})
    largest = form_class({"title": "Atlas", "pages": str(2**31 - 1), "shelf_id": str(shelf.id)})

    assert not too_big.is_valid()
    assert "pages" in too_big.errors
    assert largest.is_valid(), largest.errors


def test_a_decimal_beyond_the_columns_precision_is_a_field_error():
    form_class = modelform_factory(FormsetPrice, fields=["amount"])

    assert not form_class({"amount": "1000.00"}).is_valid()
    assert form_class({"amount": "999.99"}).is_valid()
    assert form_class({"amount": "-999.99"}).is_valid()
