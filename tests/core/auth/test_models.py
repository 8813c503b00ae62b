"""core.auth.models: users through the db fixture, passwords, groups and permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import get_user_model
from core.auth.models import AnonymousUser, Group, Permission, User
from core.exceptions import ImproperlyConfigured
from tests.core.auth.conftest import PASSWORD

STRONGER = "tests.core.auth.hashers.StrongerPBKDF2PasswordHasher"


def test_a_user_is_created_and_read_back(db: Session, user: User) -> None:
    found = db.scalars(select(User).where(User.username == "ada")).one()
    assert found.id == user.id
    assert found.is_active
    assert not found.is_staff
    assert not found.is_superuser
    assert found.last_login is None
    assert found.date_joined is not None


def test_the_password_is_stored_hashed(user: User) -> None:
    assert user.password.startswith("pbkdf2_sha256$")
    assert PASSWORD not in user.password


def test_check_password(user: User) -> None:
    assert user.check_password(PASSWORD)
    assert not user.check_password("wrong")


def test_check_password_rehashes_when_the_iterations_change(user: User, settings: Any) -> None:
    settings.PASSWORD_HASHERS = [STRONGER]
    assert user.check_password(PASSWORD)
    assert user.password.startswith("pbkdf2_sha256$200$")


def test_an_unusable_password(user: User) -> None:
    user.set_unusable_password()
    assert not user.has_usable_password()
    assert not user.check_password(PASSWORD)


def test_a_user_is_updated_and_deleted(db: Session, user: User) -> None:
    user.email = "ada@example.com"
    db.flush()
    assert db.scalar(select(User.email).where(User.id == user.id)) == "ada@example.com"
    db.delete(user)
    db.flush()
    assert db.get(User, user.id) is None


def test_usernames_are_unique(db: Session, make_user: Callable[..., User]) -> None:
    from sqlalchemy.exc import IntegrityError

    make_user("ada")
    with pytest.raises(IntegrityError), db.begin_nested():
        make_user("ada")


def test_identity_flags() -> None:
    assert User(username="x").is_authenticated
    assert not User(username="x").is_anonymous
    anonymous = AnonymousUser()
    assert not anonymous.is_authenticated
    assert anonymous.is_anonymous
    assert not anonymous.has_perm("blog.view_article")
    assert anonymous.get_all_permissions() == set()


def permission(db: Session, codename: str) -> Permission:
    perm = Permission(codename=codename, name=codename)
    db.add(perm)
    db.flush()
    return perm


def test_direct_permissions(db: Session, user: User) -> None:
    user.user_permissions.append(permission(db, "blog.change_article"))
    db.flush()
    assert user.has_perm("blog.change_article")
    assert not user.has_perm("blog.delete_article")


def test_permissions_through_a_group(db: Session, user: User) -> None:
    editors = Group(name="editors", permissions=[permission(db, "blog.change_article")])
    user.groups.append(editors)
    db.flush()
    assert user.get_group_permissions() == {"blog.change_article"}
    assert user.has_perms(["blog.change_article"])
    assert user.has_module_perms("blog")


def test_a_superuser_has_every_permission(db: Session, make_user: Callable[..., User]) -> None:
    permission(db, "blog.change_article")
    boss = make_user("boss", is_superuser=True)
    assert boss.has_perm("anything.at_all")
    assert "blog.change_article" in boss.get_all_permissions()


def test_an_inactive_user_has_none(db: Session, make_user: Callable[..., User]) -> None:
    idle = make_user("idle", is_active=False, is_superuser=True)
    idle.user_permissions.append(permission(db, "blog.change_article"))
    assert not idle.has_perm("blog.change_article")
    assert idle.get_all_permissions() == set()


def test_the_session_hash_changes_with_the_password(user: User) -> None:
    before = user.get_session_auth_hash()
    user.set_password("another pass phrase entirely")
    assert user.get_session_auth_hash() != before


def test_get_user_model_is_the_setting() -> None:
    assert get_user_model() is User


def test_a_wrong_user_model_names_the_setting(settings: Any) -> None:
    settings.AUTH_USER_MODEL = "core.auth.models.Nobody"
    with pytest.raises(ImproperlyConfigured, match="AUTH_USER_MODEL"):
        get_user_model()


def test_a_user_model_outside_installed_apps_is_refused(settings: Any) -> None:
    settings.INSTALLED_APPS = ["tests.project"]
    with pytest.raises(ImproperlyConfigured, match="not in INSTALLED_APPS"):
        get_user_model()
