"""Shared fixtures of the framework's own tests."""

from __future__ import annotations

import os

os.environ.setdefault("STOA_SETTINGS_MODULE", "tests.project.settings")

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from core.handlers import WSGIHandler
from core.testing import Client

MakeClient = Callable[..., Client]


@pytest.fixture(scope="session", autouse=True)
def test_database(stoa_test_database: Engine) -> Engine:
    """Make the test database first, from the test project's settings.

    Some tests load a generated project's settings in this process; the database must
    not depend on which of them happens to run first.
    """
    return stoa_test_database


@pytest.fixture
def make_client(settings: Any) -> MakeClient:
    """Return a factory: change the given settings, then build a client for a fresh app."""

    def make(**overrides: Any) -> Client:
        for name, value in overrides.items():
            setattr(settings, name, value)
        return Client(WSGIHandler())

    return make
