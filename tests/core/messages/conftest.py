"""A site with sessions and messages, on each message storage in turn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from core.handlers import WSGIHandler
from core.testing import Client

STORAGES = {
    "session": "core.messages.storage.SessionStorage",
    "cookie": "core.messages.storage.CookieStorage",
}
MIDDLEWARE = [
    "core.middleware.sessions.SessionMiddleware",
    "core.middleware.messages.MessageMiddleware",
]


@pytest.fixture(params=list(STORAGES))
def make_site(request: pytest.FixtureRequest, settings: Any) -> Callable[..., Client]:
    """Return a factory of clients of a messages site on each storage."""

    def make(**overrides: Any) -> Client:
        settings.ROOT_URLCONF = "tests.core.messages.urls"
        settings.MIDDLEWARE = MIDDLEWARE
        settings.MESSAGE_STORAGE = STORAGES[request.param]
        settings.SESSION_ENGINE = "core.sessions.backends.signed_cookies"
        settings.TEMPLATES = {
            "DIRS": [str(Path(__file__).parent / "templates")],
            "APP_DIRS": False,
            "CONTEXT_PROCESSORS": ["core.context_processors.messages"],
        }
        for name, value in overrides.items():
            setattr(settings, name, value)
        return Client(WSGIHandler())

    return make
