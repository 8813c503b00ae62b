"""The admin of the polls app: questions with their choices inline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.models import User
from core.testing import Client
from polls.models import Choice, Question

QUESTIONS = "/admin/polls/question/"
MakeQuestion = Callable[..., Question]


@pytest.fixture
def admin_client(client: Client, db: Session) -> Client:
    """The test client, logged in as a superuser (who has no password: none is needed)."""
    client.force_login(User.create_superuser("admin", session=db))
    return client


def test_the_admin_needs_a_login(client: Client) -> None:
    response = client.get(QUESTIONS)

    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_the_list_shows_each_question_and_whether_it_is_recent(
    admin_client: Client, make_question: MakeQuestion
) -> None:
    make_question("What's new?", days=-0.5)
    make_question("What's old?", days=-10)

    response = admin_client.get(QUESTIONS)

    assert response.status_code == 200
    assert "What&#39;s new?" in response.text
    assert "What&#39;s old?" in response.text
    assert "Published recently?" in response.text


def test_the_list_is_searched_by_question_text(
    admin_client: Client, make_question: MakeQuestion
) -> None:
    make_question("Tea or coffee?", days=-1)
    make_question("Cats or dogs?", days=-1)

    response = admin_client.get(QUESTIONS, {"q": "coffee"})

    assert "Tea or coffee?" in response.text
    assert "Cats or dogs?" not in response.text


def test_a_question_is_added_with_its_choices_inline(admin_client: Client, db: Session) -> None:
    response = admin_client.post(
        f"{QUESTIONS}add/",
        {
            "question_text": "Tea or coffee?",
            "pub_date": "2026-01-02T09:30",
            "choice-TOTAL_FORMS": "3",
            "choice-INITIAL_FORMS": "0",
            "choice-0-choice_text": "Tea",
            "choice-0-votes": "0",
            "choice-1-choice_text": "Coffee",
            "choice-1-votes": "0",
            "choice-2-choice_text": "",
            "choice-2-votes": "0",
            "_save": "",
        },
    )

    assert response.status_code == 302, response.text
    question = db.scalars(select(Question)).one()
    assert question.question_text == "Tea or coffee?"
    assert question.pub_date.replace(tzinfo=None) == dt.datetime(2026, 1, 2, 9, 30)
    assert [choice.choice_text for choice in db.scalars(select(Choice))] == ["Tea", "Coffee"]


def test_the_change_page_shows_the_choices(
    admin_client: Client, make_question: MakeQuestion
) -> None:
    question = make_question("Tea or coffee?", days=-1, choices=("Tea", "Coffee"))

    response = admin_client.get(f"{QUESTIONS}{question.id}/change/")

    assert response.status_code == 200
    assert 'name="choice-INITIAL_FORMS" value="2"' in response.text
    assert 'value="Coffee"' in response.text
