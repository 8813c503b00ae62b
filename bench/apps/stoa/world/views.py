"""Views of the world app, one class per TechEmpower test type."""

from operator import attrgetter
from random import randint
from typing import Any

from core.http import JsonResponse, Request, Response
from core.views import TemplateView, View
from sqlalchemy import select

from world.models import Fortune, World


def query_count(request: Request) -> int:
    """Read ?n= as TechEmpower asks: 1 to 500, anything else 1."""
    try:
        count = int(request.GET.get("n", 1))
    except ValueError:
        return 1
    return min(max(count, 1), 500)


class PlaintextView(View):
    def get(self, request: Request) -> Response:
        return Response("Hello, World!", content_type="text/plain")


class JsonView(View):
    def get(self, request: Request) -> Response:
        return JsonResponse({"message": "Hello, World!"})


class DbView(View):
    def get(self, request: Request) -> Response:
        world = request.db.get(World, randint(1, 10000))
        return JsonResponse(world.to_dict())


class QueriesView(View):
    def get(self, request: Request) -> Response:
        ids = [randint(1, 10000) for _ in range(query_count(request))]
        worlds = [request.db.get(World, pk).to_dict() for pk in ids]
        return JsonResponse(worlds, safe=False)


class FortunesView(TemplateView):
    template_name = "world/fortunes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        fortunes = list(self.request.db.scalars(select(Fortune)))
        fortunes.append(Fortune(id=0, message="Additional fortune added at request time."))
        fortunes.sort(key=attrgetter("message"))
        return super().get_context_data(fortunes=fortunes, **kwargs)


class UpdatesView(View):
    def get(self, request: Request) -> Response:
        ids = [randint(1, 10000) for _ in range(query_count(request))]
        worlds = [request.db.get(World, pk) for pk in ids]
        for world in worlds:
            world.random_number = randint(1, 10000)
        # Written back when the request commits (one UPDATE per row, in one flush).
        return JsonResponse([world.to_dict() for world in worlds], safe=False)


# The same test types as `async def` views, for the ASGI scenarios (bench/asgi_run.py).
class AsyncPlaintextView(View):
    async def get(self, request: Request) -> Response:
        return Response("Hello, World!", content_type="text/plain")


class AsyncJsonView(View):
    async def get(self, request: Request) -> Response:
        return JsonResponse({"message": "Hello, World!"})


class AsyncDbView(View):
    async def get(self, request: Request) -> Response:
        world = await request.adb.get(World, randint(1, 10000))
        return JsonResponse(world.to_dict())
