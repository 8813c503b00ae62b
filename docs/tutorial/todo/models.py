"""Checklists and their tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from orm import Model


class Checklist(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    created: Mapped[datetime] = mapped_column(server_default=func.now())
    tasks: Mapped[list[Task]] = relationship(
        back_populates="checklist", cascade="all, delete-orphan", order_by="Task.id"
    )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/todo/{self.id}/"


class Task(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("checklist.id"))
    text: Mapped[str] = mapped_column(String(200))
    done: Mapped[bool] = mapped_column(default=False)
    checklist: Mapped[Checklist] = relationship(back_populates="tasks")
