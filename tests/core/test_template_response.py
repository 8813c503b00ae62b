"""TemplateResponse, block rendering, context processors and template errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.handlers import WSGIHandler
from core.http import Request, Response
from core.template_response import TemplateResponse
from core.testing import Client
from core.urls import path
from core.views import TemplateView


def lazy_view(request: Request) -> Response:
    return TemplateResponse(request, "page.html", {"name": "view"})


def partial_view(request: Request) -> Response:
    return TemplateResponse(request, "page.html#greeting", {"name": "partial"})


class Broken(TemplateView):
    template_name = "broken.html"


def rename(get_response):  # a middleware that changes the context before rendering
    def middleware(request: Request) -> Response:
        response = get_response(request)
        if isinstance(response, TemplateResponse):
            response.context_data["name"] = "middleware"
        return response

    return middleware


urlpatterns = [
    path("lazy/", lazy_view),
    path("partial/", partial_view),
    path("broken/", Broken.as_view()),
]


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "page.html").write_text(
        "<html>{% block greeting %}<p>Hello {{ name }}, debug={{ debug }}</p>{% endblock %}</html>"
    )
    (tmp_path / "broken.html").write_text("line one\n{% if %}\n")
    return tmp_path


@pytest.fixture
def make(settings, templates: Path):
    def build(*, middleware: list[str] | None = None, debug: bool = False) -> Client:
        settings.ROOT_URLCONF = __name__
        settings.DEBUG = debug
        settings.MIDDLEWARE = middleware or []
        settings.TEMPLATES = {
            "DIRS": [str(templates)],
            "CONTEXT_PROCESSORS": ["core.context_processors.debug"],
        }
        return Client(WSGIHandler())

    return build


def test_template_response_is_rendered_before_sending(make) -> None:
    response = make().get("/lazy/")

    assert response.status_code == 200
    assert "<p>Hello view, debug=False</p>" in response.text


def test_middleware_can_change_the_context_before_rendering(make) -> None:
    response = make(middleware=[f"{__name__}.rename"]).get("/lazy/")

    assert response.status_code == 200
    assert "Hello middleware" in response.text


def test_a_block_renders_alone(make) -> None:
    response = make().get("/partial/")

    assert response.status_code == 200
    assert response.text == "<p>Hello partial, debug=False</p>"


def test_template_syntax_error_with_debug_names_the_template_and_line(make) -> None:
    response = make(debug=True).get("/broken/")

    assert response.status_code == 500
    assert "broken.html</code>, line 2" in response.text


def test_template_syntax_error_without_debug_shows_nothing(make) -> None:
    response = make().get("/broken/")

    assert response.status_code == 500
    assert "broken.html" not in response.text
