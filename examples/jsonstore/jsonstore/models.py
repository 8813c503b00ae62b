"""The store's one model: a named JSON document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, func
from sqlalchemy.orm import Mapped, mapped_column

from orm import Model

NAME_LENGTH = 100


class Document(Model):
    """A JSON document stored under a name, with the ETag of its current content.

    The ETag is a hash of the document's canonical encoding, so it changes with every
    change of content and never comes back for a different one (as a counter would
    after a DELETE and a new PUT).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    body: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    etag: Mapped[str] = mapped_column(String(64))
    updated: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    def __str__(self) -> str:
        return self.name
