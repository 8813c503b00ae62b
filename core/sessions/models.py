"""The models of the "core.sessions" app: the database backend's table."""

from __future__ import annotations

from core.sessions.backends.db import Session

__all__ = ["Session"]
