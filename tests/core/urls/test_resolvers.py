"""Resolving paths: converters, regex groups, includes, namespaces, default kwargs, mount()."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import pytest

from core.exceptions import ImproperlyConfigured, ViewDoesNotExist
from core.http import Request, Response
from core.testing import Client
from core.types import StartResponse, WSGIEnvironment
from core.urls import (
    Resolver404,
    include,
    mount,
    path,
    re_path,
    register_converter,
    resolve,
)
from core.urls.resolvers import RegexPattern, URLResolver
from core.views import View


class FourDigitYear:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if year < 1900:
            raise ValueError("too early")
        return year

    def to_url(self, value: Any) -> str:
        return f"{int(value):04d}"


register_converter(FourDigitYear, "yyyy")


def view(request: Request, *args: Any, **kwargs: Any) -> Response:
    return Response(f"args={args!r} kwargs={sorted(kwargs.items())!r}")


def other(request: Request, *args: Any, **kwargs: Any) -> Response:
    return Response("other")


class Hello(View):
    def get(self, request: Request) -> Response:
        return Response("hello")


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A plain PEP 3333 application reporting where it thinks it lives."""
    body = f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}|{environ['QUERY_STRING']}"
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Legacy", "yes")])
    return [body.encode("latin-1")]


inner_patterns = ([path("leaf/<int:n>/", view, name="leaf")], "inner")
blog_patterns = (
    [
        path("", view, name="index"),
        path("<slug:slug>/", view, name="post"),
        path("nested/", include(inner_patterns)),
    ],
    "blog",
)

urlpatterns = [
    path("", view, name="home"),
    path("hello/", Hello.as_view(), name="hello"),
    path("int/<int:pk>/", view, name="int"),
    path("str/<name>/", view, name="str"),
    path("slug/<slug:slug>/", view, name="slug"),
    path("uuid/<uuid:id>/", view, name="uuid"),
    path("files/<path:rest>", view, name="files"),
    path("year/<yyyy:year>/", view, name="year"),
    path("year/<str:year>/", other, name="year-fallback"),
    path("defaults/", view, {"flag": True}, name="defaults"),
    path("defaults/<int:pk>/", view, {"pk": 0, "extra": "x"}, name="defaults-override"),
    re_path(r"^named/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", view, name="named"),
    re_path(r"^positional/([0-9]{4})/([a-z]+)/$", view, name="positional"),
    re_path(r"^mixed/(?P<year>[0-9]{4})/([a-z]+)/$", view, name="mixed"),
    path("blog/", include(blog_patterns)),
    path("news/", include(blog_patterns, namespace="news")),
    path("with-kwargs/", include([path("x/", view)]), {"site": "main"}),
    path("by-prefix/<int:section>/", include([path("<slug:slug>/", view, name="prefixed")])),
    path("shadowed/", view, name="first"),
    path("shadowed/", other, name="second"),
    mount("legacy/", echo_app, name="legacy"),
]


def found(path_info: str) -> Any:
    return resolve(path_info, urlconf=__name__)


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(ROOT_URLCONF=__name__)


def test_root_path_resolves() -> None:
    assert found("/").url_name == "home"


def test_int_converter_gives_an_int() -> None:
    assert found("/int/42/").kwargs == {"pk": 42}


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", ""])
def test_int_converter_refuses_non_digits(value: str) -> None:
    with pytest.raises(Resolver404):
        found(f"/int/{value}/")


def test_str_converter_is_the_default() -> None:
    assert found("/str/hello world/").kwargs == {"name": "hello world"}


def test_str_converter_refuses_a_slash() -> None:
    with pytest.raises(Resolver404):
        found("/str/a/b/")


def test_slug_converter_accepts_a_slug() -> None:
    assert found("/slug/hello-world_2/").kwargs == {"slug": "hello-world_2"}


@pytest.mark.parametrize("value", ["héllo", "a.b", "a b"])
def test_slug_converter_refuses_other_characters(value: str) -> None:
    with pytest.raises(Resolver404):
        found(f"/slug/{value}/")


def test_uuid_converter_gives_a_uuid() -> None:
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")

    assert found(f"/uuid/{value}/").kwargs == {"id": value}


def test_uuid_converter_refuses_upper_case() -> None:
    with pytest.raises(Resolver404):
        found("/uuid/12345678-1234-5678-1234-56781234567A/")


def test_path_converter_takes_slashes() -> None:
    assert found("/files/a/b/c.txt").kwargs == {"rest": "a/b/c.txt"}


def test_registered_converter_converts() -> None:
    match = found("/year/2024/")

    assert (match.url_name, match.kwargs) == ("year", {"year": 2024})


def test_converter_value_error_moves_on_to_the_next_pattern() -> None:
    match = found("/year/1800/")

    assert (match.url_name, match.kwargs) == ("year-fallback", {"year": "1800"})


def test_registering_a_taken_converter_name_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="'int' is already registered"):
        register_converter(FourDigitYear, "int")


