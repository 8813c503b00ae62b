"""StoaSession.get(): the prepared SELECT of simple models answers exactly as Session.get().

Most tests run twice, on SQLAlchemy's own Session and on StoaSession, with the same
expectations (the objects returned, the SQL sent); `fallbacks` shows which path a
StoaSession took, so the prepared SELECT is known to be what was tested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, ForeignKey, String, Table, delete, inspect, select, text, update
from sqlalchemy.exc import InvalidRequestError, SAWarning
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload
from sqlalchemy.orm.util import identity_key

from orm import Model
from orm.session import Databases, StoaSession
from tests.dbfixtures import Statements
from tests.orm.models import OrmAuthor, OrmBook, OrmCounter, OrmEdition

# Models of this module only (their tables are created and dropped per test).


class FastGetAnimal(Model):
    """Single-table inheritance: the base."""

    __tablename__ = "fast_get_animal"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "animal"}


class FastGetDog(FastGetAnimal):
    __tablename__ = None  # type: ignore[assignment]  # single-table: the base's table

    __mapper_args__ = {"polymorphic_identity": "dog"}


class FastGetCat(FastGetAnimal):
    __tablename__ = None  # type: ignore[assignment]

    __mapper_args__ = {"polymorphic_identity": "cat"}


class FastGetVehicle(Model):
    """Joined-table inheritance: the base."""

    __tablename__ = "fast_get_vehicle"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    wheels: Mapped[int] = mapped_column(default=0)

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "vehicle"}


class FastGetCar(FastGetVehicle):
    __tablename__ = "fast_get_car"

    id: Mapped[int] = mapped_column(ForeignKey("fast_get_vehicle.id"), primary_key=True)
    seats: Mapped[int] = mapped_column(default=4)

    __mapper_args__ = {"polymorphic_identity": "car"}


class FastGetShelf(Model):
    """Loads its items in the same SELECT (a joined eager collection)."""

    __tablename__ = "fast_get_shelf"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    items: Mapped[list[FastGetItem]] = relationship(
        back_populates="shelf", lazy="joined", order_by="FastGetItem.id"
    )


class FastGetItem(Model):
    """Loads its author in the same SELECT (a joined eager many-to-one)."""

    __tablename__ = "fast_get_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    shelf_id: Mapped[int] = mapped_column(ForeignKey("fast_get_shelf.id"))
    shelf: Mapped[FastGetShelf] = relationship(back_populates="items")
    author_id: Mapped[int] = mapped_column(ForeignKey("orm_author.id"))
    author: Mapped[OrmAuthor] = relationship(lazy="joined")


FAST_GET_TABLES: list[Table] = [
    FastGetAnimal.__table__,  # type: ignore[list-item]
    FastGetVehicle.__table__,  # type: ignore[list-item]
    FastGetCar.__table__,  # type: ignore[list-item]
    FastGetShelf.__table__,  # type: ignore[list-item]
    FastGetItem.__table__,  # type: ignore[list-item]
]

SESSION_CLASSES = [
    pytest.param(Session, id="sqlalchemy"),
    pytest.param(StoaSession, id="stoa"),
]

MakeSession = Callable[[], Session]


@pytest.fixture
def tables(engine: Engine) -> Iterator[Engine]:
    """The `engine` fixture with this module's tables too, and a few rows."""
    Model.metadata.drop_all(engine, tables=FAST_GET_TABLES)
    Model.metadata.create_all(engine, tables=FAST_GET_TABLES)
    with Session(engine) as session:
        ada = OrmAuthor(id=1, name="Ada")
        session.add_all(
            [
                ada,
                OrmAuthor(id=2, name="Grace"),
                OrmBook(id=10, title="Notes", author=ada),
                OrmBook(id=11, title="Sketches", author=ada),
                OrmCounter(name="hits", value=3),
                OrmEdition(isbn="978-0", number=1, title="First"),
                OrmEdition(isbn="978-0", number=2, title="Second"),
                FastGetDog(id=1, name="Rex"),
                FastGetCat(id=2, name="Tom"),
                FastGetAnimal(id=3, name="Generic"),
                FastGetCar(id=1, wheels=4, seats=5),
                FastGetVehicle(id=2, wheels=2),
            ]
        )
        session.flush()
        shelf = FastGetShelf(id=1, name="Top")
        session.add(shelf)
        session.add_all(
            [
                FastGetItem(id=1, title="Lamp", shelf=shelf, author_id=2),
                FastGetItem(id=2, title="Vase", shelf=shelf, author_id=2),
            ]
        )
        session.commit()
    try:
        yield engine
    finally:
        engine.dispose()
        Model.metadata.drop_all(engine, tables=FAST_GET_TABLES)


