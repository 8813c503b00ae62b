"""Views whose answers tell whether they ran: each call returns the next number."""

from __future__ import annotations

import itertools

from core.cache.decorators import cache_page
from core.http import Request, Response
from core.urls import path

calls = itertools.count(1)


def counted(request: Request) -> Response:
    return Response(f"call {next(calls)}", content_type="text/plain")


def with_cookie(request: Request) -> Response:
    response = counted(request)
    response.set_cookie("seen", "1")
    return response


def private(request: Request) -> Response:
    response = counted(request)
    response.headers["Cache-Control"] = "private"
    return response


def by_language(request: Request) -> Response:
    response = counted(request)
    response.vary = ("Accept-Language",)
    return response


def by_session(request: Request) -> Response:
    request.session.get("anything")
    return counted(request)


def start_session(request: Request) -> Response:
    request.session["visitor"] = next(calls)
    return Response("started", content_type="text/plain")


def by_user(request: Request) -> Response:
    who = "user" if request.user.is_authenticated else "anonymous"
    return Response(f"{who} {next(calls)}", content_type="text/plain")


def short(request: Request) -> Response:
    response = counted(request)
    response.cache_control.max_age = 0
    return response


def not_found(request: Request) -> Response:
    return Response(f"missing {next(calls)}", status=404, content_type="text/plain")


urlpatterns = [
    path("plain/", counted),
    path("counted/", cache_page(60)(counted)),
    path("cookie/", cache_page(60)(with_cookie)),
    path("private/", cache_page(60)(private)),
    path("language/", cache_page(60)(by_language)),
    path("session/", cache_page(60)(by_session)),
    path("start-session/", start_session),
    path("user/", cache_page(60)(by_user)),
    path("user-too/", cache_page(60, cache_authenticated=True)(by_user)),
    path("max-age-0/", cache_page(60)(short)),
    path("not-found/", cache_page(60)(not_found)),
]
