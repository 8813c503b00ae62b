"""One database session per request: `request.db` (and, under ASGI, `request.adb`).

The session is created on first use (a view that never touches the database checks out
no connection), committed when the view answers with a non-error response, rolled back
on an exception or a 4xx/5xx, and closed when the response body is closed. The async
session of an ASGI request is finished the same way, when the view has answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from webob import Response as WebObResponse

from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.template_response import render_if_needed
from core.types import GetResponse
from orm.exceptions import ConfigurationError
from orm.session import SessionScope, databases, enter_scope, exit_scope

if TYPE_CHECKING:
    from orm.async_session import AsyncSessionScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SCOPE_KEY = "stoa.db_scope"
ASYNC_SCOPE_KEY = "stoa.adb_scope"


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
            async_scope = request.environ.get(ASYNC_SCOPE_KEY)
            if async_scope is not None:
                _finish_async(async_scope, commit=response.status_code < 400)
        except BaseException:
            scope.finish(commit=False)
            scope.close()
            async_scope = request.environ.get(ASYNC_SCOPE_KEY)
            if async_scope is not None:
                _finish_async(async_scope, commit=False)
            raise
        finally:
            exit_scope(token)
        if scope.active:
            # Wrapped in place: WebOb's app_iter setter would drop Content-Length.
            wrapped: Any = response  # WebOb's stubs leave its _app_iter out
            wrapped._app_iter = ClosingIterable(wrapped._app_iter, scope)
        return response


def open_async_scope(request: Request) -> AsyncSessionScope:
    """Give an ASGI request its AsyncSession scope (`request.adb`), finished with the response."""
    environ = request.environ
    if SCOPE_KEY not in environ:
        raise ImproperlyConfigured(
            "request.adb needs 'core.middleware.db.DatabaseMiddleware' in MIDDLEWARE."
        )
    if "asgi.scope" not in environ:
        raise ImproperlyConfigured(
            "request.adb is the async session of requests served through asgi.py (uvicorn): "
            "under WSGI use request.db, or serve the project with get_asgi_application()."
        )
    from orm.async_session import AsyncSessionScope

    try:
        factory = databases().async_session_factory(immediate=request.method not in SAFE_METHODS)
    except ConfigurationError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    scope = environ[ASYNC_SCOPE_KEY] = AsyncSessionScope(factory)
    return scope


def _finish_async(scope: AsyncSessionScope, *, commit: bool) -> None:
    # This layer is sync and runs in the request's worker thread: the AsyncSession is
    # finished on the event loop that opened it, and the thread waits.
    from asgiref.sync import async_to_sync

    async_to_sync(scope.finish)(commit=commit)


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
