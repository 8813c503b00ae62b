"""Add, change and delete through the admin; the history they leave; CSRF on every POST."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from tests.core.admin.library.models import Chapter, Novel, Writer

NOVELS = "/admin/library/novel/"


def novel_form(writer, **fields):
    data = {
        "title": "Middlemarch",
        "summary": "",
        "genre": "fiction",
        "in_print": "y",
        "published": "1871-12-01",
        "pages": "880",
        "writer_id": str(writer.id),
        "chapter-TOTAL_FORMS": "0",
        "chapter-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def test_add_saves_logs_and_redirects_to_the_list(admin_client, writers, db, superuser):
    response = admin_client.post(f"{NOVELS}add/", novel_form(writers[0]))

    assert response.status_code == 302
    assert response.headers["Location"] == NOVELS
    novel = db.scalars(select(Novel).where(Novel.title == "Middlemarch")).one()
    assert (novel.pages, novel.writer_id) == (880, writers[0].id)
    entry = db.scalars(select(LogEntry)).one()
    assert (entry.action_flag, entry.object_id, entry.username) == (
        ADDITION,
        str(novel.id),
        superuser.username,
    )


def test_add_shows_a_success_message(admin_client, writers):
    response = admin_client.post(f"{NOVELS}add/", novel_form(writers[0]), follow=True)

    assert response.status_code == 200
    assert "The novel “Middlemarch” was added successfully." in response.text


def test_add_with_errors_shows_them_and_keeps_the_values(admin_client, writers, db):
    response = admin_client.post(f"{NOVELS}add/", novel_form(writers[0], title="", pages="x<b>"))

    assert response.status_code == 200
    assert "Please correct the errors below." in response.text
    assert 'aria-invalid="true"' in response.text
    assert "x&lt;b&gt;" in response.text
    assert db.scalar(select(func.count()).select_from(Novel)) == 0


def test_save_and_continue_goes_to_the_change_page(admin_client, writers, db):
    response = admin_client.post(f"{NOVELS}add/", novel_form(writers[0], _continue="1"))

    novel = db.scalars(select(Novel)).one()
    assert response.headers["Location"] == f"{NOVELS}{novel.id}/change/"


def test_save_and_add_another_goes_to_the_add_page(admin_client, writers):
    response = admin_client.post(f"{NOVELS}add/", novel_form(writers[0], _addanother="1"))

    assert response.headers["Location"] == f"{NOVELS}add/"


def test_change_saves_and_logs_the_changed_fields(admin_client, novels, db):
    novel = novels[2]
    data = novel_form(novel.writer, title="The Odyssey", genre="poetry", in_print="y", published="")
    data.update(pages="")

    response = admin_client.post(f"{NOVELS}{novel.id}/change/", data)

    assert response.status_code == 302
    db.refresh(novel)
    assert novel.title == "The Odyssey"
    entry = db.scalars(select(LogEntry)).one()
    assert entry.action_flag == CHANGE
    assert entry.changes()["changed"] == ["Title"]
    assert entry.get_change_message() == "Changed Title."


def test_a_taken_unique_value_is_a_field_error_not_a_500(admin_client, writers, db):
    response = admin_client.post("/admin/library/writer/add/", {"name": "Homer", "born": ""})

    assert response.status_code == 200
    assert "Writer with this Name already exists." in response.text
    assert db.query(Writer).filter_by(name="Homer").count() == 1


def test_change_page_shows_readonly_fields_as_text(admin_client, novels):
    response = admin_client.get(f"{NOVELS}{novels[0].id}/change/")

    assert response.status_code == 200
    assert 'class="field readonly field-added"' in response.text
    assert 'name="added"' not in response.text


def test_delete_page_lists_what_cascades(admin_client, novels):
    response = admin_client.get(f"{NOVELS}{novels[0].id}/delete/")

    assert response.status_code == 200
    assert "Volume I" in response.text
    assert "Volume II" in response.text
    assert "2 related rows go with it." in response.text


def test_delete_removes_the_object_and_its_cascade_and_logs(admin_client, novels, db):
    novel_id = novels[0].id

    response = admin_client.post(f"{NOVELS}{novel_id}/delete/", follow=True)

    assert response.status_code == 200
    assert "was deleted successfully" in response.text
    assert db.get(Novel, novel_id) is None
    assert db.scalar(select(func.count()).select_from(Chapter)) == 0
    entry = db.scalars(select(LogEntry)).one()
    assert (entry.action_flag, entry.object_repr) == (DELETION, "Emma")


def test_delete_of_a_protected_object_is_refused(admin_client, novels, db):
    jane = novels[0].writer

    page = admin_client.get(f"/admin/library/writer/{jane.id}/delete/")
    response = admin_client.post(f"/admin/library/writer/{jane.id}/delete/", follow=True)

    assert page.status_code == 200
    assert "not allowed" in page.text
    assert "Yes, delete it" not in page.text
    assert response.status_code == 200
    assert "cannot be deleted" in response.text
    assert db.get(Writer, jane.id) is not None


def test_history_lists_the_changes_with_user_and_time(admin_client, novels, superuser):
    novel = novels[3]
    admin_client.post(f"{NOVELS}{novel.id}/change/", novel_form(novel.writer, title="Ilias"))

    response = admin_client.get(f"{NOVELS}{novel.id}/history/")

    assert response.status_code == 200
    assert "Changed Title" in response.text
    assert superuser.username in response.text
    assert "<time datetime=" in response.text


def test_user_data_is_escaped_everywhere(admin_client, writers, db):
    db.add(Novel(title="<script>alert(1)</script>{{ 7*7 }}", writer=writers[0]))
    db.flush()

    listing = admin_client.get(NOVELS)
    novel = db.scalars(select(Novel)).one()
    page = admin_client.get(f"{NOVELS}{novel.id}/change/")

    for response in (listing, page):
        assert "<script>alert(1)</script>" not in response.text
        assert "&lt;script&gt;" in response.text
        assert "{{ 7*7 }}" in response.text


def test_post_without_a_csrf_token_is_403(make_client, superuser, novels, db):
    client = make_client(superuser, csrf=True)

    response = client.post(f"{NOVELS}{novels[2].id}/delete/")

    assert response.status_code == 403
    assert db.get(Novel, novels[2].id) is not None


@pytest.mark.parametrize(
    "path", ["{novels}add/", "{novels}{id}/change/", "/admin/logout/", "/admin/login/"]
)
def test_every_admin_form_refuses_a_post_without_its_token(
    make_client, superuser, novels, db, path
):
    client = make_client(superuser, csrf=True)
    data = novel_form(novels[0].writer, title="Forged", username="root", password="x")

    response = client.post(path.format(novels=NOVELS, id=novels[0].id), data)

    assert response.status_code == 403
    db.refresh(novels[0])
    assert novels[0].title == "Emma"
    assert db.query(Novel).filter_by(title="Forged").count() == 0
    assert client.get("/admin/").status_code == 200  # still logged in


def test_post_with_a_csrf_token_is_accepted(make_client, superuser, novels, db):
    client = make_client(superuser, csrf=True)
    path = f"{NOVELS}{novels[2].id}/delete/"

    response = client.submit(path)

    assert response.status_code == 302
    assert db.get(Novel, novels[2].id) is None


def test_action_post_without_a_csrf_token_is_403(make_client, superuser, novels, db):
    client = make_client(superuser, csrf=True)

    response = client.post(
        NOVELS,
        {"action": "delete_selected", "_selected_action": [str(novels[2].id)], "post": "yes"},
    )

    assert response.status_code == 403
    assert db.get(Novel, novels[2].id) is not None


def test_login_page_logs_staff_in_and_goes_to_next(make_client, make_user):
    make_user("staff", is_staff=True, is_superuser=True)
    client = make_client(csrf=True)

    response = client.submit(
        "/admin/login/?next=/admin/library/novel/",
        {"username": "staff", "password": "a long and unusual pass phrase", "next": NOVELS},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == NOVELS
    assert client.get(NOVELS).status_code == 200


def test_logout_is_a_post_that_ends_the_session(make_client, superuser):
    client = make_client(superuser, csrf=True)

    response = client.submit("/admin/logout/", token_page="/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login/"
    assert client.get("/admin/").status_code == 302


def test_every_page_has_a_logout_button(admin_client, novels):
    for path in ("/admin/", NOVELS, f"{NOVELS}{novels[0].id}/change/"):
        text = admin_client.get(path).text
        assert 'action="/admin/logout/"' in text
        assert "Log out" in text


def test_a_null_character_in_a_form_is_a_field_error(admin_client, db):
    response = admin_client.post("/admin/library/writer/add/", {"name": "x\x00y", "born": ""})

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.text
    assert db.query(Writer).count() == 0


def test_a_number_too_large_for_its_column_is_a_field_error(admin_client, writers, db):
    response = admin_client.post(f"{NOVELS}add/", novel_form(writers[0], pages="9" * 20))

    assert response.status_code == 200
    assert "Number must be between" in response.text
    assert db.query(Novel).count() == 0
