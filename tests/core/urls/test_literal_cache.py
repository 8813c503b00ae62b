"""The root resolver remembers the matches of literal paths, and only of those."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from core.http import Request, Response
from core.testing import Client
from core.types import StartResponse, WSGIEnvironment
from core.urls import Resolver404, get_resolver, include, mount, path, re_path, resolve
from core.urls.resolvers import URLResolver


def view(request: Request, *args: Any, **kwargs: Any) -> Response:
    return Response(f"args={args!r} kwargs={sorted(kwargs.items())!r}")


def other(request: Request, *args: Any, **kwargs: Any) -> Response:
    return Response("other")


def meddling(request: Request, **kwargs: Any) -> Response:
    """Report the match, then spoil it, as a careless view or middleware might."""
    match = request.resolver_match
    assert match is not None
    body = f"{sorted(match.kwargs.items())!r} {match.namespaces!r} {match.app_names!r}"
    match.kwargs["spoilt"] = True
    match.kwargs.pop("flag", None)
    match.namespaces.append("spoilt")
    match.app_names.clear()
    return Response(body)


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}".encode()]


inner_patterns = (
    [
        path("leaf/", view, name="leaf"),
        path("leaf/<int:n>/", view, name="leaf-n"),
        path("meddle/", meddling, {"flag": "inner"}, name="meddle"),
    ],
    "inner",
)
shop_patterns = (
    [
        path("", view, name="index"),
        path("cart/", view, {"step": 1}, name="cart"),
        path("nested/", include(inner_patterns)),
    ],
    "shop",
)

urlpatterns = [
    path("", view, name="home"),
    path("about/", view, name="about"),
    path("flagged/", view, {"flag": True, "items": [1]}, name="flagged"),
    path("meddle/", meddling, {"flag": "root"}, name="meddle"),
    path("first/<slug:x>/", other, name="slug"),
    path("first/literal/", view, name="shadowed"),
    path("int/<int:pk>/", view, name="int"),
    re_path(r"^regex/$", view, name="regex"),
    re_path(r"^regex/(?P<year>[0-9]{4})/$", view, name="regex-year"),
    path("shop/", include(shop_patterns)),
    path("store/", include(shop_patterns, namespace="store")),
    path("site/", include([path("x/", view, name="site-x")]), {"site": "main"}),
    path("section/<int:section>/", include([path("page/", view, name="section-page")])),
    re_path(r"^area/", include([path("page/", view, name="area-page")])),
    mount("legacy/", echo_app, name="legacy"),
]


@pytest.fixture
def root() -> URLResolver:
    """The root resolver of this URLconf, remembering nothing yet."""
    resolver = get_resolver(__name__)
    resolver._literal_matches.clear()
    return resolver


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client(ROOT_URLCONF=__name__)


def found(path_info: str) -> Any:
    return resolve(path_info, urlconf=__name__)


@pytest.mark.parametrize(
    "path_info",
    ["/", "/about/", "/flagged/", "/shop/cart/", "/store/nested/leaf/", "/site/x/"],
)
def test_a_literal_path_is_remembered(root: URLResolver, path_info: str) -> None:
    found(path_info)

    assert path_info in root._literal_matches


@pytest.mark.parametrize(
    "path_info",
    ["/", "/about/", "/flagged/", "/shop/", "/shop/cart/", "/store/nested/leaf/", "/site/x/"],
)
def test_resolving_a_literal_path_again_gives_an_equal_match(
    root: URLResolver, path_info: str
) -> None:
    first, second, third = found(path_info), found(path_info), found(path_info)

    assert first == second == third
    assert (first.view_name, first.app_name, first.route) == (
        third.view_name,
        third.app_name,
        third.route,
    )


def test_each_resolve_gives_an_independent_match(root: URLResolver) -> None:
    first = found("/store/cart/")
    first.kwargs["step"] = 99
    first.kwargs["extra"] = "x"
    first.namespaces.append("spoilt")
    first.app_names.clear()
    first.args = ("spoilt",)

    second = found("/store/cart/")
    second.kwargs.clear()
    second.namespaces.clear()
    third = found("/store/cart/")

    for match in (second, third):
        assert match is not first
        assert match.kwargs is not first.kwargs
        assert match.namespaces is not first.namespaces
        assert match.app_names is not first.app_names
    assert (third.args, third.kwargs, third.namespaces, third.app_names) == (
        (),
        {"step": 1},
        ["store"],
        ["shop"],
    )
    assert third.view_name == "store:cart"


def test_the_remembered_match_is_not_the_one_handed_out(root: URLResolver) -> None:
    match = found("/flagged/")

    assert root._literal_matches["/flagged/"] is not match
    assert root._literal_matches["/flagged/"].kwargs is not match.kwargs


def test_a_literal_route_shadowed_by_an_earlier_slug_route_stays_shadowed(
    root: URLResolver,
) -> None:
    matches = [found("/first/literal/") for _ in range(3)]

    assert [(m.url_name, m.kwargs) for m in matches] == [("slug", {"x": "literal"})] * 3
    assert "/first/literal/" not in root._literal_matches


@pytest.mark.parametrize(
    ("path_info", "name", "kwargs"),
    [
        ("/int/5/", "int", {"pk": 5}),
        ("/first/hello/", "slug", {"x": "hello"}),
        ("/shop/nested/leaf/3/", "leaf-n", {"n": 3}),
        ("/section/2/page/", "section-page", {"section": 2}),
        ("/regex/", "regex", {}),
        ("/regex/2024/", "regex-year", {"year": "2024"}),
        ("/area/page/", "area-page", {}),
    ],
)
def test_converter_and_regex_routes_are_resolved_but_not_remembered(
    root: URLResolver, path_info: str, name: str, kwargs: dict[str, Any]
) -> None:
    for _ in range(3):
        match = found(path_info)
        assert (match.url_name, match.kwargs) == (name, kwargs)

    assert path_info not in root._literal_matches


def test_only_literal_paths_are_remembered(root: URLResolver) -> None:
    for path_info in ["/int/1/", "/regex/", "/about/", "/area/page/", "/shop/nested/leaf/"]:
        found(path_info)

    assert set(root._literal_matches) == {"/about/", "/shop/nested/leaf/"}


def test_different_values_of_a_converter_route_resolve_each_their_own(root: URLResolver) -> None:
    assert [found(f"/int/{n}/").kwargs for n in (1, 2, 1)] == [{"pk": 1}, {"pk": 2}, {"pk": 1}]


def test_a_mounted_path_is_not_remembered(root: URLResolver) -> None:
    for rest in ["", "a/b", ""]:
        match = found(f"/legacy/{rest}")
        assert (match.url_name, match.kwargs) == ("legacy", {"path_info": rest})

    assert not any(key.startswith("/legacy/") for key in root._literal_matches)


def test_default_kwargs_come_back_on_the_remembered_path(root: URLResolver) -> None:
    for _ in range(3):
        assert found("/flagged/").kwargs == {"flag": True, "items": [1]}
        assert found("/site/x/").kwargs == {"site": "main"}
        assert found("/shop/cart/").kwargs == {"step": 1}


@pytest.mark.parametrize(
    ("path_info", "view_name", "app_name", "namespace", "route"),
    [
        ("/shop/", "shop:index", "shop", "shop", "shop/"),
        ("/store/", "store:index", "shop", "store", "store/"),
        (
            "/store/nested/leaf/",
            "store:inner:leaf",
            "shop:inner",
            "store:inner",
            "store/nested/leaf/",
        ),
        ("/shop/nested/leaf/", "shop:inner:leaf", "shop:inner", "shop:inner", "shop/nested/leaf/"),
        ("/about/", "about", "", "", "about/"),
    ],
)
def test_namespaces_come_back_on_the_remembered_path(
    root: URLResolver, path_info: str, view_name: str, app_name: str, namespace: str, route: str
) -> None:
    for _ in range(3):
        match = found(path_info)
        assert (match.view_name, match.app_name, match.namespace, match.route) == (
            view_name,
            app_name,
            namespace,
            route,
        )


def test_an_unmatched_path_stays_unmatched(root: URLResolver) -> None:
    for _ in range(2):
        with pytest.raises(Resolver404):
            found("/about")

    assert not root._literal_matches


def test_remembered_matches_are_forgotten_with_the_settings(settings: Any) -> None:
    found("/about/")
    before = get_resolver(__name__)
    settings.ALLOWED_HOSTS = ["other.test"]

    after = get_resolver(__name__)

    assert after is not before
    assert "/about/" not in after._literal_matches


@pytest.mark.parametrize(
    ("path_info", "expected"),
    [
        ("/meddle/", "[('flag', 'root')] [] []"),
        ("/store/nested/meddle/", "[('flag', 'inner')] ['store', 'inner'] ['shop', 'inner']"),
    ],
)
def test_a_view_spoiling_its_match_does_not_spoil_the_next_request(
    client: Client, path_info: str, expected: str
) -> None:
    bodies = [client.get(path_info).text for _ in range(3)]

    assert bodies == [expected] * 3


def test_the_client_gets_the_shadowing_route_every_time(client: Client) -> None:
    assert [client.get("/first/literal/").text for _ in range(2)] == ["other", "other"]


def test_the_client_reaches_a_mounted_app_every_time(client: Client) -> None:
    texts = [client.get(p).text for p in ["/legacy/", "/legacy/a", "/legacy/", "/legacy/a"]]

    assert texts == ["/legacy|/", "/legacy|/a", "/legacy|/", "/legacy|/a"]
