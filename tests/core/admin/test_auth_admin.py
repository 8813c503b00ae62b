"""Users and groups in the admin (core.auth.admin): passwords never shown, groups chosen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.auth.admin import GroupAdmin, UserAdmin
from core.auth.models import Group, Permission, User
from tests.core.admin.conftest import PASSWORD

USERS = "/admin/auth/user/"


@pytest.fixture
def auth_site(site):
    site.register(User, UserAdmin)
    site.register(Group, GroupAdmin)
    return site


def test_the_add_form_asks_for_the_password_twice(admin_client, auth_site, db):
    page = admin_client.get(f"{USERS}add/")
    response = admin_client.post(
        f"{USERS}add/",
        {
            "username": "grace",
            "password1": "a new long pass phrase",
            "password2": "a new long pass phrase",
        },
    )

    assert 'name="password2"' in page.text
    assert response.status_code == 302
    user = db.scalars(select(User).where(User.username == "grace")).one()
    assert user.check_password("a new long pass phrase")
    assert not user.is_staff


def test_passwords_that_differ_are_refused(admin_client, auth_site, db):
    response = admin_client.post(
        f"{USERS}add/",
        {"username": "grace", "password1": "one long phrase", "password2": "another"},
    )

    assert response.status_code == 200
    assert "The two passwords differ." in response.text
    assert db.scalars(select(User).where(User.username == "grace")).first() is None


def test_the_change_page_never_shows_the_hash(admin_client, auth_site, superuser):
    response = admin_client.get(f"{USERS}{superuser.id}/change/")

    assert response.status_code == 200
    assert superuser.password not in response.text
    assert "pbkdf2" not in response.text
    assert "manage.py changepassword root" in response.text
    assert 'name="password"' not in response.text


def test_groups_and_permissions_are_chosen_with_multiple_selects(
    admin_client, auth_site, make_user, db
):
    editors = Group(name="Editors")
    permission = Permission(codename="library.change_novel", name="Can change novel")
    db.add_all([editors, permission])
    db.flush()
    user = make_user("clerk", is_staff=True)
    path = f"{USERS}{user.id}/change/"

    page = admin_client.get(path)
    response = admin_client.post(
        path,
        {
            "username": "clerk",
            "email": "",
            "is_active": "y",
            "is_staff": "y",
            "groups": [str(editors.id)],
            "user_permissions": [str(permission.id)],
        },
    )

    assert '<select id="groups" multiple name="groups">' in page.text
    assert response.status_code == 302, response.text
    db.refresh(user)
    assert [group.name for group in user.groups] == ["Editors"]
    assert user.has_perm("library.change_novel")


def test_a_group_is_made_with_its_permissions(admin_client, auth_site, db):
    permission = Permission(codename="library.view_novel", name="Can view novel")
    db.add(permission)
    db.flush()

    response = admin_client.post(
        "/admin/auth/group/add/", {"name": "Readers", "permissions": [str(permission.id)]}
    )

    assert response.status_code == 302
    group = db.scalars(select(Group).where(Group.name == "Readers")).one()
    assert [p.codename for p in group.permissions] == ["library.view_novel"]


def test_a_staff_user_given_a_group_gets_its_rights(make_client, make_user, auth_site, novels, db):
    readers = Group(name="Readers")
    readers.permissions.append(Permission(codename="library.view_novel", name="Can view novel"))
    db.add(readers)
    user = make_user("reader", is_staff=True)
    user.groups.append(readers)
    db.flush()

    response = make_client(user).get("/admin/library/novel/")

    assert response.status_code == 200
    assert "Emma" in response.text


def test_login_with_the_password_of_the_user_made_in_the_admin(make_client, make_user):
    make_user("boss", is_staff=True)
    client = make_client(csrf=True)

    response = client.submit("/admin/login/", {"username": "boss", "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
