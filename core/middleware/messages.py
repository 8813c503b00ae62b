"""One-time messages: attach MESSAGE_STORAGE to each request, store what is left after it."""

from __future__ import annotations

from webob import Response as WebObResponse

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.messages.api import ENVIRON_KEY
from core.messages.storage.base import BaseStorage
from core.template_response import render_if_needed
from core.types import GetResponse
from core.utils import import_string


class MessageMiddleware:
    """Give each request a message storage (`core.messages.get_messages(request)`).

    With the default SessionStorage it must come after SessionMiddleware in MIDDLEWARE.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        storage = import_string(settings.MESSAGE_STORAGE, setting="MESSAGE_STORAGE")
        if not (isinstance(storage, type) and issubclass(storage, BaseStorage)):
            raise ImproperlyConfigured(
                f"MESSAGE_STORAGE {settings.MESSAGE_STORAGE!r} is not a storage class: use "
                f"'core.messages.storage.SessionStorage' or '...CookieStorage'."
            )
        self.storage = storage

    def __call__(self, request: Request) -> WebObResponse:
        # The storage is made when the request first uses messages (get_storage()):
        # a request that never does leaves the stored ones as they are.
        request.environ[ENVIRON_KEY] = self.storage
        response = self.get_response(request)
        # Rendering shows (and so uses up) messages: do it before deciding what to keep.
        render_if_needed(response)
        storage = request.environ.get(ENVIRON_KEY)
        if isinstance(storage, BaseStorage):
            storage.update(response)
        return response
