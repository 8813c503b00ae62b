"""core.messages: the API without MessageMiddleware, levels, and the context processor."""

from __future__ import annotations

from typing import Any

import pytest
from webob import Request as WebObRequest

from core import messages
from core.context_processors import messages as messages_context
from core.http import Request
from core.messages.api import ENVIRON_KEY
from core.messages.storage.base import Message
from core.messages.storage.cookie import CookieStorage


def make_request(*, with_storage: bool = True) -> Request:
    request = Request(WebObRequest.blank("/").environ)
    if with_storage:
        request.environ[ENVIRON_KEY] = CookieStorage(request)
    return request


def test_adding_without_the_middleware_says_how_to_fix_it(settings: Any) -> None:
    with pytest.raises(messages.MessageFailure, match="MessageMiddleware"):
        messages.success(make_request(with_storage=False), "Saved.")


def test_adding_without_the_middleware_can_fail_silently(settings: Any) -> None:
    request = make_request(with_storage=False)
    messages.add_message(request, messages.INFO, "Saved.", fail_silently=True)
    assert list(messages.get_messages(request)) == []


@pytest.mark.parametrize(
    ("name", "level"),
    [("info", 20), ("success", 25), ("warning", 30), ("error", 40)],
)
def test_each_shortcut_adds_at_its_level(settings: Any, name: str, level: int) -> None:
    request = make_request()
    getattr(messages, name)(request, "Text.", extra_tags="big")
    (message,) = messages.get_messages(request)
    assert (message.level, message.message, message.tags) == (level, "Text.", f"big {name}")


def test_set_level_lets_debug_messages_through(settings: Any) -> None:
    request = make_request()
    assert messages.set_level(request, messages.DEBUG)
    messages.debug(request, "Detail.")
    assert [str(m) for m in messages.get_messages(request)] == ["Detail."]
    assert messages.get_level(request) == messages.DEBUG


def test_a_message_prints_as_its_text() -> None:
    assert str(Message(messages.ERROR, "Failed.")) == "Failed."


def test_the_context_processor_gives_messages_and_levels(settings: Any) -> None:
    request = make_request()
    messages.info(request, "Hi.")
    context = messages_context(request)
    assert [str(m) for m in context["messages"]] == ["Hi."]
    assert context["DEFAULT_MESSAGE_LEVELS"]["SUCCESS"] == messages.SUCCESS


def test_the_context_processor_works_without_the_middleware(settings: Any) -> None:
    assert list(messages_context(make_request(with_storage=False))["messages"]) == []


def test_session_storage_without_sessions_says_how_to_fix_it(settings: Any) -> None:
    from core.exceptions import ImproperlyConfigured
    from core.messages.storage import SessionStorage

    storage = SessionStorage(make_request(with_storage=False))
    with pytest.raises(ImproperlyConfigured, match="SessionMiddleware"):
        list(storage)
