"""Votes cast at the same moment are all counted: the database adds them up.

Without the `db` fixture, whose one shared session would serialise the requests, each
request has its own session and connection, as under gunicorn, and commits for real;
the questions are deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from core.testing import Client
from core.testing.client import TestResponse
from polls.models import Choice, Question, now

VOTERS = 8


@pytest.fixture
def live_app(settings: object, stoa_test_database: Engine) -> Iterator[WSGIHandler]:
    """The application with committing requests; every question is deleted afterwards."""
    yield WSGIHandler()
    with stoa_test_database.begin() as connection:
        connection.execute(delete(Question))


def test_simultaneous_votes_are_all_counted(
    live_app: WSGIHandler, stoa_test_database: Engine
) -> None:
    with Session(stoa_test_database) as session, session.begin():
        question = Question(
            question_text="Tea or coffee?",
            pub_date=now() - dt.timedelta(days=1),
            choices=[Choice(choice_text="Tea"), Choice(choice_text="Coffee")],
        )
        session.add(question)
        session.flush()
        question_id, tea_id = question.id, question.choices[0].id
    barrier = threading.Barrier(VOTERS)
    responses: list[TestResponse] = []

    def vote() -> None:
        client = Client(live_app)
        barrier.wait(timeout=10)
        responses.append(client.post(f"/polls/{question_id}/vote/", {"choice": tea_id}))

    threads = [threading.Thread(target=vote) for _ in range(VOTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [response.status_code for response in responses] == [302] * VOTERS
    with Session(stoa_test_database) as session:
        votes = session.scalars(select(Choice.votes).where(Choice.id == tea_id)).one()
    assert votes == VOTERS