@pytest.fixture(params=SESSION_CLASSES)
def session_class(request: pytest.FixtureRequest) -> type[Session]:
    cls: type[Session] = request.param
    return cls


@pytest.fixture
def make_session(tables: Engine, session_class: type[Session]) -> Iterator[MakeSession]:
    """Sessions of `session_class` as Stoa configures them (closed after the test)."""
    made: list[Session] = []

    def make() -> Session:
        session = session_class(bind=tables, expire_on_commit=False)
        made.append(session)
        return session

    try:
        yield make
    finally:
        for session in made:
            session.close()


@pytest.fixture
def session(make_session: MakeSession) -> Session:
    return make_session()


@pytest.fixture
def fallbacks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any, dict[str, Any]]]:
    """The calls that reached SQLAlchemy's own Session.get()."""
    calls: list[tuple[Any, Any, dict[str, Any]]] = []
    original = Session.get

    def spy(self: Session, entity: Any, ident: Any, **kwargs: Any) -> Any:
        calls.append((entity, ident, kwargs))
        return original(self, entity, ident, **kwargs)

    monkeypatch.setattr(Session, "get", spy)
    return calls


def took_prepared_select(session: Session, fallbacks: list[Any]) -> bool:
    """Whether StoaSession answered without SQLAlchemy's get() (always True for Session)."""
    return not isinstance(session, StoaSession) or not fallbacks


def took_sqlalchemys_get(session: Session, fallbacks: list[Any]) -> bool:
    return not isinstance(session, StoaSession) or bool(fallbacks)


def sql_of(statements: Statements, action: Callable[[], Any]) -> tuple[Any, list[str]]:
    """Run `action`; return its result and the SQL it sent."""
    statements.sql.clear()
    result = action()
    sent = list(statements.sql)
    statements.sql.clear()
    return result, sent


def change_elsewhere(engine: Engine, sql: str) -> None:
    """Change the database over a connection of its own (another request, another process)."""
    with engine.begin() as connection:
        connection.execute(text(sql))


# Stoa's sessions are StoaSessions


def test_stoa_session_factories_make_stoa_sessions(databases: Databases) -> None:
    for immediate in (False, True):
        with databases.session_factory(immediate=immediate)() as session:
            assert isinstance(session, StoaSession)
    sessions = databases.request_sessions()
    session = sessions.acquire(immediate=False)
    try:
        assert isinstance(session, StoaSession)
    finally:
        sessions.release(session)


def test_a_request_session_gets_an_object(databases: Databases, engine: Engine) -> None:
    change_elsewhere(engine, "INSERT INTO orm_author (id, name) VALUES (7, 'Ada')")
    sessions = databases.request_sessions()
    for immediate in (False, True):
        session = sessions.acquire(immediate=immediate)
        try:
            author = session.get(OrmAuthor, 7)
            assert author is not None
            assert author.name == "Ada"
            assert session.get(OrmAuthor, 8) is None
        finally:
            sessions.release(session)


# The identity map


