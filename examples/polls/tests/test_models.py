"""Question.was_published_recently(), as Django's tutorial tests it."""

from __future__ import annotations

import datetime as dt

from polls.models import Question, now


def test_a_future_question_was_not_published_recently() -> None:
    question = Question(pub_date=now() + dt.timedelta(days=30))

    assert question.was_published_recently() is False


def test_an_old_question_was_not_published_recently() -> None:
    question = Question(pub_date=now() - dt.timedelta(days=1, seconds=1))

    assert question.was_published_recently() is False


def test_a_recent_question_was_published_recently() -> None:
    question = Question(pub_date=now() - dt.timedelta(hours=23, minutes=59, seconds=59))

    assert question.was_published_recently() is True


def test_a_naive_date_from_sqlite_counts_as_utc() -> None:
    question = Question(pub_date=(now() - dt.timedelta(hours=1)).replace(tzinfo=None))

    assert question.was_published_recently() is True
