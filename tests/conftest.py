"""Shared fixtures of the framework's own tests."""

from __future__ import annotations

import os

os.environ.setdefault("STOA_SETTINGS_MODULE", "tests.project.settings")

from collections.abc import Callable  # noqa: E402 (the settings module must be named first)
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from core.handlers import WSGIHandler  # noqa: E402
from core.testing import Client  # noqa: E402

MakeClient = Callable[..., Client]


@pytest.fixture
def make_client(settings: Any) -> MakeClient:
    """Return a factory: change the given settings, then build a client for a fresh app."""

    def make(**overrides: Any) -> Client:
        for name, value in overrides.items():
            setattr(settings, name, value)
        return Client(WSGIHandler())

    return make
