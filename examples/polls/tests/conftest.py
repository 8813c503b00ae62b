"""Fixtures of the polls tests: questions published some days from now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from polls.models import Choice, Question, now

MakeQuestion = Callable[..., Question]


@pytest.fixture
def make_question(db: Session) -> MakeQuestion:
    """Return a function that saves a question published `days` from now (negative: past)."""

    def make(text: str, days: float = 0, choices: tuple[str, ...] = ()) -> Question:
        question = Question(
            question_text=text,
            pub_date=now() + dt.timedelta(days=days),
            choices=[Choice(choice_text=choice) for choice in choices],
        )
        db.add(question)
        db.flush()
        return question

    return make
