"""Views and URLs of the ASGI handler's tests: sync and async, with and without the database."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from core.exceptions import PermissionDenied
from core.http import JsonResponse, Request, Response
from core.types import AsyncGetResponse, GetResponse
from core.urls import path
from core.views import View

metadata = MetaData()
notes = Table(
    "asgi_test_note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String(50), nullable=False),
)

# What the views saw, for the tests to read: the thread names of each step.
seen: dict[str, Any] = {}


class Plain(View):
    def get(self, request: Request) -> Response:
        seen["sync_view_thread"] = threading.current_thread().name
        return Response(b"Hello, World!", content_type="text/plain")

    def post(self, request: Request) -> Response:
        return JsonResponse({"fields": sorted(request.POST.items())})


class Echo(View):
    def put(self, request: Request) -> Response:
        return Response(request.body, content_type="application/octet-stream")


class AsyncHello(View):
    async def get(self, request: Request) -> Response:
        seen["async_view_thread"] = threading.current_thread().name
        await asyncio.sleep(0)
        return JsonResponse({"message": "Hello, World!"})


class Held(View):
    async def get(self, request: Request) -> Response:
        await seen["release"].wait()  # an asyncio.Event the test sets
        return Response("released")


class Mixed(View):
    async def get(self, request: Request) -> Response:
        return Response("a")

    def post(self, request: Request) -> Response:
        return Response("b")


class Forbidden(View):
    async def get(self, request: Request) -> Response:
        raise PermissionDenied("members only")


class Boom(View):
    async def get(self, request: Request) -> Response:
        raise RuntimeError("kaboom")


class SyncNotes(View):
    def get(self, request: Request) -> Response:
        seen["db_thread"] = threading.current_thread().name
        count = request.db.execute(select(func.count()).select_from(notes)).scalar_one()
        return JsonResponse({"count": count})

    def post(self, request: Request) -> Response:
        request.db.execute(insert(notes).values(text=request.POST["text"]))
        if request.POST.get("fail"):
            return Response("refused", status=400)
        return Response("added", status=201)


class AsyncNotes(View):
    async def get(self, request: Request) -> Response:
        result = await request.adb.execute(select(notes.c.text).order_by(notes.c.id))
        return JsonResponse({"texts": list(result.scalars())})

    async def post(self, request: Request) -> Response:
        await request.adb.execute(insert(notes).values(text=request.POST["text"]))
        if request.POST.get("fail"):
            raise RuntimeError("after the insert")
        return Response("added", status=201)


def chunks() -> Iterator[bytes]:
    seen["stream_thread"] = threading.current_thread().name
    yield b"one,"
    yield b"two,"
    yield b"three"


class Stream(View):
    def get(self, request: Request) -> Response:
        return Response(app_iter=chunks(), content_type="text/plain")


def endless() -> Iterator[bytes]:
    try:
        for number in range(1000):  # bounded: a test that fails ends
            yield f"{number}\n".encode()
    finally:
        seen["endless_closed"] = True


class Endless(View):
    def get(self, request: Request) -> Response:
        seen["endless_closed"] = False
        return Response(app_iter=endless(), content_type="text/plain")


async def async_function(request: Request) -> Response:
    return Response("from a function")


urlpatterns = [
    path("plain/", Plain.as_view()),
    path("echo/", Echo.as_view()),
    path("async/", AsyncHello.as_view()),
    path("held/", Held.as_view()),
    path("forbidden/", Forbidden.as_view()),
    path("boom/", Boom.as_view()),
    path("notes/", SyncNotes.as_view()),
    path("anotes/", AsyncNotes.as_view()),
    path("stream/", Stream.as_view()),
    path("endless/", Endless.as_view()),
    path("function/", async_function),
]


class AsyncHeader:
    """An async-only middleware: it adds a header and notes where it ran."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: AsyncGetResponse) -> None:
        self.get_response = get_response

    async def __call__(self, request: Request) -> Any:
        seen["async_middleware_thread"] = threading.current_thread().name
        response = await self.get_response(request)
        response.headers["X-Async"] = "yes"
        return response


def sync_header(get_response: GetResponse) -> GetResponse:
    """A plain (sync) middleware, adapted under ASGI."""

    def middleware(request: Request) -> Any:
        seen["sync_middleware_thread"] = threading.current_thread().name
        response = get_response(request)
        response.headers["X-Sync"] = "yes"
        return response

    return middleware


class Both:
    """A middleware that can be sync or async, and answers in the kind it was given."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: Request) -> Any:
        seen["both_mode"] = "async" if self.is_async else "sync"
        if self.is_async:
            return self.acall(request)
        return self.get_response(request)

    async def acall(self, request: Request) -> Any:
        return await self.get_response(request)
