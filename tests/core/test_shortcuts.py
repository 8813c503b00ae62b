"""render() and redirect()."""

from __future__ import annotations

import pytest

from core.exceptions import DisallowedRedirect
from core.http import Request
from core.shortcuts import redirect, render
from core.urls import NoReverseMatch


@pytest.fixture
def request_() -> Request:
    return Request.blank("/")


def test_render_returns_an_html_response(request_: Request) -> None:
    response = render(request_, "project/home.html", {"name": "Ada"})

    assert response.status_code == 200
    assert "Hello Ada at /" in response.text


def test_render_takes_a_status_and_content_type(request_: Request) -> None:
    response = render(request_, "project/home.html", status=404, content_type="text/plain")

    assert response.status_code == 404
    assert response.content_type == "text/plain"


def test_redirect_reverses_a_pattern_name() -> None:
    response = redirect("article", pk=3)

    assert response.status_code == 302
    assert response.location == "/articles/3/"


def test_redirect_takes_a_path() -> None:
    response = redirect("/somewhere/")

    assert response.status_code == 302
    assert response.location == "/somewhere/"


def test_redirect_takes_an_absolute_url() -> None:
    response = redirect("https://example.com/")

    assert response.status_code == 302
    assert response.location == "https://example.com/"


def test_redirect_can_be_permanent() -> None:
    response = redirect("home", permanent=True)

    assert response.status_code == 301
    assert response.location == "/"


def test_redirect_to_an_unknown_name_is_an_error() -> None:
    with pytest.raises(NoReverseMatch):
        redirect("no-such-name")


def test_redirect_with_arguments_never_falls_back_to_a_url() -> None:
    with pytest.raises(NoReverseMatch):
        redirect("/articles/", pk=3)


@pytest.mark.parametrize(
    "target", ["javascript:alert(document.cookie)", " JavaScript:x/y", "data:text/html,<b>x</b>"]
)
def test_redirect_refuses_unsafe_schemes(target: str) -> None:
    with pytest.raises(DisallowedRedirect):
        redirect(target)
