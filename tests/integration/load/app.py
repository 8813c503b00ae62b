"""The app the load and fault tests add to a generated project: `loadapp`.

Its views cover what a site mixes: an HTML page from the database, JSON without it,
JSON from it, a write, two counters (one safe, one naive on purpose), a slow
transaction, and a view that names the PostgreSQL backend serving it.
"""

from __future__ import annotations

APP_NAME = "loadapp"
SAFE = "safe"
NAIVE = "naive"
# Between the naive counter's read and its write: wide enough that concurrent
# requests read the same value, so the harness must see lost updates.
NAIVE_PAUSE = 0.05

MODELS = '''"""Models of the load-test app."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from orm import Model


class Note(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)


class Tally(Model):
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
'''

VIEWS = f'''"""Views of the load-test app. Load clients send no CSRF token: writers are exempt."""

import os
import time
from pathlib import Path

from sqlalchemy import func, select, text, update

from core.http import JsonResponse
from core.shortcuts import render
from core.views import View

from .models import Note, Tally


class Page(View):
    def get(self, request):
        notes = request.db.scalars(select(Note).order_by(Note.id.desc()).limit(10)).all()
        return render(request, "loadapp/page.html", {{"notes": notes}})


class Ping(View):
    def get(self, request):
        return JsonResponse({{"pid": os.getpid()}})


class Stats(View):
    def get(self, request):
        notes = request.db.scalar(select(func.count()).select_from(Note))
        return JsonResponse({{"pid": os.getpid(), "notes": notes}})


class Write(View):
    csrf_exempt = True

    def post(self, request):
        request.db.add(Note(token=request.GET["token"]))
        return JsonResponse({{"pid": os.getpid()}}, status=201)


class SafeIncrement(View):
    """The documented pattern: the database adds one, whatever the value is by then."""

    csrf_exempt = True

    def post(self, request):
        request.db.execute(
            update(Tally).where(Tally.name == "{SAFE}").values(value=Tally.value + 1)
        )
        return JsonResponse({{"pid": os.getpid()}})


class NaiveIncrement(View):
    """Read, then write what was read plus one: concurrent requests lose updates."""

    csrf_exempt = True

    def post(self, request):
        tally = request.db.get(Tally, "{NAIVE}")
        time.sleep({NAIVE_PAUSE})
        tally.value = tally.value + 1
        return JsonResponse({{"pid": os.getpid()}})


class SlowWrite(View):
    """Write a row, say which worker holds it (a file named after the token), then wait."""

    csrf_exempt = True

    def post(self, request):
        token = request.GET["token"]
        request.db.add(Note(token=token))
        request.db.flush()
        Path(os.environ["LOAD_MARKERS"], token).write_text(str(os.getpid()))
        time.sleep(float(request.GET["seconds"]))
        return JsonResponse({{"pid": os.getpid()}}, status=201)


class Backend(View):
    """Name the PostgreSQL backend serving this request, and who opened its connection."""

    def get(self, request):
        row = request.db.execute(
            text("SELECT pg_backend_pid(), current_setting('application_name')")
        ).one()
        return JsonResponse({{"pid": os.getpid(), "backend": row[0], "opened_by": row[1]}})
'''

URLS = '''"""URLs of the load-test app."""

from core.urls import path

from . import views

urlpatterns = [
    path("page/", views.Page.as_view()),
    path("ping/", views.Ping.as_view()),
    path("stats/", views.Stats.as_view()),
    path("write/", views.Write.as_view()),
    path("counter/safe/", views.SafeIncrement.as_view()),
    path("counter/naive/", views.NaiveIncrement.as_view()),
    path("slow/", views.SlowWrite.as_view()),
    path("backend/", views.Backend.as_view()),
]
'''

PAGE = """<!doctype html>
<title>Notes</title>
<ul>{% for note in notes %}<li>{{ note.token }}</li>{% endfor %}</ul>
"""

# Appended to wsgi.py for the --preload test: every connection carries the pid of the
# process that opened it, so pg_stat_activity tells who opened which backend; and the
# arbiter queries the database before gunicorn forks.
PRELOAD_WSGI = """

import json
from pathlib import Path

from sqlalchemy import event, text

from orm import get_engine


@event.listens_for(get_engine(), "do_connect")
def _name_the_opener(dialect, record, cargs, cparams):
    cparams["application_name"] = f"stoa-{os.getpid()}"


with get_engine().connect() as _connection:
    _backend = _connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
(Path(__file__).resolve().parent.parent / "prefork.json").write_text(
    json.dumps({"pid": os.getpid(), "backend": _backend})
)
"""
