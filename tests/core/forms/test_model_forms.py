"""ModelForm: fields from columns, initial values, save(), and unique values as errors."""

from __future__ import annotations

import datetime
import decimal
import enum
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Engine,
    Enum,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.exceptions import ImproperlyConfigured
from core.forms import (
    FormSaveError,
    IntegerField,
    ModelForm,
    NumberRange,
    SelectField,
    StringField,
    ValidationError,
    modelform_factory,
)
from orm import Model
from orm.session import create_database_engine


class Status(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class FormsAuthor(Model):
    __tablename__ = "forms_author"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)

    def __str__(self) -> str:
        return self.name


class FormsArticle(Model):
    __tablename__ = "forms_article"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(20), unique=True)
    body: Mapped[str | None] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(String(40))
    views: Mapped[int] = mapped_column(default=0)
    reach: Mapped[int | None] = mapped_column(BigInteger)
    price: Mapped[decimal.Decimal | None] = mapped_column(Numeric(8, 2))
    score: Mapped[float | None]
    featured: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool]
    day: Mapped[datetime.date | None]
    published_at: Mapped[datetime.datetime | None]
    status: Mapped[Status] = mapped_column(Enum(Status, name="forms_status"), default=Status.DRAFT)
    kind: Mapped[str] = mapped_column(Enum("news", "opinion", name="forms_kind"))
    author_id: Mapped[int] = mapped_column(ForeignKey("forms_author.id"))
    created: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FormsEdition(Model):
    __tablename__ = "forms_edition"
    __table_args__ = (UniqueConstraint("year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    number: Mapped[int]


TABLES = [FormsAuthor.__table__, FormsArticle.__table__, FormsEdition.__table__]


class ArticleForm(ModelForm):
    class Meta:
        model = FormsArticle
        fields = ["title", "body", "views", "status", "kind", "author_id", "pinned"]


class AllFieldsForm(ModelForm):
    class Meta:
        model = FormsArticle
        fields = "__all__"


class AuthorForm(ModelForm):
    class Meta:
        model = FormsAuthor
        fields = ["name"]


class EditionForm(ModelForm):
    class Meta:
        model = FormsEdition
        fields = ["year", "number"]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_database_engine(f"sqlite:///{tmp_path}/t.db")
    Model.metadata.create_all(engine, tables=TABLES)
    yield engine
    Model.metadata.drop_all(engine, tables=TABLES)
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session
        session.rollback()


@pytest.fixture
def author(session: Session) -> FormsAuthor:
    author = FormsAuthor(name="Ada")
    session.add(author)
    session.flush()
    return author


@pytest.fixture
def article(session: Session, author: FormsAuthor) -> FormsArticle:
    article = FormsArticle(
        title="First", body="Text", kind="news", author_id=author.id, pinned=False
    )
    session.add(article)
    session.flush()
    return article


@pytest.fixture
def article_data(author: FormsAuthor) -> dict[str, Any]:
    return {
        "title": "Hello",
        "body": "World",
        "views": "3",
        "status": "PUBLISHED",
        "kind": "opinion",
        "author_id": str(author.id),
    }


# Field generation


@pytest.mark.parametrize(
    ("name", "field_type"),
    [
        ("title", "StringField"),
        ("body", "TextAreaField"),
        ("views", "IntegerField"),
        ("reach", "IntegerField"),
        ("price", "DecimalField"),
        ("score", "FloatField"),
        ("featured", "BooleanField"),
        ("day", "DateField"),
        ("published_at", "DateTimeField"),
        ("status", "SelectField"),
        ("kind", "SelectField"),
        ("author_id", "IntegerField"),
    ],
)
def test_each_column_type_gets_its_field(name: str, field_type: str) -> None:
    assert type(AllFieldsForm()[name]).__name__ == field_type


def test_a_string_length_becomes_a_maximum_length() -> None:
    form = AllFieldsForm({"title": "x" * 21})

    assert not form.is_valid()
    assert form.errors["title"] == ["Field cannot be longer than 20 characters."]


def test_a_string_length_is_rendered_as_maxlength() -> None:
    assert 'maxlength="20"' in AllFieldsForm().title()


@pytest.mark.parametrize(
    ("name", "validator"),
    [
        ("title", "InputRequired"),
        ("kind", "InputRequired"),
        ("author_id", "InputRequired"),
        ("body", "Optional"),
        ("day", "Optional"),
        ("views", "Optional"),
        ("status", "Optional"),
    ],
)
def test_nullability_and_defaults_decide_whether_a_field_is_required(
    name: str, validator: str
) -> None:
    assert type(AllFieldsForm()[name].validators[0]).__name__ == validator


@pytest.mark.parametrize("name", ["featured", "pinned"])
def test_a_boolean_is_never_required(name: str) -> None:
    assert list(AllFieldsForm()[name].validators) == []


def test_a_scalar_default_is_the_initial_value() -> None:
    form = AllFieldsForm()

    assert form.views.data == 0
    assert form.status.data is Status.DRAFT


def test_a_python_enum_offers_its_members() -> None:
    values = [choice.value for choice in AllFieldsForm().status.iter_choices()]

    assert values == ["DRAFT", "PUBLISHED"]


def test_a_string_enum_offers_a_blank_then_its_values() -> None:
    values = [choice.value for choice in AllFieldsForm().kind.iter_choices()]

    assert values == ["", "news", "opinion"]


def test_a_value_outside_the_enum_is_refused(
    session: Session, article_data: dict[str, Any]
) -> None:
    form = ArticleForm({**article_data, "kind": "satire"}, session=session)

    assert not form.is_valid()
    assert form.errors == {"kind": ["Not a valid choice."]}


def test_a_foreign_key_without_a_session_is_a_number() -> None:
    assert type(ArticleForm()["author_id"]).__name__ == "IntegerField"


def test_a_foreign_key_label_drops_the_id_suffix() -> None:
    assert ArticleForm().author_id.label.text == "Author"


def test_a_foreign_key_with_a_session_offers_the_related_rows(
    session: Session, author: FormsAuthor
) -> None:
    field = ArticleForm(session=session)["author_id"]

    assert isinstance(field, SelectField)
    assert [(choice.value, choice.label) for choice in field.iter_choices()] == [
        ("", "---------"),
        (str(author.id), "Ada"),
    ]


def test_a_foreign_key_choice_is_coerced_to_the_key(
    session: Session, article_data: dict[str, Any], author: FormsAuthor
) -> None:
    form = ArticleForm(article_data, session=session)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["author_id"] == author.id


def test_primary_keys_and_server_defaults_are_left_out_of_all_fields() -> None:
    names = [field.name for field in AllFieldsForm()]

    assert "id" not in names
    assert "created" not in names


def test_a_column_without_a_fitting_field_is_left_out_of_all_fields() -> None:
    assert "extra" not in [field.name for field in AllFieldsForm()]


def test_a_listed_primary_key_gets_a_field() -> None:
    form_class = modelform_factory(FormsAuthor, fields=["id", "name"])

    assert [field.name for field in form_class()] == ["id", "name"]


def test_a_listed_column_without_a_fitting_field_is_a_configuration_error() -> None:
    form_class = modelform_factory(FormsArticle, fields=["extra"])

    with pytest.raises(ImproperlyConfigured, match="'extra'"):
        form_class()


def test_fields_follow_the_order_of_meta_fields() -> None:
    form_class = modelform_factory(FormsArticle, fields=["kind", "title", "views"])

    assert [field.name for field in form_class()] == ["kind", "title", "views"]


def test_exclude_leaves_columns_out() -> None:
    form_class = modelform_factory(FormsArticle, exclude=["body", "views"])
    names = [field.name for field in form_class()]

    assert "body" not in names
    assert "views" not in names
    assert "title" in names


def test_a_declared_field_replaces_the_generated_one() -> None:
    class ShortTitleForm(ModelForm):
        title = IntegerField("Number", validators=[NumberRange(max=5)])

        class Meta:
            model = FormsArticle
            fields = ["title", "body"]

    form = ShortTitleForm()

    assert type(form.title).__name__ == "IntegerField"
    assert form.title.label.text == "Number"
    assert [field.name for field in form] == ["title", "body"]


def test_a_declared_field_outside_the_model_comes_last() -> None:
    class WithConfirmForm(ModelForm):
        confirm = StringField()

        class Meta:
            model = FormsAuthor
            fields = ["name"]

    assert [field.name for field in WithConfirmForm()] == ["name", "confirm"]


def test_meta_labels_and_help_texts_apply() -> None:
    form_class = modelform_factory(
        FormsArticle,
        fields=["title"],
        labels={"title": "Headline"},
        help_texts={"title": "Keep it short."},
    )
    form = form_class()

    assert form.title.label.text == "Headline"
    assert form.title.description == "Keep it short."


def test_meta_without_fields_or_exclude_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="needs `fields` or `exclude`"):

        class NoFieldsForm(ModelForm):
            class Meta:
                model = FormsAuthor


def test_an_unknown_field_in_meta_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"unknown field.*'nmae'"):

        class TypoForm(ModelForm):
            class Meta:
                model = FormsAuthor
                fields = ["nmae"]


