"""Inline children edited with their parent; changelist actions, delete_selected first."""

from __future__ import annotations

from sqlalchemy import func, select

from core import admin
from core.admin.models import ADDITION, DELETION, LogEntry
from tests.core.admin.library.models import Chapter, Novel, Writer
from tests.core.admin.test_views import novel_form

NOVELS = "/admin/library/novel/"


def chapters_of(db, novel):
    return [
        (c.title, c.pages)
        for c in db.scalars(
            select(Chapter).where(Chapter.novel_id == novel.id).order_by(Chapter.id)
        )
    ]


def test_change_form_shows_the_children_and_blank_rows(admin_client, novels):
    response = admin_client.get(f"{NOVELS}{novels[0].id}/change/")

    assert 'name="chapter-TOTAL_FORMS" value="4"' in response.text
    assert 'name="chapter-INITIAL_FORMS" value="2"' in response.text
    assert 'name="chapter-0-id" value="' in response.text
    assert 'value="Volume I"' in response.text


def test_one_post_adds_changes_and_deletes_children(admin_client, novels, db):
    novel = novels[0]
    first, second = novel.chapters
    data = novel_form(
        novel.writer,
        title="Emma",
        published="1815-12-23",
        pages="",
        **{
            "chapter-TOTAL_FORMS": "4",
            "chapter-INITIAL_FORMS": "2",
            "chapter-0-id": str(first.id),
            "chapter-0-title": "Volume One",
            "chapter-0-pages": "11",
            "chapter-1-id": str(second.id),
            "chapter-1-title": "Volume II",
            "chapter-1-pages": "12",
            "chapter-1-DELETE": "on",
            "chapter-2-title": "Volume III",
            "chapter-2-pages": "9",
            "chapter-3-title": "",
            "chapter-3-pages": "",
        },
    )

    response = admin_client.post(f"{NOVELS}{novel.id}/change/", data)

    assert response.status_code == 302, response.text
    assert chapters_of(db, novel) == [("Volume One", 11), ("Volume III", 9)]
    entry = db.scalars(select(LogEntry)).one()
    assert entry.changes()["added"] == [["chapter", "Volume III"]]
    assert entry.changes()["changed_rows"] == [["chapter", "Volume One"]]
    assert entry.changes()["deleted"] == [["chapter", "Volume II"]]
    assert "Added chapter “Volume III”." in entry.get_change_message()


def test_add_with_an_inline_child(admin_client, writers, db):
    data = novel_form(
        writers[0],
        **{
            "chapter-TOTAL_FORMS": "2",
            "chapter-INITIAL_FORMS": "0",
            "chapter-0-title": "Prologue",
            "chapter-0-pages": "3",
            "chapter-1-title": "",
        },
    )

    response = admin_client.post(f"{NOVELS}add/", data)

    assert response.status_code == 302, response.text
    novel = db.scalars(select(Novel)).one()
    assert chapters_of(db, novel) == [("Prologue", 3)]
    assert db.scalars(select(LogEntry)).one().action_flag == ADDITION


def test_an_invalid_child_saves_nothing(admin_client, novels, db):
    novel = novels[0]
    data = novel_form(
        novel.writer,
        title="Changed title",
        **{
            "chapter-TOTAL_FORMS": "1",
            "chapter-INITIAL_FORMS": "0",
            "chapter-0-title": "",
            "chapter-0-pages": "not a number",
        },
    )

    response = admin_client.post(f"{NOVELS}{novel.id}/change/", data)

    assert response.status_code == 200
    assert "Please correct the errors below." in response.text
    db.expire_all()
    assert db.get(Novel, novel.id).title == "Emma"
    assert len(chapters_of(db, novel)) == 2


def test_a_child_of_another_parent_cannot_be_edited(admin_client, novels, db):
    other = Chapter(title="Not yours", novel=novels[1])
    db.add(other)
    db.flush()
    data = novel_form(
        novels[0].writer,
        title="Emma",
        **{
            "chapter-TOTAL_FORMS": "1",
            "chapter-INITIAL_FORMS": "1",
            "chapter-0-id": str(other.id),
            "chapter-0-title": "Stolen",
        },
    )

    response = admin_client.post(f"{NOVELS}{novels[0].id}/change/", data)

    assert response.status_code == 200
    assert "is not one of this object" in response.text
    db.refresh(other)
    assert (other.title, other.novel_id) == ("Not yours", novels[1].id)


