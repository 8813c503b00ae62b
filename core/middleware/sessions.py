"""`request.session`: loaded on first use, saved and sent back as a cookie when it changed."""

from __future__ import annotations

import importlib
from typing import Literal, cast

from webob import Response as WebObResponse

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.sessions.base import SessionBase
from core.template_response import render_if_needed
from core.types import GetResponse

SameSite = Literal["Strict", "Lax", "None", "strict", "lax", "none"] | None


def get_session_store_class() -> type[SessionBase]:
    """Return the `SessionStore` class of SESSION_ENGINE."""
    engine = settings.SESSION_ENGINE
    try:
        module = importlib.import_module(engine)
    except ModuleNotFoundError as exc:
        if exc.name and engine.startswith(exc.name):
            raise ImproperlyConfigured(
                f"SESSION_ENGINE is {engine!r}, which cannot be imported: use "
                f"'core.sessions.backends.signed_cookies', '.db' or '.redis'."
            ) from exc
        raise
    store: object = getattr(module, "SessionStore", None)
    if not (isinstance(store, type) and issubclass(store, SessionBase)):
        raise ImproperlyConfigured(
            f"SESSION_ENGINE {engine!r} has no SessionStore class (a subclass of "
            f"core.sessions.base.SessionBase)."
        )
    return store


def add_vary_cookie(response: WebObResponse) -> None:
    """Add Cookie to the response's Vary header, so caches keep one copy per visitor."""
    vary = tuple(response.vary or ())
    if "cookie" not in {value.lower() for value in vary} and "*" not in vary:
        response.vary = (*vary, "Cookie")


class SessionMiddleware:
    """Give each request a lazy `request.session` of SESSION_ENGINE and keep it.

    After the response: a modified session (or every one, with SESSION_SAVE_EVERY_REQUEST)
    is saved and its cookie set; an emptied one loses its cookie; one that was read adds
    `Vary: Cookie`. Nothing is saved when the response is a server error.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.store = get_session_store_class()
        self.cookie_name = settings.SESSION_COOKIE_NAME
        samesite = settings.SESSION_COOKIE_SAMESITE
        if samesite is not None and samesite.lower() not in ("lax", "strict", "none"):
            raise ImproperlyConfigured(
                f"SESSION_COOKIE_SAMESITE is {samesite!r}: use 'Lax', 'Strict', 'None' or None."
            )
        self.samesite = cast(SameSite, samesite)

    def __call__(self, request: Request) -> WebObResponse:
        request.session = session = self.store(self._cookie(request))
        response = self.get_response(request)
        # A template rendered later could still read or change the session.
        render_if_needed(response)
        if response.status_code < 500:
            self._persist(request, response, session)
        if session.accessed:
            add_vary_cookie(response)
        return response

    def _persist(self, request: Request, response: WebObResponse, session: SessionBase) -> None:
        if not session.accessed and not settings.SESSION_SAVE_EVERY_REQUEST:
            return  # the view never looked at the session: nothing changed, cookie stays
        sent = self._cookie(request) is not None
        if not session.modified and settings.SESSION_SAVE_EVERY_REQUEST and sent:
            len(session)  # load it, so that an unknown key counts as no session
        if session.is_empty():
            # Flushed, or the cookie named no valid session: the browser should forget it.
            if sent:
                self._delete_cookie(response)
            return
        if not (session.modified or (settings.SESSION_SAVE_EVERY_REQUEST and sent)):
            return
        session.save()
        self._set_cookie(response, session)

    def _cookie(self, request: Request) -> str | None:
        if "HTTP_COOKIE" not in request.environ:
            return None  # the common first visit: no cookie parsing at all
        try:
            value = request.cookies.get(self.cookie_name)
        except (UnicodeError, ValueError):
            return None  # an undecodable Cookie header: no session
        return value or None

    def _set_cookie(self, response: WebObResponse, session: SessionBase) -> None:
        browser_session = settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        response.set_cookie(
            self.cookie_name,
            session.session_key,
            max_age=None if browser_session else session.get_expiry_age(),
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=settings.SESSION_COOKIE_HTTPONLY,
            samesite=self.samesite,
        )

    def _delete_cookie(self, response: WebObResponse) -> None:
        # The same attributes as when it was set, or the browser keeps the original.
        response.set_cookie(
            self.cookie_name,
            None,
            path=settings.SESSION_COOKIE_PATH,
            domain=settings.SESSION_COOKIE_DOMAIN,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=settings.SESSION_COOKIE_HTTPONLY,
            samesite=self.samesite,
        )
