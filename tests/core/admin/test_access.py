"""Who gets into the admin: active staff only, each page behind its model permission."""

from __future__ import annotations

import pytest

NOVELS = "/admin/library/novel/"


def test_anonymous_is_sent_to_the_admin_login(make_client, novels):
    response = make_client().get(NOVELS)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/?next=")


def test_anonymous_cannot_tell_which_models_exist(make_client):
    response = make_client().get("/admin/library/no_such_model/")

    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


def test_non_staff_user_gets_403(make_client, make_user, novels):
    client = make_client(make_user("visitor", "library.view_novel"))

    response = client.get(NOVELS)

    assert response.status_code == 403
    assert "Emma" not in response.text


def test_inactive_staff_user_is_not_let_in(make_client, make_user, db):
    user = make_user("gone", is_staff=True, is_superuser=True)
    client = make_client(user)
    user.is_active = False
    db.flush()

    response = client.get("/admin/")

    assert response.status_code in (302, 403)
    assert "Site administration" not in response.text


def test_staff_without_rights_sees_an_empty_index(make_client, make_user, novels):
    client = make_client(make_user("clerk", is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Nothing to manage yet" in response.text
    assert "Novels" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        NOVELS,
        f"{NOVELS}add/",
        f"{NOVELS}{{id}}/change/",
        f"{NOVELS}{{id}}/delete/",
        f"{NOVELS}{{id}}/history/",
    ],
)
def test_staff_without_rights_gets_403_and_no_data(make_client, make_user, novels, path):
    client = make_client(make_user("clerk", is_staff=True))

    response = client.get(path.format(id=novels[0].id))

    assert response.status_code == 403
    assert "Emma" not in response.text


def test_view_permission_shows_the_list_and_a_read_only_form(make_client, make_user, novels):
    client = make_client(make_user("reader", "library.view_novel", is_staff=True))

    listing = client.get(NOVELS)
    page = client.get(f"{NOVELS}{novels[0].id}/change/")

    assert listing.status_code == 200
    assert "Emma" in listing.text
    assert "Add novel" not in listing.text
    assert "delete_selected" not in listing.text
    assert page.status_code == 200
    assert "View novel" in page.text
    assert 'name="title"' not in page.text
    assert "Emma" in page.text
    assert '<div class="readonly-value">Jane Austen</div>' in page.text


def test_view_permission_cannot_post_a_change(make_client, make_user, novels, db):
    client = make_client(make_user("reader", "library.view_novel", is_staff=True))

    response = client.post(f"{NOVELS}{novels[0].id}/change/", {"title": "Hacked"})

    assert response.status_code == 403
    db.refresh(novels[0])
    assert novels[0].title == "Emma"


def test_add_permission_alone_allows_the_add_page_only(make_client, make_user, novels):
    client = make_client(make_user("adder", "library.add_novel", is_staff=True))

    assert client.get(f"{NOVELS}add/").status_code == 200
    assert client.get(NOVELS).status_code == 403
    assert client.get(f"{NOVELS}{novels[0].id}/delete/").status_code == 403


def test_a_user_who_may_only_add_goes_back_to_the_index(make_client, make_user, writers):
    client = make_client(make_user("adder", "library.add_writer", is_staff=True))

    response = client.post("/admin/library/writer/add/", {"name": "Mary Shelley", "born": ""})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_delete_permission_is_needed_to_delete(make_client, make_user, novels, db):
    from tests.core.admin.library.models import Novel

    client = make_client(make_user("editor", "library.change_novel", is_staff=True))

    response = client.post(f"{NOVELS}{novels[2].id}/delete/")

    assert response.status_code == 403
    assert db.get(Novel, novels[2].id) is not None


def test_index_lists_only_the_models_the_user_may_see(make_client, make_user, novels):
    client = make_client(make_user("reader", "library.view_writer", is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Writers" in response.text
    assert "Novels" not in response.text


def test_superuser_sees_every_registered_model(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert "Novels" in response.text
    assert "Writers" in response.text


@pytest.mark.parametrize(
    "key", ["abc", "1.5", "-", "99999999999999999999999", "%00", "1%20OR%201=1"]
)
def test_a_bad_object_id_is_404(admin_client, novels, key):
    response = admin_client.get(f"{NOVELS}{key}/change/")

    assert response.status_code == 404


def test_a_missing_object_is_404(admin_client):
    assert admin_client.get(f"{NOVELS}987654/change/").status_code == 404
    assert admin_client.get(f"{NOVELS}987654/delete/").status_code == 404
    assert admin_client.get(f"{NOVELS}987654/history/").status_code == 404


def test_an_unknown_model_is_404_for_staff(admin_client):
    assert admin_client.get("/admin/library/nothing/").status_code == 404
    assert admin_client.get("/admin/nothing/").status_code == 404


def test_the_bare_object_url_redirects_to_its_change_page(admin_client, novels):
    response = admin_client.get(f"{NOVELS}{novels[0].id}/")

    assert response.status_code == 301
    assert response.headers["Location"] == f"{NOVELS}{novels[0].id}/change/"


def test_admin_pages_are_never_cached(admin_client):
    response = admin_client.get(NOVELS)

    assert "no-store" in response.headers["Cache-Control"]


def test_the_public_site_is_untouched(make_client):
    response = make_client().get("/")

    assert response.status_code == 200
    assert response.text == "public page"
