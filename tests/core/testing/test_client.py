"""The test client: methods, bodies, headers, cookies and redirects."""

from __future__ import annotations

from typing import Any

import pytest

from core.http import JsonResponse, Request, Response
from core.testing import Client
from core.urls import path
from core.views import RedirectView, View


class Inspect(View):
    """Describe the request as the application saw it."""

    def get(self, request: Request) -> Response:
        return JsonResponse(self.describe(request))

    post = put = patch = delete = get

    def describe(self, request: Request) -> dict[str, Any]:
        return {
            "method": request.method,
            "query": sorted(request.GET.items()),
            "content_type": request.content_type,
            "body": request.body.decode(),
            "cookies": dict(request.cookies),
            "x_test": request.headers.get("X-Test"),
            "host": request.get_host(),
        }


class SetCookie(View):
    def get(self, request: Request) -> Response:
        response = Response("set")
        response.set_cookie("flavour", "oatmeal")
        response.set_cookie("size", "large")
        return response


class DeleteCookie(View):
    def get(self, request: Request) -> Response:
        response = Response("deleted")
        response.delete_cookie("flavour")
        return response


class Form(View):
    def post(self, request: Request) -> Response:
        return JsonResponse({"fields": sorted(request.POST.items())})


class Json(View):
    def post(self, request: Request) -> Response:
        return JsonResponse({"received": request.json})


class Temporary(View):
    def post(self, request: Request) -> Response:
        return Response(status=307, location="/inspect/")


class Head(View):
    def get(self, request: Request) -> Response:
        return Response("body of get")


urlpatterns = [
    path("inspect/", Inspect.as_view(), name="inspect"),
    path("set-cookie/", SetCookie.as_view()),
    path("delete-cookie/", DeleteCookie.as_view()),
    path("form/", Form.as_view()),
    path("json/", Json.as_view()),
    path("head/", Head.as_view()),
    path("hop-1/", RedirectView.as_view(url="/hop-2/")),
    path("hop-2/", RedirectView.as_view(url="/inspect/?from=hop-2", permanent=True)),
    path("temporary/", Temporary.as_view()),
    path("loop/", RedirectView.as_view(url="/loop/")),
    path("off-site/", RedirectView.as_view(url="https://elsewhere.test/")),
]


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(ROOT_URLCONF=__name__)


def test_get_sends_data_as_the_query_string(client: Client) -> None:
    response = client.get("/inspect/", data={"a": "1", "b": "x y"})

    assert response.status_code == 200
    assert response.json["query"] == [["a", "1"], ["b", "x y"]]


def test_get_appends_data_to_an_existing_query(client: Client) -> None:
    response = client.get("/inspect/?a=1", data={"b": "2"})

    assert response.status_code == 200
    assert response.json["query"] == [["a", "1"], ["b", "2"]]


def test_post_sends_data_as_a_form(client: Client) -> None:
    response = client.post("/form/", data={"title": "Hi", "tags": ["a", "b"]})

    assert response.status_code == 200
    assert response.json == {"fields": [["tags", "a"], ["tags", "b"], ["title", "Hi"]]}


def test_post_json_sends_json(client: Client) -> None:
    response = client.post("/json/", json={"a": [1, 2]})

    assert response.status_code == 200
    assert response.json == {"received": {"a": [1, 2]}}


def test_json_sets_the_content_type(client: Client) -> None:
    response = client.put("/inspect/", json={"a": 1})

    assert response.status_code == 200
    assert response.json["content_type"] == "application/json"


def test_bytes_data_is_sent_as_is(client: Client) -> None:
    response = client.patch("/inspect/", data=b"raw", content_type="text/csv")

    assert response.status_code == 200
    assert (response.json["body"], response.json["content_type"]) == ("raw", "text/csv")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_each_method_is_sent(client: Client, method: str) -> None:
    response = getattr(client, method)("/inspect/")

    assert response.status_code == 200
    assert response.json["method"] == method.upper()


def test_head_gets_headers_without_body(client: Client) -> None:
    response = client.head("/head/")

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Length"] == str(len(b"body of get"))


def test_options_is_sent(client: Client) -> None:
    response = client.options("/head/")

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_headers_are_sent(client: Client) -> None:
    response = client.get("/inspect/", headers={"X-Test": "yes"})

    assert response.status_code == 200
    assert response.json["x_test"] == "yes"


def test_default_headers_are_sent_with_every_request(settings: Any) -> None:
    from core.handlers import WSGIHandler

    settings.ROOT_URLCONF = __name__
    client = Client(WSGIHandler(), headers={"X-Test": "default"})

    response = client.get("/inspect/")

    assert response.status_code == 200
    assert response.json["x_test"] == "default"


def test_host_is_sent(settings: Any) -> None:
    from core.handlers import WSGIHandler

    settings.ROOT_URLCONF = __name__
    client = Client(WSGIHandler(), host="www.example.com")

    response = client.get("/inspect/")

    assert response.status_code == 200
    assert response.json["host"] == "www.example.com"


def test_cookies_are_kept_across_requests(client: Client) -> None:
    client.get("/set-cookie/")

    response = client.get("/inspect/")

    assert response.status_code == 200
    assert response.json["cookies"] == {"flavour": "oatmeal", "size": "large"}


def test_deleted_cookie_is_no_longer_sent(client: Client) -> None:
    client.get("/set-cookie/")
    client.get("/delete-cookie/")

    response = client.get("/inspect/")

    assert response.status_code == 200
    assert response.json["cookies"] == {"size": "large"}


def test_set_cookie_sends_a_cookie(client: Client) -> None:
    client.set_cookie("token", "abc")

    response = client.get("/inspect/")

    assert response.status_code == 200
    assert response.json["cookies"] == {"token": "abc"}


def test_redirect_is_not_followed_by_default(client: Client) -> None:
    response = client.get("/hop-1/")

    assert response.status_code == 302
    assert response.url == "/hop-2/"


def test_follow_records_the_redirect_chain(client: Client) -> None:
    response = client.get("/hop-1/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [("/hop-2/", 302), ("/inspect/?from=hop-2", 301)]
    assert response.json["query"] == [["from", "hop-2"]]


def test_follow_turns_a_post_into_a_get(client: Client) -> None:
    response = client.post("/hop-1/", data={"a": "1"}, follow=True)

    assert response.status_code == 200
    assert (response.json["method"], response.json["body"]) == ("GET", "")


def test_follow_keeps_method_and_body_on_307(client: Client) -> None:
    response = client.post("/temporary/", data={"a": "1"}, follow=True)

    assert response.status_code == 200
    assert (response.json["method"], response.json["body"]) == ("POST", "a=1")
    assert response.redirect_chain == [("/inspect/", 307)]


def test_follow_stops_at_another_site(client: Client) -> None:
    response = client.get("/off-site/", follow=True)

    assert response.status_code == 302
    assert response.redirect_chain == [("https://elsewhere.test/", 302)]


def test_follow_refuses_a_redirect_loop(client: Client) -> None:
    with pytest.raises(RuntimeError, match="Redirect loop"):
        client.get("/loop/", follow=True)


def test_response_text_is_decoded_with_its_charset(client: Client) -> None:
    response = client.get("/inspect/", data={"q": "café"})

    assert response.status_code == 200
    assert "café" in response.text


def test_response_to_a_broken_application_fails_the_test() -> None:
    def broken(environ: Any, start_response: Any) -> list[str]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["not bytes"]

    with pytest.raises(AssertionError):
        Client(broken).get("/")
