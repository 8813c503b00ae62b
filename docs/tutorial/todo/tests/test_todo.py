"""Tests of the to-do app: python -m pytest."""

from sqlalchemy import select

from todo.models import Checklist, Task


def test_the_list_starts_empty(client):
    response = client.get("/todo/")

    assert response.status_code == 200
    assert "No checklists yet." in response.text


def test_a_checklist_is_created(client, db):
    response = client.post("/todo/new/", {"title": "Groceries"})

    assert response.status_code == 302
    checklist = db.scalars(select(Checklist)).one()
    assert response.headers["Location"] == f"/todo/{checklist.id}/"


def test_a_title_is_required(client):
    response = client.post("/todo/new/", {"title": ""})

    assert response.status_code == 200
    assert "This field is required." in response.text


def test_tasks_are_added_and_toggled(client, db):
    checklist = Checklist(title="Groceries")
    db.add(checklist)
    db.flush()

    client.post(f"/todo/{checklist.id}/tasks/", {"text": "Bread"})
    task = db.scalars(select(Task)).one()
    client.post(f"/todo/{checklist.id}/tasks/{task.id}/toggle/")
    response = client.get(f"/todo/{checklist.id}/")

    assert response.status_code == 200
    assert '<li class="done">Bread' in response.text


def test_deleting_a_checklist_deletes_its_tasks(client, db):
    checklist = Checklist(title="Old", tasks=[Task(text="Forgotten")])
    db.add(checklist)
    db.flush()

    response = client.post(f"/todo/{checklist.id}/delete/")

    assert response.status_code == 302
    assert db.scalars(select(Task)).all() == []