def test_an_object_loaded_by_a_query_is_returned_without_sql(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    ada = session.scalars(select(OrmAuthor).where(OrmAuthor.name == "Ada")).one()

    got, sent = sql_of(statements, lambda: session.get(OrmAuthor, 1))

    assert got is ada
    assert sent == []


def test_a_get_loads_with_one_select_and_lands_in_the_identity_map(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    ada, sent = sql_of(statements, lambda: session.get(OrmAuthor, 1))

    assert took_prepared_select(session, fallbacks)
    assert isinstance(ada, OrmAuthor)
    assert (ada.id, ada.name) == (1, "Ada")
    assert len(sent) == 1
    assert sent[0].startswith("SELECT")
    state = inspect(ada)
    assert state.persistent
    assert state.session is session
    assert state.key == identity_key(OrmAuthor, 1)
    assert session.identity_map[identity_key(OrmAuthor, 1)] is ada
    # The same object again: from the identity map, and from a query.
    again, sent = sql_of(statements, lambda: session.get(OrmAuthor, 1))
    assert again is ada
    assert sent == []
    assert session.scalars(select(OrmAuthor).where(OrmAuthor.id == 1)).one() is ada


def test_the_same_sql_is_sent_as_by_sqlalchemy(tables: Engine, statements: Statements) -> None:
    with Session(tables) as plain, StoaSession(tables) as stoa:
        _, plain_sql = sql_of(statements, lambda: plain.get(OrmAuthor, 2))
        _, stoa_sql = sql_of(statements, lambda: stoa.get(OrmAuthor, 2))

    normalized = [sql.replace("stoa_pk", "pk_1") for sql in stoa_sql]
    assert normalized == plain_sql


def test_objects_of_two_models_with_the_same_pk_are_kept_apart(
    session: Session, statements: Statements
) -> None:
    author = session.get(OrmAuthor, 1)

    item, sent = sql_of(statements, lambda: session.get(FastGetItem, 1))

    assert isinstance(author, OrmAuthor)
    assert isinstance(item, FastGetItem)
    assert len(sent) == 1  # not the author's identity
    assert session.get(OrmAuthor, 1) is author


def test_a_string_primary_key(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    counter, sent = sql_of(statements, lambda: session.get(OrmCounter, "hits"))

    assert took_prepared_select(session, fallbacks)
    assert counter is not None
    assert counter.value == 3
    assert len(sent) == 1
    assert session.get(OrmCounter, "misses") is None


# Missing, deleted, expired, pending


def test_a_missing_primary_key_is_none(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    missing, sent = sql_of(statements, lambda: session.get(OrmAuthor, 999))

    assert missing is None
    assert len(sent) == 1
    assert took_prepared_select(session, fallbacks)
    # Nothing was remembered: a row inserted since is found.
    session.add(OrmAuthor(id=999, name="Late"))
    session.flush()
    found = session.get(OrmAuthor, 999)
    assert found is not None
    assert found.name == "Late"


def test_an_object_deleted_and_flushed_is_none(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    ada = session.get(OrmAuthor, 1)
    session.delete(ada)
    session.flush()

    gone, sent = sql_of(statements, lambda: session.get(OrmAuthor, 1))

    assert gone is None
    assert len(sent) == 1  # asked the database, in this session's transaction


def test_an_object_deleted_but_not_flushed_is_still_returned(session: Session) -> None:
    # SQLAlchemy's get() answers from the identity map, which still holds it.
    ada = session.get(OrmAuthor, 1)
    session.delete(ada)

    assert session.get(OrmAuthor, 1) is ada


def test_an_object_deleted_by_a_rolled_back_flush_is_back(session: Session) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    session.delete(ada)
    session.flush()
    session.rollback()

    again = session.get(OrmAuthor, 1)

    assert again is ada
    assert again.name == "Ada"


def test_an_object_inserted_by_a_rolled_back_flush_is_gone(session: Session) -> None:
    session.add(OrmAuthor(id=50, name="Brief"))
    session.flush()
    session.rollback()

    assert session.get(OrmAuthor, 50) is None


def test_an_expired_object_is_refreshed(
    session: Session, tables: Engine, statements: Statements
) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    session.commit()  # expire_on_commit=False: still loaded, transaction over
    change_elsewhere(tables, "UPDATE orm_author SET name = 'Ada L.' WHERE id = 1")
    assert ada.name == "Ada"
    session.expire(ada)

    again, sent = sql_of(statements, lambda: session.get(OrmAuthor, 1))

    assert again is ada
    assert len(sent) == 1
    assert ada.name == "Ada L."


def test_an_expired_object_deleted_elsewhere_is_none(session: Session, tables: Engine) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    session.commit()
    change_elsewhere(tables, "DELETE FROM orm_book WHERE author_id = 1")
    change_elsewhere(tables, "DELETE FROM orm_author WHERE id = 1")
    session.expire(ada)

    assert session.get(OrmAuthor, 1) is None
    assert session.get(OrmAuthor, 1) is None  # and again, once forgotten


def test_a_loaded_object_is_not_refreshed_by_get(session: Session, tables: Engine) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    session.commit()
    change_elsewhere(tables, "UPDATE orm_author SET name = 'Ada L.' WHERE id = 1")

    assert session.get(OrmAuthor, 1) is ada
    assert ada.name == "Ada"


def test_a_pending_object_is_flushed_and_found(
    session: Session, tables: Engine, statements: Statements, fallbacks: list[Any]
) -> None:
    pending = OrmAuthor(id=42, name="Pending")
    session.add(pending)

    found, sent = sql_of(statements, lambda: session.get(OrmAuthor, 42))

    assert found is pending
    assert inspect(pending).persistent
    assert [sql.split()[0] for sql in sent] == ["INSERT", "SELECT"]
    assert took_prepared_select(session, fallbacks)


def test_without_autoflush_a_pending_object_is_not_found(session: Session) -> None:
    session.add(OrmAuthor(id=42, name="Pending"))

    with session.no_autoflush:
        assert session.get(OrmAuthor, 42) is None
    assert session.get(OrmAuthor, 42) is not None


def test_a_pending_change_is_flushed_before_the_select(session: Session) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    ada.name = "Changed"  # unflushed; the SELECT must see it, not overwrite it
    session.add(OrmAuthor(id=43, name="Other"))

    other = session.get(OrmAuthor, 43)

    assert other is not None
    assert ada.name == "Changed"
    assert session.scalars(select(OrmAuthor.name).where(OrmAuthor.id == 1)).one() == "Changed"


# Primary keys of other types than the column's


def outcome(action: Callable[[], Any]) -> tuple[str, Any]:
    """What `action` gave: ("value", what describes it) or ("error", the exception's type)."""
    try:
        value = action()
    except Exception as exc:  # noqa: BLE001 (compared, not hidden)
        return ("error", type(exc))
    if isinstance(value, OrmAuthor):
        return ("value", (type(value), value.id, value.name))
    return ("value", value)


@pytest.mark.parametrize("ident", ["1", "999", "x", 1.0, True, 2**40])
def test_a_primary_key_of_another_type_gives_what_sqlalchemy_gives(
    tables: Engine, ident: Any
) -> None:
    with Session(tables) as plain, StoaSession(tables) as stoa:
        expected = outcome(lambda: plain.get(OrmAuthor, ident))
        got = outcome(lambda: stoa.get(OrmAuthor, ident))

    assert got == expected


@pytest.mark.parametrize("ident", ["1", 1.0, True])
def test_an_equal_primary_key_of_another_type_finds_the_loaded_object(
    session: Session, statements: Statements, ident: Any
) -> None:
    ada = session.get(OrmAuthor, 1)

    again, sent = sql_of(statements, lambda: session.get(OrmAuthor, ident))

    assert again is ada
    # 1.0 and True are equal to 1 (the identity map finds them); "1" is asked for.
    assert len(sent) == (1 if isinstance(ident, str) else 0)


def test_a_none_primary_key_warns_as_sqlalchemy_does(session: Session) -> None:
    with pytest.warns(SAWarning, match="fully NULL primary key"):
        assert session.get(OrmAuthor, None) is None


def test_a_class_that_is_not_a_model_is_refused(tables: Engine) -> None:
    with Session(tables) as plain, StoaSession(tables) as stoa:
        expected = outcome(lambda: plain.get(int, 1))
        got = outcome(lambda: stoa.get(int, 1))
        assert outcome(lambda: stoa.get(int, 1)) == got  # (its refusal is remembered)

    assert expected[0] == "error"
    assert got == expected


# What is left to SQLAlchemy's get()


@pytest.mark.parametrize("ident", [(1,), [1], {"id": 1}], ids=["tuple", "list", "dict"])
def test_a_primary_key_as_a_tuple_list_or_dict(
    session: Session, fallbacks: list[Any], ident: Any
) -> None:
    ada = session.get(OrmAuthor, ident)

    assert ada is not None
    assert ada.name == "Ada"
    assert took_sqlalchemys_get(session, fallbacks)
    assert session.get(OrmAuthor, 1) is ada


def test_a_mapper_instead_of_a_class(session: Session, fallbacks: list[Any]) -> None:
    ada = session.get(inspect(OrmAuthor), 1)

    assert isinstance(ada, OrmAuthor)
    assert took_sqlalchemys_get(session, fallbacks)


def test_a_composite_primary_key(session: Session, fallbacks: list[Any]) -> None:
    first = session.get(OrmEdition, ("978-0", 1))
    second = session.get(OrmEdition, {"isbn": "978-0", "number": 2})

    assert first is not None
    assert first.title == "First"
    assert second is not None
    assert second.title == "Second"
    assert session.get(OrmEdition, ("978-0", 3)) is None
    assert session.get(OrmEdition, ("978-0", 1)) is first
    assert took_sqlalchemys_get(session, fallbacks)


def test_a_composite_primary_key_needs_every_column(session: Session) -> None:
    with pytest.raises(InvalidRequestError, match="Incorrect number of values"):
        session.get(OrmEdition, "978-0")


def test_options_are_applied(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    ada, sent = sql_of(
        statements, lambda: session.get(OrmAuthor, 1, options=[selectinload(OrmAuthor.books)])
    )

    assert ada is not None
    assert len(sent) == 2  # the author, then the books
    titles, sent = sql_of(statements, lambda: [book.title for book in ada.books])
    assert titles == ["Notes", "Sketches"]
    assert sent == []
    assert took_sqlalchemys_get(session, fallbacks)


def test_populate_existing_overwrites_the_loaded_object(
    session: Session, tables: Engine, fallbacks: list[Any]
) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    session.commit()
    change_elsewhere(tables, "UPDATE orm_author SET name = 'Ada L.' WHERE id = 1")

    again = session.get(OrmAuthor, 1, populate_existing=True)

    assert again is ada
    assert ada.name == "Ada L."
    assert took_sqlalchemys_get(session, fallbacks)


def test_with_for_update_locks_the_row(
    session: Session, statements: Statements, backend: str, fallbacks: list[Any]
) -> None:
    ada = session.get(OrmAuthor, 1)

    again, sent = sql_of(statements, lambda: session.get(OrmAuthor, 1, with_for_update=True))

    assert again is ada
    assert len(sent) == 1  # asked again, whatever the identity map holds
    if backend == "postgresql":
        assert sent[0].endswith("FOR UPDATE")
    assert took_sqlalchemys_get(session, fallbacks)


def test_execution_options_are_passed_on(session: Session, fallbacks: list[Any]) -> None:
    ada = session.get(OrmAuthor, 1, execution_options={"populate_existing": False})

    assert ada is not None
    assert ada.name == "Ada"
    assert took_sqlalchemys_get(session, fallbacks)


# Inheritance


def test_single_table_inheritance_returns_the_subclass(
    session: Session, fallbacks: list[Any]
) -> None:
    rex = session.get(FastGetAnimal, 1)
    tom = session.get(FastGetCat, 2)
    generic = session.get(FastGetAnimal, 3)

    assert type(rex) is FastGetDog
    assert rex.name == "Rex"
    assert type(tom) is FastGetCat
    assert type(generic) is FastGetAnimal
    assert session.get(FastGetDog, 1) is rex
    assert took_sqlalchemys_get(session, fallbacks)


def test_single_table_inheritance_refuses_the_wrong_subclass(session: Session) -> None:
    assert session.get(FastGetCat, 1) is None  # from the database: a dog
    assert session.get(FastGetDog, 3) is None  # a plain animal
    rex = session.get(FastGetDog, 1)
    assert rex is not None

    assert session.get(FastGetCat, 1) is None  # from the identity map: still a dog


def test_joined_inheritance_returns_the_subclass_with_its_columns(
    session: Session, fallbacks: list[Any]
) -> None:
    car = session.get(FastGetVehicle, 1)
    bike = session.get(FastGetVehicle, 2)

    assert type(car) is FastGetCar
    assert (car.wheels, car.seats) == (4, 5)
    assert type(bike) is FastGetVehicle
    assert session.get(FastGetCar, 1) is car
    assert session.get(FastGetCar, 2) is None
    assert took_sqlalchemys_get(session, fallbacks)


def test_joined_inheritance_by_the_subclass(make_session: MakeSession) -> None:
    session = make_session()

    car = session.get(FastGetCar, 1)

    assert isinstance(car, FastGetCar)
    assert (car.kind, car.wheels, car.seats) == ("car", 4, 5)
    assert session.get(FastGetVehicle, 1) is car


# Attributes and relationships of what get() loaded


def test_a_lazy_collection_loads_on_access(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None

    titles, sent = sql_of(statements, lambda: [book.title for book in ada.books])

    assert titles == ["Notes", "Sketches"]
    assert len(sent) == 1
    assert took_prepared_select(session, fallbacks)


def test_a_lazy_many_to_one_comes_from_the_identity_map(
    session: Session, statements: Statements
) -> None:
    ada = session.get(OrmAuthor, 1)
    book = session.get(OrmBook, 10)
    assert book is not None

    author, sent = sql_of(statements, lambda: book.author)

    assert author is ada
    assert sent == []


def test_a_lazy_many_to_one_loads_on_access(session: Session, statements: Statements) -> None:
    book = session.get(OrmBook, 11)
    assert book is not None

    author, sent = sql_of(statements, lambda: book.author)

    assert author is not None
    assert author.name == "Ada"
    assert session.get(OrmAuthor, 1) is author
    assert len(sent) <= 1


def test_a_joined_eager_many_to_one_comes_in_the_same_select(
    session: Session, statements: Statements, fallbacks: list[Any]
) -> None:
    item, sent = sql_of(statements, lambda: session.get(FastGetItem, 1))

    assert item is not None
    assert len(sent) == 1
    assert "JOIN" in sent[0]
    # Joined eager loads need SQLAlchemy's uniquing of rows: its own get() answers.
    assert took_sqlalchemys_get(session, fallbacks)
    author, sent = sql_of(statements, lambda: item.author)
    assert author.name == "Grace"
    assert sent == []
    assert session.get(OrmAuthor, 2) is author


def test_changes_to_a_loaded_object_are_saved(session: Session, tables: Engine) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    ada.name = "Ada Lovelace"
    ada.books.append(OrmBook(id=12, title="Analytical"))
    session.commit()

    with Session(tables) as other:
        saved = other.get(OrmAuthor, 1)
        assert saved is not None
        assert saved.name == "Ada Lovelace"
        assert [book.title for book in saved.books] == ["Notes", "Sketches", "Analytical"]


def test_a_deleted_object_cascades(session: Session, tables: Engine) -> None:
    ada = session.get(OrmAuthor, 1)
    session.delete(ada)
    session.commit()

    with tables.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM orm_book")).scalar_one() == 0


def test_a_get_after_a_bulk_update_sees_the_identity_map_as_sqlalchemy_does(
    session: Session,
) -> None:
    ada = session.get(OrmAuthor, 1)
    assert ada is not None
    session.execute(update(OrmAuthor).where(OrmAuthor.id == 1).values(name="Bulk"))
    session.execute(delete(OrmBook).where(OrmBook.author_id == 2))

    assert session.get(OrmAuthor, 1) is ada
    assert ada.name == "Bulk"  # synchronize_session="auto" updated it


# Cases SQLAlchemy's own get() keeps


def test_a_joined_eager_collection_loads_as_with_sqlalchemy(tables: Engine) -> None:
    with Session(tables) as plain:
        expected = plain.get(FastGetShelf, 1)
        assert expected is not None
        expected_titles = [item.title for item in expected.items]
    assert expected_titles == ["Lamp", "Vase"]

    with StoaSession(tables) as stoa:
        shelf = stoa.get(FastGetShelf, 1)  # InvalidRequestError: unique() must be invoked
        assert shelf is not None
        assert [item.title for item in shelf.items] == expected_titles


@pytest.mark.parametrize("kind", ["row", "set"])
def test_a_primary_key_as_another_iterable_works_as_with_sqlalchemy(
    tables: Engine, kind: str
) -> None:
    with Session(tables) as plain:
        row = plain.execute(select(OrmAuthor.id).where(OrmAuthor.id == 1)).one()
        ident: Any = row if kind == "row" else {1}
        assert outcome(lambda: plain.get(OrmAuthor, ident))[0] == "value"
    with StoaSession(tables) as stoa:
        ada = stoa.get(OrmAuthor, ident)  # Row: the driver refuses it; set: unhashable
        assert ada is not None
        assert ada.name == "Ada"
