"""Questions and their choices, as in Django's tutorial."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orm import Model


def now() -> dt.datetime:
    """Return the current time in UTC, as every date of this app is kept."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Return `moment` with its time zone: SQLite hands back the UTC it stored, but naive."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class Question(Model):
    """A poll's question; it shows on the site once its publication date has come."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_text: Mapped[str] = mapped_column(String(200))
    pub_date: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    choices: Mapped[list[Choice]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Choice.id"
    )

    def __str__(self) -> str:
        return self.question_text

    def was_published_recently(self) -> bool:
        """Say whether the question was published in the last day (never if in the future)."""
        current = now()
        return current - dt.timedelta(days=1) <= as_utc(self.pub_date) <= current


class Choice(Model):
    """One answer to a question, with its count of votes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    choice_text: Mapped[str] = mapped_column(String(200))
    votes: Mapped[int] = mapped_column(default=0, server_default="0")
    question: Mapped[Question] = relationship(back_populates="choices")

    def __str__(self) -> str:
        return self.choice_text
