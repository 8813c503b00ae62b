"""Views that add and show messages."""

from __future__ import annotations

from core import messages
from core.http import Request, Response
from core.shortcuts import render
from core.template_response import TemplateResponse
from core.urls import path


def add(request: Request) -> Response:
    level = request.GET.get("level", "success")
    getattr(messages, level)(request, request.GET.get("text", "Saved."))
    return Response("added")


def show(request: Request) -> Response:
    return Response(" | ".join(f"{m.level_tag}:{m}" for m in messages.get_messages(request)))


def count(request: Request) -> Response:
    return Response(str(len(messages.get_messages(request))))


def page(request: Request) -> Response:
    return render(request, "messages.html")


def lazy_page(request: Request) -> Response:
    return TemplateResponse(request, "messages.html")


def add_and_show(request: Request) -> Response:
    messages.info(request, "First.")
    shown = [str(m) for m in messages.get_messages(request)]
    messages.info(request, "Second.")
    return Response(",".join(shown))


def plain(request: Request) -> Response:
    return Response("plain")


urlpatterns = [
    path("add/", add),
    path("show/", show),
    path("count/", count),
    path("page/", page),
    path("lazy/", lazy_page),
    path("add-and-show/", add_and_show),
    path("plain/", plain),
]
