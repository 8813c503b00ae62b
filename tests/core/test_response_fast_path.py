"""Response's fast constructor: every response it builds is the one WebOb would build."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Mapping
from typing import Any

import pytest
import webob

from core.http import JsonResponse, Response


class PlainWebOb(webob.Response):
    """What WebOb's own constructor builds, with Response's defaults."""

    default_content_type = "text/html"
    default_charset = "UTF-8"


Outcome = tuple[Any, ...]

BODIES: list[Any] = [None, b"", b"caf\xc3\xa9", "", "café", "☃ snow"]
CONTENT_TYPES: list[str | None] = [
    None,
    "text/plain",
    "text/html",
    "application/json",
    "application/xml",
    "image/png",
    "text/plain; charset=latin-1",
]
STATUSES: list[int | str | None] = [None, 200, 201, 404, 500, 301, 204, 304, "404 Not Found", 799]


def outcome(cls: type[webob.Response], *args: Any, **kwargs: Any) -> Outcome:
    """Build a response; return what a client could tell apart, or the exception raised."""
    try:
        response = cls(*args, **kwargs)
    except (TypeError, ValueError, KeyError) as exc:
        return type(exc), str(exc)
    return (
        response.status,
        response.status_code,
        response.headerlist,
        response.body,
        list(response.app_iter),
        response.conditional_response,
        response.content_type,
        response.charset,
        response.content_length,
    )


def served(cls: type[webob.Response], *args: Any, **kwargs: Any) -> Outcome:
    """What a WSGI client receives from the response."""
    response = webob.Request.blank("/").get_response(cls(*args, **kwargs))
    return response.status, response.headerlist, response.body


def kwargs_of(content_type: str | None, status: int | str | None) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if content_type is not None:
        given["content_type"] = content_type
    if status is not None:
        given["status"] = status
    return given


@pytest.mark.parametrize(
    ("body", "content_type", "status"), list(itertools.product(BODIES, CONTENT_TYPES, STATUSES))
)
def test_body_content_type_and_status_build_what_webob_builds(
    body: Any, content_type: str | None, status: int | str | None
) -> None:
    given = kwargs_of(content_type, status)

    assert outcome(Response, body, **given) == outcome(PlainWebOb, body, **given)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (None, None, None),
        ("café", None, None),
        (b"\x89PNG", "image/png", 201),
        ("<a/>", "application/xml", 404),
        ("{}", "text/plain; charset=latin-1", 500),
        ("", "text/html", 301),
    ],
)
def test_served_response_matches_webob(
    body: Any, content_type: str | None, status: int | str | None
) -> None:
    given = kwargs_of(content_type, status)

    assert served(Response, body, **given) == served(PlainWebOb, body, **given)


def test_no_arguments_build_an_empty_utf8_html_page() -> None:
    assert outcome(Response) == outcome(PlainWebOb)
    assert Response().headerlist == [
        ("Content-Type", "text/html; charset=UTF-8"),
        ("Content-Length", "0"),
    ]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        pytest.param((b"x", 201), {}, id="positional-status"),
        pytest.param((b"x", None, None, None, "text/plain"), {}, id="positional-content-type"),
        pytest.param(
            ("é", None, None, None, "text/plain", None, "latin-1"), {}, id="positional-charset"
        ),
        pytest.param(("café",), {"charset": "latin-1"}, id="charset"),
        pytest.param(("café",), {"charset": "UTF-8"}, id="charset-utf8"),
        pytest.param(("café",), {"charset": None}, id="charset-none"),
        pytest.param(
            ("café",), {"content_type": "text/plain", "charset": "latin-1"}, id="type-and-charset"
        ),
        pytest.param(
            ("café",), {"content_type": "application/json", "charset": "UTF-8"}, id="json-charset"
        ),
        pytest.param((b"x",), {"conditional_response": True}, id="conditional"),
        pytest.param((b"x",), {"conditional_response": False}, id="not-conditional"),
        pytest.param(
            (b"x",), {"headerlist": [("Content-Type", "text/plain")]}, id="headerlist-type"
        ),
        pytest.param(
            (b"xyz",), {"headerlist": [("Content-Length", "99"), ("X-A", "1")]}, id="headerlist"
        ),
        pytest.param((), {"headerlist": [], "status": 204}, id="headerlist-204"),
        pytest.param((), {"app_iter": [b"a", b"b"]}, id="app-iter"),
        pytest.param(
            (), {"app_iter": [b"a"], "content_type": "image/png", "status": 201}, id="app-iter-png"
        ),
        pytest.param((b"x",), {"cache_control": "max-age=60"}, id="cache-control"),
        pytest.param((b"x",), {"cache_control": {"max_age": 60}}, id="cache-control-dict"),
        pytest.param((b"",), {"status": 302, "location": "/next/"}, id="location"),
        pytest.param((b"x",), {"etag": "abc"}, id="etag"),
        pytest.param((), {"json_body": {"a": [1, 2]}}, id="json-body"),
        pytest.param((), {"json": {"a": 1}, "status": 201}, id="json"),
        pytest.param(("x",), {"content_type": "text/plain", "status": "201 Created"}, id="str-201"),
        pytest.param(("x",), {"status": "200"}, id="str-200"),
        pytest.param(("x",), {"status": 299}, id="unlisted-2xx"),
        pytest.param(("x",), {"status": 100}, id="informational"),
        pytest.param(("x",), {"status": 205}, id="reset-content"),
        pytest.param(("x",), {"content_type": ""}, id="empty-content-type"),
        pytest.param(("x",), {"content_type": "application/atom+xml"}, id="xml-suffix"),
        pytest.param(("x",), {"content_type": "text/plain; CHARSET=latin-1"}, id="upper-charset"),
        pytest.param(("x",), {"content_type": "text/html; level=1"}, id="type-with-parameter"),
        pytest.param((bytearray(b"x"),), {}, id="bytearray-body"),
    ],
)
def test_other_arguments_build_what_webob_builds(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    # Each side gets its own copy: WebOb keeps a given headerlist or app_iter as it is.
    mine = outcome(Response, *args, **copy.deepcopy(kwargs))
    theirs = outcome(PlainWebOb, *args, **copy.deepcopy(kwargs))

    assert mine == theirs


@pytest.mark.parametrize(
    ("body", "kwargs", "error"),
    [
        ("café", {"content_type": "image/png"}, TypeError),
        ("{}", {"content_type": "application/json"}, TypeError),
        ("x", {"content_type": "application/octet-stream", "status": 201}, TypeError),
        (b"x", {"status": 799}, KeyError),
        (b"x", {"status": "abc"}, ValueError),
        (b"x", {"app_iter": [b"y"]}, TypeError),
        (b"x", {"no_such_attribute": 1}, TypeError),
        (42, {}, TypeError),
    ],
)
def test_refused_arguments_raise_what_webob_raises(
    body: Any, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error) as mine:
        Response(body, **kwargs)
    with pytest.raises(error) as theirs:
        PlainWebOb(body, **kwargs)

    assert str(mine.value) == str(theirs.value)


@pytest.mark.parametrize(
    ("content_type", "charset"),
    [("text/plain", "latin-1"), ("application/json", None), ("image/png", "UTF-8"), (None, None)],
)
@pytest.mark.parametrize("base_first", [True, False])
def test_a_subclass_gets_the_headers_of_its_own_defaults(
    content_type: str | None, charset: str | None, base_first: bool
) -> None:
    defaults = {"default_content_type": content_type, "default_charset": charset}
    Mine = type("Mine", (Response,), defaults)
    Theirs = type("Theirs", (PlainWebOb,), defaults)
    if base_first:
        Response(b"warm the cache of the base class")

    for body in (b"bytes", None):
        assert outcome(Mine, body) == outcome(Theirs, body)
        assert outcome(Mine, body, status=201) == outcome(Theirs, body, status=201)
    assert outcome(Mine, "é") == outcome(Theirs, "é")
    assert outcome(Response, "é") == outcome(PlainWebOb, "é")


def test_a_subclass_with_another_default_does_not_change_the_base_class_headers() -> None:
    class Latin(Response):
        default_charset = "latin-1"

    latin = Latin("é", content_type="text/plain")
    plain = Response("é", content_type="text/plain")

    assert latin.headerlist == [
        ("Content-Type", "text/plain; charset=latin-1"),
        ("Content-Length", "1"),
    ]
    assert plain.headerlist == [
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Length", "2"),
    ]


def test_a_subclass_default_conditional_response_is_kept() -> None:
    class Conditional(Response):
        default_conditional_response = True

    assert Conditional(b"x").conditional_response is True
    assert Response(b"x").conditional_response is False


def test_a_default_changed_on_the_class_after_use_is_followed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Changing(Response):
        pass

    Changing("before")
    monkeypatch.setattr(Changing, "default_charset", "latin-1")
    monkeypatch.setattr(PlainWebOb, "default_charset", "latin-1")

    assert outcome(Changing, "é") == outcome(PlainWebOb, "é")


def test_changing_one_response_leaves_the_next_alone() -> None:
    first = Response("abc", content_type="text/plain", status=201)
    first.headerlist.append(("X-First", "1"))
    first.headers["Content-Type"] = "image/png"
    app_iter: Any = first.app_iter
    app_iter.append(b"more")
    first.status = 404

    second = Response("abc", content_type="text/plain", status=201)

    assert second.headerlist is not first.headerlist
    assert second.headerlist == [
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Length", "3"),
    ]
    assert (second.status, second.body) == ("201 Created", b"abc")


@pytest.mark.parametrize("cls", [Response, PlainWebOb])
def test_a_fast_response_changes_as_webob_s_does(cls: type[webob.Response]) -> None:
    response = cls("abc")
    response.headers["X-Extra"] = "1"
    response.text = "héllo"
    response.content_type = "text/plain"

    assert response.headerlist == [
        ("X-Extra", "1"),
        ("Content-Length", "6"),
        ("Content-Type", "text/plain; charset=UTF-8"),
    ]
    assert response.body == "héllo".encode()


def old_json_response(data: Any, *, status: Any = 200, **kwargs: Any) -> PlainWebOb:
    """JsonResponse as it was built before the fast path: through WebOb's constructor."""
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    headerlist = [
        ("Content-Type", kwargs.pop("content_type", "application/json")),
        ("Content-Length", str(len(body))),
    ]
    extra = kwargs.pop("headers", None)
    if extra:
        headerlist.extend(extra.items() if isinstance(extra, Mapping) else extra)
    return PlainWebOb(status=status, headerlist=headerlist, app_iter=[body], **kwargs)


