"""Reversing URL names: arguments, queries, namespaces, quoting and the errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.http import Request, Response
from core.urls import NoReverseMatch, include, mount, path, re_path, reverse


def view(request: Request, **kwargs: Any) -> Response:
    return Response("ok")


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b""]


blog_patterns = ([path("", view, name="index"), path("<slug:slug>/", view, name="post")], "blog")
inner_patterns = ([path("leaf/<int:n>/", view, name="leaf")], "inner")

urlpatterns = [
    path("", view, name="home"),
    path("articles/<int:pk>/", view, name="article"),
    path("pages/<name>/", view, name="page"),
    path("files/<path:rest>", view, name="files"),
    path("uuid/<uuid:id>/", view, name="uuid"),
    path("two/<int:a>/<int:b>/", view, name="two"),
    path("defaults/", view, {"flag": True}, name="defaults"),
    re_path(r"^archive/(?P<year>[0-9]{4})/$", view, name="archive"),
    re_path(r"^positional/([0-9]{4})/([a-z]+)/$", view, name="positional"),
    re_path(r"^(?:alt|other)/$", view, name="unreversible"),
    path("news/", include(blog_patterns, namespace="news")),
    path("blog/", include(blog_patterns)),
    path("outer/", include(([path("in/", include(inner_patterns))], "outer"))),
    path("multi/<int:pk>/", view, name="multi"),
    path("multi/<slug:slug>/", view, name="multi"),
    mount("legacy/", wsgi_app, name="legacy"),
    path("<path:anything>", view, name="anything"),
]


def rev(name: str, /, *args: Any, **kwargs: Any) -> str:
    query = kwargs.pop("query", None)
    return reverse(name, args or None, kwargs or None, query=query, urlconf=__name__)


def test_reverse_without_arguments() -> None:
    assert rev("home") == "/"


def test_reverse_with_kwargs() -> None:
    assert rev("article", pk=42) == "/articles/42/"


def test_reverse_with_args() -> None:
    assert rev("two", 1, 2) == "/two/1/2/"


def test_reverse_with_a_uuid() -> None:
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")

    assert rev("uuid", id=value) == f"/uuid/{value}/"


def test_reverse_with_a_query() -> None:
    assert rev("home", query={"q": "a b", "page": 2}) == "/?q=a+b&page=2"


def test_reverse_with_a_query_of_repeated_keys() -> None:
    assert rev("home", query=[("tag", "a"), ("tag", "b")]) == "/?tag=a&tag=b"


def test_reverse_with_a_query_list_value() -> None:
    assert rev("home", query={"tag": ["a", "b"]}) == "/?tag=a&tag=b"


def test_reverse_quotes_unsafe_characters() -> None:
    assert rev("page", name="a b?c#d%") == "/pages/a%20b%3Fc%23d%25/"


def test_reverse_quotes_non_ascii_as_utf8() -> None:
    assert rev("page", name="café") == "/pages/caf%C3%A9/"


def test_reverse_keeps_slashes_of_a_path_parameter() -> None:
    assert rev("files", rest="a/b c.txt") == "/files/a/b%20c.txt"


def test_reverse_never_builds_a_protocol_relative_url() -> None:
    assert rev("anything", anything="/evil.com") == "/%2Fevil.com"


def test_reverse_of_a_regex_pattern() -> None:
    assert rev("archive", year=2024) == "/archive/2024/"


def test_reverse_of_positional_groups() -> None:
    assert rev("positional", 2024, "may") == "/positional/2024/may/"


def test_reverse_checks_values_against_the_regex() -> None:
    with pytest.raises(NoReverseMatch):
        rev("archive", year=24)


def test_reverse_checks_values_against_the_converter() -> None:
    with pytest.raises(NoReverseMatch):
        rev("article", pk="abc")


def test_reverse_refuses_a_slash_in_a_str_parameter() -> None:
    with pytest.raises(NoReverseMatch):
        rev("page", name="a/b")


def test_reverse_picks_the_pattern_that_fits_the_arguments() -> None:
    assert (rev("multi", pk=1), rev("multi", slug="x-y")) == ("/multi/1/", "/multi/x-y/")


def test_reverse_accepts_matching_default_kwargs() -> None:
    assert rev("defaults", flag=True) == "/defaults/"


def test_reverse_refuses_a_different_default_kwarg() -> None:
    with pytest.raises(NoReverseMatch):
        rev("defaults", flag=False)


def test_reverse_with_an_instance_namespace() -> None:
    assert rev("news:post", slug="hi") == "/news/hi/"


def test_reverse_with_the_app_namespace_finds_the_default_instance() -> None:
    # As in Django: the instance whose namespace is the app name is the default one.
    assert rev("blog:post", slug="hi") == "/blog/hi/"


def test_reverse_with_nested_namespaces() -> None:
    assert rev("outer:inner:leaf", n=3) == "/outer/in/leaf/3/"


def test_reverse_of_a_mounted_application() -> None:
    assert rev("legacy") == "/legacy/"


def test_args_and_kwargs_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        reverse("two", [1], {"b": 2}, urlconf=__name__)


def test_unknown_name_suggests_a_close_one() -> None:
    with pytest.raises(NoReverseMatch, match="'artcle' is not the name") as info:
        rev("artcle")
    assert "Did you mean 'article'?" in str(info.value)


def test_unknown_namespace_is_named() -> None:
    with pytest.raises(NoReverseMatch, match="'shop' is not a registered namespace"):
        rev("shop:index")


def test_wrong_arguments_list_the_patterns_tried() -> None:
    with pytest.raises(NoReverseMatch) as info:
        rev("article", slug="x")
    message = str(info.value)
    assert "Reverse for 'article'" in message
    assert "{'slug': 'x'}" in message
    assert "articles/<int:pk>/" in message


def test_missing_arguments_are_refused() -> None:
    with pytest.raises(NoReverseMatch, match="1 pattern"):
        rev("article")


def test_unreversible_regex_is_not_offered() -> None:
    with pytest.raises(NoReverseMatch, match="not the name"):
        rev("unreversible")


def test_reverse_uses_root_urlconf_by_default() -> None:
    assert reverse("article", kwargs={"pk": 7}) == "/articles/7/"


def test_reverse_follows_a_changed_root_urlconf(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__

    assert reverse("two", [1, 2]) == "/two/1/2/"