def test_fields_given_as_one_string_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="write a list"):

        class StringFieldsForm(ModelForm):
            class Meta:
                model = FormsAuthor
                fields = "name"


def test_a_model_that_is_not_mapped_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="mapped model class"):

        class NotAModelForm(ModelForm):
            class Meta:
                model = dict
                fields = "__all__"


def test_a_model_form_without_a_model_cannot_be_built() -> None:
    with pytest.raises(ImproperlyConfigured, match="has no model"):
        ModelForm()


# Instances and saving


def test_an_instance_gives_the_initial_values(article: FormsArticle) -> None:
    form = ArticleForm(instance=article)

    assert form.title.data == "First"
    assert 'value="First"' in str(form)


def test_initial_overrides_the_instance(article: FormsArticle) -> None:
    assert ArticleForm(instance=article, initial={"title": "Other"}).title.data == "Other"


def test_save_creates_a_row(session: Session, article_data: dict[str, Any]) -> None:
    form = ArticleForm(article_data, session=session)

    assert form.is_valid(), form.errors
    saved = form.save()

    stored = session.scalars(select(FormsArticle)).one()
    assert stored is saved
    assert (stored.title, stored.views, stored.status) == ("Hello", 3, Status.PUBLISHED)


def test_save_flushes_so_the_row_has_its_key(
    session: Session, article_data: dict[str, Any]
) -> None:
    form = ArticleForm(article_data, session=session)
    form.is_valid()

    assert form.save().id is not None