def json_outcome(build: Any, *args: Any, **kwargs: Any) -> Outcome:
    try:
        response = build(*args, **kwargs)
    except (TypeError, ValueError, KeyError) as exc:
        return type(exc), str(exc)
    return (
        response.status,
        response.headerlist,
        response.body,
        response.conditional_response,
        response.content_type,
        response.charset,
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({}, id="default"),
        pytest.param({"status": 200}, id="200"),
        pytest.param({"status": 201}, id="201"),
        pytest.param({"status": 400}, id="400"),
        pytest.param({"status": 404}, id="404"),
        pytest.param({"status": 500}, id="500"),
        pytest.param({"status": 299}, id="unlisted-2xx"),
        pytest.param({"status": 204}, id="204"),
        pytest.param({"status": 304}, id="304"),
        pytest.param({"status": "418 Teapot"}, id="status-line"),
        pytest.param({"status": 799}, id="unknown"),
        pytest.param({"headers": {"X-A": "1", "Cache-Control": "no-store"}}, id="headers-dict"),
        pytest.param({"headers": [("X-A", "1"), ("X-A", "2")]}, id="headers-list"),
        pytest.param({"headers": {}}, id="headers-empty"),
        pytest.param({"status": 400, "headers": [("X-A", "1")]}, id="400-headers"),
        pytest.param({"content_type": "application/problem+json"}, id="content-type"),
        pytest.param({"conditional_response": True}, id="conditional"),
        pytest.param({"cache_control": "no-cache", "status": 201}, id="cache-control"),
    ],
)
def test_json_response_builds_what_webob_built(kwargs: dict[str, Any]) -> None:
    data = {"name": "café", "items": [1, 2]}

    mine = json_outcome(JsonResponse, data, **copy.deepcopy(kwargs))
    theirs = json_outcome(old_json_response, data, **copy.deepcopy(kwargs))

    assert mine == theirs


def test_json_response_with_an_unknown_status_raises_what_webob_raises() -> None:
    with pytest.raises(KeyError):
        JsonResponse({}, status=799)
    with pytest.raises(KeyError):
        old_json_response({}, status=799)


def test_json_response_keeps_the_callers_header_list_apart() -> None:
    extra = [("X-A", "1")]
    first = JsonResponse({}, headers=extra)
    first.headerlist.append(("X-B", "2"))

    second = JsonResponse({}, headers=extra)

    assert extra == [("X-A", "1")]
    assert second.headerlist == [
        ("Content-Type", "application/json"),
        ("Content-Length", "2"),
        ("X-A", "1"),
    ]
