"""The pytest plugin, installed with Stoa: fixtures for a project's tests.

    def test_home(client):
        response = client.get("/")
        assert response.status_code == 200

It needs STOA_SETTINGS_MODULE (a generated project's conftest.py sets it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from core.conf import LazySettings
from core.conf import settings as lazy_settings
from core.handlers import WSGIHandler
from core.testing.client import Client


class SettingsFixture:
    """Change settings for one test: `settings.DEBUG = True`; restored afterwards."""

    def __init__(self, wrapped: LazySettings) -> None:
        object.__setattr__(self, "_wrapped", wrapped)
        object.__setattr__(self, "_saved", wrapped.as_dict())
        object.__setattr__(self, "_explicit", set(wrapped.explicit))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._wrapped, name, value)

    def restore(self) -> None:
        """Put every setting back as it was before the test."""
        inner = self._wrapped._get_wrapped()
        inner.values, inner.explicit = dict(self._saved), set(self._explicit)
        self._wrapped._changed()


@pytest.fixture
def settings() -> Iterator[SettingsFixture]:
    """Let a test change settings; every change is undone after it."""
    fixture = SettingsFixture(lazy_settings)
    try:
        yield fixture
    finally:
        fixture.restore()


@pytest.fixture
def app(settings: SettingsFixture) -> WSGIHandler:
    """The project's WSGI application, built for this test from the current settings."""
    return WSGIHandler()


@pytest.fixture
def client(app: WSGIHandler) -> Client:
    """A test client for the project's application."""
    return Client(app)
