from operator import attrgetter
from random import randint

from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from world.models import Fortune, World


def query_count(request):
    try:
        return min(max(int(request.GET.get("n", "1")), 1), 500)
    except ValueError:
        return 1


def plaintext(request):
    return HttpResponse("Hello, World!", content_type="text/plain")


def json_view(request):
    return JsonResponse({"message": "Hello, World!"})


def single_query(request):
    return JsonResponse(World.objects.get(id=randint(1, 10000)).to_dict())


def queries(request):
    ids = [randint(1, 10000) for _ in range(query_count(request))]
    return JsonResponse([World.objects.get(id=pk).to_dict() for pk in ids], safe=False)


def fortunes(request):
    rows = list(Fortune.objects.all())
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=attrgetter("message"))
    return render(request, "world/fortunes.html", {"fortunes": rows})


def updates(request):
    ids = [randint(1, 10000) for _ in range(query_count(request))]
    with transaction.atomic():
        worlds = [World.objects.get(id=pk) for pk in ids]
        for world in worlds:
            world.randomnumber = randint(1, 10000)
        World.objects.bulk_update(worlds, ["randomnumber"])
    return JsonResponse([world.to_dict() for world in worlds], safe=False)
