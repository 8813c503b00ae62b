"""The view/add/change/delete permissions of every model (core.auth.permissions)."""

from __future__ import annotations

from sqlalchemy import select

from core.auth.models import Group, Permission, User
from core.auth.permissions import (
    create_permissions,
    installed_models,
    permission_codename,
    permission_name,
)
from tests.crud.models import Book, Shelf


def test_codenames_are_app_label_dot_action_underscore_model():
    assert permission_codename(User, "change") == "auth.change_user"
    assert permission_codename(Shelf, "view") == "crud.view_shelf"


def test_names_read_as_sentences():
    assert permission_name(Book, "delete") == "Can delete book"


def test_installed_models_are_those_of_the_installed_apps():
    models = installed_models()

    assert {User, Group, Permission, Shelf, Book} <= set(models)


def test_create_permissions_adds_four_per_model(db):
    created = create_permissions(db, [Shelf, Book])

    assert created == [
        "crud.add_shelf",
        "crud.change_shelf",
        "crud.delete_shelf",
        "crud.view_shelf",
        "crud.add_book",
        "crud.change_book",
        "crud.delete_book",
        "crud.view_book",
    ]
    assert db.scalar(select(Permission.name).where(Permission.codename == "crud.view_book")) == (
        "Can view book"
    )


def test_create_permissions_adds_only_what_is_missing(db):
    db.add(Permission(codename="crud.view_shelf", name="Can view shelf"))
    db.flush()

    created = create_permissions(db, [Shelf])

    assert "crud.view_shelf" not in created
    assert len(created) == 3
    assert create_permissions(db, [Shelf]) == []


def test_created_permissions_work_with_has_perm(db):
    create_permissions(db, [Shelf])
    user = User.create_user("clerk", "a long and unusual pass phrase", session=db)
    user.user_permissions.append(
        db.scalars(select(Permission).where(Permission.codename == "crud.change_shelf")).one()
    )
    db.flush()

    assert user.has_perm(permission_codename(Shelf, "change"))
    assert not user.has_perm(permission_codename(Shelf, "delete"))


def test_every_installed_model_by_default(db):
    created = create_permissions(db)

    assert "auth.view_user" in created
    assert "crud.add_book" in created