def test_missing_management_data_is_an_error_not_a_500(admin_client, novels):
    data = novel_form(novels[0].writer)
    del data["chapter-TOTAL_FORMS"]

    response = admin_client.post(f"{NOVELS}{novels[0].id}/change/", data)

    assert response.status_code == 200
    assert "missing data about its inline rows" in response.text


def test_a_huge_total_forms_is_bounded(admin_client, novels):
    data = novel_form(novels[0].writer, **{"chapter-TOTAL_FORMS": "999999999"})

    response = admin_client.post(f"{NOVELS}{novels[0].id}/change/", data)

    assert response.status_code in (200, 302)


def test_inline_needs_the_childs_change_permission(make_client, make_user, novels):
    user = make_user("editor", "library.change_novel", is_staff=True)

    response = make_client(user).get(f"{NOVELS}{novels[0].id}/change/")

    assert response.status_code == 200
    assert "chapter-TOTAL_FORMS" not in response.text


def test_delete_selected_asks_for_confirmation_first(admin_client, novels, db):
    keys = [str(novels[2].id), str(novels[3].id)]

    response = admin_client.post(NOVELS, {"action": "delete_selected", "_selected_action": keys})

    assert response.status_code == 200
    assert "Are you sure you want to delete the 2 selected novels?" in response.text
    assert 'name="post" value="yes"' in response.text
    assert db.scalar(select(func.count()).select_from(Novel)) == 5


def test_delete_selected_deletes_after_confirmation(admin_client, novels, db):
    keys = [str(novels[0].id), str(novels[2].id)]
    data = {"action": "delete_selected", "_selected_action": keys, "post": "yes"}

    response = admin_client.post(NOVELS, data, follow=True)

    assert response.status_code == 200
    assert "Deleted 2 novels." in response.text
    assert db.scalar(select(func.count()).select_from(Novel)) == 3
    assert db.scalar(select(func.count()).select_from(Chapter)) == 0
    flags = db.scalars(select(LogEntry.action_flag)).all()
    assert flags == [DELETION, DELETION]


def test_delete_selected_refuses_protected_objects(admin_client, novels, db):
    jane = novels[0].writer
    data = {"action": "delete_selected", "_selected_action": [str(jane.id)], "post": "yes"}

    page = admin_client.post("/admin/library/writer/", {**data, "post": ""})
    admin_client.post("/admin/library/writer/", data)

    assert "not allowed" in page.text
    assert db.get(Writer, jane.id) is not None


def test_delete_selected_needs_the_delete_permission(make_client, make_user, novels, db):
    client = make_client(make_user("reader", "library.view_novel", is_staff=True))
    data = {"action": "delete_selected", "_selected_action": [str(novels[0].id)], "post": "yes"}

    response = client.post(NOVELS, data, follow=True)

    assert response.status_code == 200
    assert "No action was chosen" in response.text
    assert db.get(Novel, novels[0].id) is not None


def test_action_with_nothing_selected_warns(admin_client, novels):
    response = admin_client.post(NOVELS, {"action": "delete_selected"}, follow=True)

    assert "none was selected" in response.text


def test_action_with_a_bad_key_is_400(admin_client, novels):
    data = {"action": "delete_selected", "_selected_action": ["1", "x'; DROP"]}

    assert admin_client.post(NOVELS, data).status_code == 400


@admin.action(description="Mark as out of print", permissions=["change"])
def out_of_print(modeladmin, request, objects):
    for novel in objects:
        novel.in_print = False
    request.db.flush()


def test_a_custom_action_runs_on_the_selection(admin_client, site, novels, db):
    model_admin = site.registry[Novel]
    model_admin.actions = [out_of_print]
    try:
        response = admin_client.post(
            NOVELS, {"action": "out_of_print", "_selected_action": [str(novels[0].id)]}
        )
    finally:
        model_admin.actions = ()

    assert response.status_code == 302
    db.refresh(novels[0])
    assert novels[0].in_print is False