def test_save_updates_the_instance(
    session: Session, article: FormsArticle, article_data: dict[str, Any]
) -> None:
    form = ArticleForm({**article_data, "title": "Renamed"}, instance=article, session=session)

    assert form.is_valid(), form.errors
    form.save()
    session.expire_all()

    assert session.get(FormsArticle, article.id).title == "Renamed"  # type: ignore[union-attr]


def test_save_without_commit_leaves_the_session_alone(
    session: Session, article_data: dict[str, Any]
) -> None:
    form = ArticleForm(article_data, session=session)
    form.is_valid()

    instance = form.save(commit=False)

    assert instance.title == "Hello"
    assert instance not in session


def test_a_blank_column_with_a_default_takes_the_default(
    session: Session, article_data: dict[str, Any]
) -> None:
    form = ArticleForm({**article_data, "views": ""}, session=session)
    form.is_valid()

    assert form.save().views == 0


def test_a_blank_nullable_column_is_stored_as_null(
    session: Session, article_data: dict[str, Any]
) -> None:
    form = ArticleForm({**article_data, "body": ""}, session=session)
    form.is_valid()

    assert form.save().body is None


def test_save_of_an_invalid_form_raises(session: Session) -> None:
    form = ArticleForm({}, session=session)

    with pytest.raises(FormSaveError, match="could not be created"):
        form.save()


