"""Views the framework's tests call."""

from __future__ import annotations

from typing import Any

from core.exceptions import PermissionDenied, SuspiciousOperation
from core.http import HTTPNotFound, JsonResponse, Request, Response
from core.views import RedirectView, TemplateView, View


class Hello(View):
    def get(self, request: Request) -> Response:
        return Response("Hello, world")

    def post(self, request: Request) -> Response:
        return Response(f"posted {sorted(request.POST.items())}")


class Echo(View):
    def post(self, request: Request) -> Response:
        return JsonResponse({"json": request.json})

    def put(self, request: Request) -> Response:
        return Response(request.body, content_type="application/octet-stream")


class Article(View):
    def get(self, request: Request, pk: int) -> Response:
        return JsonResponse({"pk": pk, "type": type(pk).__name__})


class Boom(View):
    def get(self, request: Request) -> Response:
        secret_password = "hunter2"  # noqa: F841 (shown masked on the debug page)
        raise RuntimeError("kaboom")


class Missing(View):
    def get(self, request: Request) -> Response:
        raise HTTPNotFound("no such thing")


class Forbidden(View):
    def get(self, request: Request) -> Response:
        raise PermissionDenied("members only")


class Suspicious(View):
    def get(self, request: Request) -> Response:
        raise SuspiciousOperation("odd")


class NotAResponse(View):
    def get(self, request: Request) -> Any:
        return "just a string"


class BadHeader(View):
    def get(self, request: Request) -> Response:
        response = Response("x")
        response.headers["X-Injected"] = "a\r\nSet-Cookie: evil=1"
        return response


class Query(View):
    def get(self, request: Request) -> Response:
        return JsonResponse(dict(request.GET))


class Home(TemplateView):
    template_name = "project/home.html"


def function_view(request: Request, slug: str) -> Response:
    return Response(f"slug={slug}")


class ToHome(RedirectView):
    pattern_name = "home"
