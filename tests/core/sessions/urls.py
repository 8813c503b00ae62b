"""Views that use the session as a test says, through query parameters."""

from __future__ import annotations

from core.http import Request, Response
from core.sessions.backends.db import Session
from core.sessions.base import now
from core.urls import path


def set_value(request: Request) -> Response:
    request.session[request.GET["key"]] = request.GET["value"]
    return Response("set")


def get_value(request: Request) -> Response:
    return Response(str(request.session.get(request.GET["key"], "(none)")))


def key(request: Request) -> Response:
    len(request.session)
    return Response(str(request.session.session_key))


def flush(request: Request) -> Response:
    request.session.flush()
    return Response("flushed")


def cycle(request: Request) -> Response:
    request.session.cycle_key()
    return Response("cycled")


def plain(request: Request) -> Response:
    return Response("plain")


def set_then_fail(request: Request) -> Response:
    request.session["key"] = "lost"
    return Response("failed", status=500)


def login_like(request: Request) -> Response:
    # Write through the request's transaction first, as authenticate() and login() do.
    request.db.add(Session(session_key="w" * 43, data="{}", expire_date=now()))
    request.db.flush()
    request.session.cycle_key()
    request.session["user"] = "ada"
    return Response("logged in")


def logout_elsewhere_then_write(request: Request) -> Response:
    len(request.session)
    type(request.session)().delete(request.session.session_key)
    request.session["after"] = "logout"
    return Response("written")


urlpatterns = [
    path("set/", set_value),
    path("get/", get_value),
    path("key/", key),
    path("flush/", flush),
    path("cycle/", cycle),
    path("plain/", plain),
    path("fail/", set_then_fail),
    path("login/", login_like),
    path("race/", logout_elsewhere_then_write),
]
