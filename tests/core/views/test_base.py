"""View, TemplateView and RedirectView."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.http import JsonResponse, Request, Response
from core.testing import Client
from core.urls import path
from core.views import RedirectView, TemplateView, View


class Hello(View):
    """Say hello."""

    greeting = "Hello"

    def get(self, request: Request) -> Response:
        response = Response(f"{self.greeting}, world")
        response.headers["X-Custom"] = "1"
        return response

    def post(self, request: Request) -> Response:
        return Response("posted", status=201)


class OnlyPost(View):
    def post(self, request: Request) -> Response:
        return Response("posted")


class Arguments(View):
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return JsonResponse(
            {"args": list(self.args), "kwargs": self.kwargs, "same": self.request is request}
        )


class NotAResponse(View):
    def get(self, request: Request) -> Any:
        return {"not": "a response"}


class Page(TemplateView):
    template_name = "project/home.html"
    extra_context = {"name": "Ada"}


class NoTemplate(TemplateView):
    pass


class JsonPage(TemplateView):
    template_name = "project/home.html"
    content_type = "text/plain"
    status = 203


urlpatterns = [
    path("hello/", Hello.as_view(), name="hello"),
    path("hi/", Hello.as_view(greeting="Hi")),
    path("only-post/", OnlyPost.as_view()),
    path("args/<int:pk>/", Arguments.as_view()),
    path("not-a-response/", NotAResponse.as_view()),
    path("", Page.as_view(), name="home"),
    path("page/", Page.as_view(), name="page"),
    path("page-with-context/", Page.as_view(extra_context={"name": "<Grace>"})),
    path("no-template/", NoTemplate.as_view()),
    path("plain-page/", JsonPage.as_view()),
    path("to-url/<int:pk>/", RedirectView.as_view(url="/items/%(pk)s/")),
    path("to-name/<int:pk>/", RedirectView.as_view(pattern_name="target")),
    path("target/<int:pk>/", Arguments.as_view(), name="target"),
    path("permanent/", RedirectView.as_view(url="/new/", permanent=True)),
    path("with-query/", RedirectView.as_view(url="/new/", query_string=True)),
    path("without-query/", RedirectView.as_view(url="/new/")),
    path("gone/", RedirectView.as_view()),
]


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(ROOT_URLCONF=__name__)


def test_as_view_refuses_an_http_method_name() -> None:
    with pytest.raises(TypeError, match="'get', an HTTP method name"):
        Hello.as_view(get=lambda request: None)


def test_as_view_refuses_an_unknown_attribute() -> None:
    with pytest.raises(TypeError, match="'colour', which is not an attribute of Hello"):
        Hello.as_view(colour="blue")


def test_as_view_keeps_the_class_name_and_docstring() -> None:
    view = Hello.as_view()

    assert (view.__name__, view.__doc__) == ("Hello", "Say hello.")
    assert view.view_class is Hello  # type: ignore[attr-defined]


def test_as_view_arguments_set_attributes(client: Client) -> None:
    response = client.get("/hi/")

    assert response.status_code == 200
    assert response.text == "Hi, world"


def test_as_view_arguments_do_not_change_the_class(client: Client) -> None:
    client.get("/hi/")
    response = client.get("/hello/")

    assert response.status_code == 200
    assert response.text == "Hello, world"


def test_dispatch_calls_the_method_named_after_the_verb(client: Client) -> None:
    response = client.post("/hello/")

    assert response.status_code == 201
    assert response.text == "posted"


def test_setup_stores_the_request_and_arguments(client: Client) -> None:
    response = client.get("/args/5/")

    assert response.status_code == 200
    assert response.json == {"args": [], "kwargs": {"pk": 5}, "same": True}


def test_undefined_method_is_405_with_allow(client: Client) -> None:
    response = client.put("/hello/")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"


def test_405_uses_the_error_template(client: Client) -> None:
    response = client.delete("/hello/")

    assert response.status_code == 405
    assert "This page does not accept that request method." in response.text


def test_405_is_logged(client: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="stoa.request"):
        client.delete("/hello/")

    assert "Method Not Allowed (DELETE): /hello/" in caplog.text


def test_view_without_get_refuses_get_and_head(client: Client) -> None:
    get, head = client.get("/only-post/"), client.head("/only-post/")

    assert (get.status_code, head.status_code) == (405, 405)
    assert get.headers["Allow"] == "POST, OPTIONS"


def test_options_lists_the_allowed_methods(client: Client) -> None:
    response = client.options("/hello/")

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.content == b""


def test_head_has_the_headers_of_get(client: Client) -> None:
    get = client.get("/hello/")
    head = client.head("/hello/")

    assert head.status_code == 200
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["X-Custom"] == "1"


def test_head_has_no_body(client: Client) -> None:
    response = client.head("/hello/")

    assert response.status_code == 200
    assert response.content == b""


def test_view_returning_a_non_response_is_a_500(client: Client) -> None:
    response = client.get("/not-a-response/")

    assert response.status_code == 500
    assert "NotAResponse" not in response.text


def test_view_returning_a_non_response_is_logged_by_name(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/not-a-response/")

    assert f"The view {__name__}.NotAResponse returned dict" in caplog.text


def test_template_view_renders_its_template(client: Client) -> None:
    response = client.get("/page/")

    assert response.status_code == 200
    assert "<p>Hello Ada at /</p>" in response.text


def test_template_view_escapes_context_values(client: Client) -> None:
    response = client.get("/page-with-context/")

    assert response.status_code == 200
    assert "Hello &lt;Grace&gt;" in response.text


def test_template_view_takes_content_type_and_status(client: Client) -> None:
    response = client.get("/plain-page/")

    assert response.status_code == 203
    assert response.headers["Content-Type"].startswith("text/plain")


def test_template_view_without_template_name_is_a_500(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.get("/no-template/")

    assert response.status_code == 500
    assert "NoTemplate needs a template: set NoTemplate.template_name" in caplog.text


def test_redirect_view_formats_its_url_with_the_arguments(client: Client) -> None:
    response = client.get("/to-url/3/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/items/3/"


def test_redirect_view_reverses_its_pattern_name(client: Client) -> None:
    response = client.get("/to-name/3/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/target/3/"


def test_permanent_redirect_view_is_301(client: Client) -> None:
    response = client.get("/permanent/")

    assert response.status_code == 301
    assert response.headers["Location"] == "/new/"


def test_redirect_view_passes_the_query_string_on_request(client: Client) -> None:
    response = client.get("/with-query/", data={"a": "1"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/new/?a=1"


def test_redirect_view_drops_the_query_string_by_default(client: Client) -> None:
    response = client.get("/without-query/", data={"a": "1"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/new/"


def test_redirect_view_redirects_every_method(client: Client) -> None:
    response = client.post("/permanent/")

    assert response.status_code == 301
    assert response.headers["Location"] == "/new/"


def test_redirect_view_without_target_is_410(client: Client) -> None:
    response = client.get("/gone/")

    assert response.status_code == 410
    assert "Traceback" not in response.text