def test_unknown_converter_lists_the_known_ones() -> None:
    with pytest.raises(ImproperlyConfigured, match="Unknown path converter 'nope'") as info:
        path("<nope:x>/", view)
    assert "slug" in str(info.value)


@pytest.mark.parametrize("route", ["<int:pk", "a>b/", "<int:1x>/"])
def test_malformed_route_is_refused(route: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="URL route"):
        path(route, view)


def test_parameter_used_twice_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="twice"):
        path("<int:a>/<int:a>/", view)


def test_invalid_regex_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="invalid"):
        re_path(r"^(unclosed/$", view)


def test_view_class_instead_of_as_view_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"pass Hello.as_view\(\)"):
        path("x/", Hello)


def test_view_as_string_is_refused() -> None:
    with pytest.raises(ViewDoesNotExist, match="import the view"):
        path("x/", "app.views.index")


def test_list_without_include_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="include"):
        path("x/", [path("y/", view)])


def test_namespace_without_app_name_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="app_name"):
        include([path("y/", view)], namespace="ns")


def test_urlconf_without_urlpatterns_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="no 'urlpatterns'"):
        URLResolver(RegexPattern(r"^/", is_endpoint=False), "core.http")


def test_unimportable_urlconf_names_it() -> None:
    with pytest.raises(ImproperlyConfigured, match=r"'tests\.no_such_urls'"):
        URLResolver(RegexPattern(r"^/", is_endpoint=False), "tests.no_such_urls")


def test_named_groups_become_kwargs() -> None:
    match = found("/named/2024/05/")

    assert (match.args, match.kwargs) == ((), {"year": "2024", "month": "05"})


def test_positional_groups_become_args() -> None:
    match = found("/positional/2024/may/")

    assert (match.args, match.kwargs) == (("2024", "may"), {})


def test_named_groups_win_over_positional_ones() -> None:
    match = found("/mixed/2024/may/")

    assert (match.args, match.kwargs) == ((), {"year": "2024"})


def test_regex_anchored_with_dollar_must_match_the_whole_path() -> None:
    with pytest.raises(Resolver404):
        found("/named/2024/05/extra")


def test_first_matching_pattern_wins() -> None:
    assert found("/shadowed/").url_name == "first"


def test_include_with_app_name_sets_the_namespace() -> None:
    match = found("/blog/hello/")

    assert (match.view_name, match.app_name, match.namespace) == ("blog:post", "blog", "blog")


def test_include_with_instance_namespace_keeps_the_app_name() -> None:
    match = found("/news/hello/")

    assert (match.view_name, match.app_name, match.namespace) == ("news:post", "blog", "news")


def test_nested_include_joins_namespaces() -> None:
    match = found("/news/nested/leaf/3/")

    assert (match.view_name, match.app_name, match.kwargs) == (
        "news:inner:leaf",
        "blog:inner",
        {"n": 3},
    )


def test_route_shows_the_whole_pattern() -> None:
    assert found("/news/nested/leaf/3/").route == "news/nested/leaf/<int:n>/"


def test_default_kwargs_reach_the_view() -> None:
    assert found("/defaults/").kwargs == {"flag": True}


def test_default_kwargs_win_over_captured_values() -> None:
    assert found("/defaults/7/").kwargs == {"pk": 0, "extra": "x"}


def test_include_default_kwargs_reach_every_view_below() -> None:
    assert found("/with-kwargs/x/").kwargs == {"site": "main"}


def test_include_prefix_parameters_reach_the_view() -> None:
    assert found("/by-prefix/3/hello/").kwargs == {"section": 3, "slug": "hello"}


def test_unmatched_path_raises_resolver404() -> None:
    with pytest.raises(Resolver404):
        found("/nowhere/")


def test_resolved_view_answers_through_the_client(client: Client) -> None:
    response = client.get("/int/5/")

    assert response.status_code == 200
    assert response.text == "args=() kwargs=[('pk', 5)]"


def test_mounted_app_sees_the_prefix_as_script_name(client: Client) -> None:
    response = client.get("/legacy/a/b", data={"q": "1"})

    assert response.status_code == 201
    assert response.text == "/legacy|/a/b|q=1"


def test_mounted_app_at_its_root_sees_a_slash(client: Client) -> None:
    response = client.get("/legacy/")

    assert response.status_code == 201
    assert response.text == "/legacy|/|"


def test_mounted_app_keeps_its_headers(client: Client) -> None:
    response = client.get("/legacy/x")

    assert response.status_code == 201
    assert response.headers["X-Legacy"] == "yes"


def test_mounted_app_gets_raw_non_ascii_path(client: Client) -> None:
    response = client.get("/legacy/caf%C3%A9")

    assert response.status_code == 201
    assert response.content == "/legacy|/café|".encode()


def test_mounted_app_under_a_script_name_extends_it(client: Client) -> None:
    response = client.get("/legacy/x", environ={"SCRIPT_NAME": "/site"})

    assert response.status_code == 201
    assert response.text == "/site/legacy|/x|"


def test_mount_route_must_end_with_a_slash() -> None:
    with pytest.raises(ImproperlyConfigured, match="must end with a slash"):
        mount("legacy", echo_app)
