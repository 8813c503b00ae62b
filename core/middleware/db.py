"""One database session per request: `request.db`.

The session is created on first use (a view that never touches the database checks out
no connection), committed when the view answers with a non-error response, rolled back
on an exception or a 4xx/5xx, and closed when the response body is closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from webob import Response as WebObResponse

from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.template_response import render_if_needed
from core.types import GetResponse
from orm.exceptions import ConfigurationError
from orm.session import SessionScope, databases, enter_scope, exit_scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SCOPE_KEY = "stoa.db_scope"


class DatabaseMiddleware:
    """Give each request a lazily created session, and finish it with the response."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        try:
            dbs = databases()
            dbs.engine()  # a bad URL or a missing driver stops the start, not a request
        except ConfigurationError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
        self.sessions = dbs.request_sessions()

    def __call__(self, request: Request) -> WebObResponse:
        # Requests that may write take SQLite's write lock up front (BEGIN IMMEDIATE),
        # so concurrent writers queue instead of failing with "database is locked".
        immediate = request.method not in SAFE_METHODS
        sessions = self.sessions
        scope = SessionScope(
            lambda: sessions.acquire(immediate=immediate),
            request=True,
            release=sessions.release,
            finished=sessions.finished,
        )
        request.environ[SCOPE_KEY] = scope
        token = enter_scope(scope)
        try:
            response = self.get_response(request)
            # Render templates inside the transaction, so lazy loads in them still work.
            render_if_needed(response)
            if scope.active:
                scope.finish(commit=response.status_code < 400)
        except BaseException:
            scope.finish(commit=False)
            scope.close()
            raise
        finally:
            exit_scope(token)
        if scope.active:
            # Wrapped in place: WebOb's app_iter setter would drop Content-Length.
            wrapped: Any = response  # WebOb's stubs leave its _app_iter out
            wrapped._app_iter = ClosingIterable(wrapped._app_iter, scope)
        return response


class ClosingIterable:
    """A response body that closes the request's session when the server closes it."""

    def __init__(self, iterable: Iterable[bytes], scope: SessionScope) -> None:
        self.iterable = iterable
        self.scope = scope

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.iterable)

    def close(self) -> None:
        try:
            close = getattr(self.iterable, "close", None)
            if close is not None:
                close()
        finally:
            self.scope.close()