def test_form_save_error_is_a_value_error() -> None:
    assert issubclass(FormSaveError, ValueError)


def test_clean_hooks_run_on_model_forms(session: Session) -> None:
    class ShoutingAuthorForm(AuthorForm):
        def clean_name(self, value: str) -> str:
            if value.islower():
                raise ValidationError("Capitalize the name.")
            return value.upper()

    refused = ShoutingAuthorForm({"name": "bob"}, session=session)
    accepted = ShoutingAuthorForm({"name": "Bob"}, session=session)

    assert refused.errors == {"name": ["Capitalize the name."]}
    assert accepted.is_valid()
    assert accepted.save().name == "BOB"


# Unique values


def test_a_taken_unique_value_is_a_field_error(session: Session, author: FormsAuthor) -> None:
    form = AuthorForm({"name": "Ada"}, session=session)

    assert not form.is_valid()
    assert form.errors == {"name": ["FormsAuthor with this Name already exists."]}


def test_an_instance_keeps_its_own_unique_value(session: Session, author: FormsAuthor) -> None:
    form = AuthorForm({"name": "Ada"}, instance=author, session=session)

    assert form.is_valid(), form.errors


def test_a_taken_value_of_a_unique_pair_is_a_form_error(session: Session) -> None:
    session.add(FormsEdition(year=2024, number=1))
    session.flush()

    form = EditionForm({"year": "2024", "number": "1"}, session=session)

    assert not form.is_valid()
    assert form.non_field_errors() == ["FormsEdition with this Year and Number already exists."]


def test_a_free_value_of_a_unique_pair_is_valid(session: Session) -> None:
    session.add(FormsEdition(year=2024, number=1))
    session.flush()

    assert EditionForm({"year": "2024", "number": "2"}, session=session).is_valid()


def test_a_value_taken_after_validation_is_refused_by_save(session: Session) -> None:
    form = AuthorForm({"name": "Grace"}, session=session)
    assert form.is_valid()
    session.add(FormsAuthor(name="Grace"))
    session.flush()

    with pytest.raises(FormSaveError, match="database refused"):
        form.save()

    assert form.errors == {"name": ["FormsAuthor with this Name already exists."]}


def test_a_refused_save_leaves_the_session_usable(session: Session) -> None:
    form = AuthorForm({"name": "Grace"}, session=session)
    form.is_valid()
    session.add(FormsAuthor(name="Grace"))
    session.flush()

    with pytest.raises(FormSaveError):
        form.save()

    assert form.instance not in session
    assert session.scalars(select(FormsAuthor.name)).all() == ["Grace"]


def test_a_refused_update_leaves_the_row_as_it_was(session: Session, author: FormsAuthor) -> None:
    other = FormsAuthor(name="Other")
    session.add(other)
    session.flush()
    form = AuthorForm({"name": "Ada"}, instance=other, session=session)
    form.validate_unique = lambda: None  # type: ignore[method-assign]  # as if raced
    form.is_valid()

    with pytest.raises(FormSaveError):
        form.save()

    session.expire_all()
    assert session.get(FormsAuthor, other.id).name == "Other"  # type: ignore[union-attr]


def test_modelform_factory_builds_a_working_form(session: Session) -> None:
    form_class = modelform_factory(FormsAuthor, fields=["name"])
    form = form_class({"name": "Linus"}, session=session)

    assert form_class.__name__ == "FormsAuthorForm"
    assert form.is_valid()
    assert form.save().name == "Linus"


def test_without_a_session_the_current_one_checks_unique_values(db: Session) -> None:
    db.add(FormsAuthor(name="Ada"))
    db.flush()

    form = AuthorForm({"name": "Ada"})

    assert form.errors == {"name": ["FormsAuthor with this Name already exists."]}


def test_without_a_session_save_writes_to_the_current_one(db: Session) -> None:
    form = AuthorForm({"name": "Barbara"})
    form.is_valid()

    form.save()

    assert db.scalars(select(FormsAuthor.name)).all() == ["Barbara"]
