"""A response whose session is closed with its body keeps its Content-Length."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from core.handlers import WSGIHandler
from core.http import Request, Response
from core.testing import Client
from core.urls import path


def reads_the_database(request: Request) -> Response:
    return Response(str(request.db.scalar(text("SELECT 41 + 1"))))


urlpatterns = [path("answer/", reads_the_database)]


def test_content_length_survives_the_session_closing_wrapper(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = ["core.middleware.db.DatabaseMiddleware"]

    response = Client(WSGIHandler()).get("/answer/")

    assert response.status_code == 200
    assert response.text == "42"
    assert response.headers["Content-Length"] == "2"
