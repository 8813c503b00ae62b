"""Redirects built from non-ASCII or hostile targets: an encoded Location, or a logged 400."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.encoding import iri_to_uri
from core.exceptions import DisallowedRedirect
from core.http import HTTPFound, Response
from core.shortcuts import redirect
from core.testing import Client
from core.urls import NoReverseMatch
from tests.core.auth.conftest import Browser


def assert_uri(location: str | None) -> str:
    assert location is not None
    assert location.isascii(), location
    assert not any(char in location for char in ' \t\r\n"<>\\^`{|}')
    return location


# iri_to_uri


@pytest.mark.parametrize(
    ("iri", "uri"),
    [
        ("/articles/café/", "/articles/caf%C3%A9/"),
        ("/search/?q=\u3000x&page=2#top", "/search/?q=%E3%80%80x&page=2#top"),
        ("/already/caf%C3%A9/?a=%20", "/already/caf%C3%A9/?a=%20"),
        ("https://example.com/a b/", "https://example.com/a%20b/"),
        ('/quotes/"<x>"', "/quotes/%22%3Cx%3E%22"),
        ("/keep/;=$&()+,!?*@'~:[]", "/keep/;=$&()+,!?*@'~:[]"),
        (b"/raw/caf\xc3\xa9", "/raw/caf%C3%A9"),
    ],
)
def test_iri_to_uri_encodes_what_a_uri_cannot_hold(iri: str | bytes, uri: str) -> None:
    assert iri_to_uri(iri) == uri


def test_iri_to_uri_twice_changes_nothing() -> None:
    once = iri_to_uri("/café/?q=☃%41")

    assert iri_to_uri(once) == once


# Every way of redirecting


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/cafe/", "/articles/caf%C3%A9/"),
        ("/to/?to=/articles/%E2%98%83/", "/articles/%E2%98%83/"),
        ("/raw-to/?to=/search/%E3%80%80/", "/search/%E3%80%80/"),
        ("/found/", "http://localhost/articles/na%C3%AFve/"),
        ("/go/caf%C3%A9/", "/articles/caf%C3%A9/"),
    ],
)
def test_redirect_to_non_ascii_is_an_encoded_location(
    browser: Browser, target: str, location: str
) -> None:
    response = browser.get(target)

    assert response.status_code == 302
    assert assert_uri(response.headers["Location"]) == location


def test_an_encoded_redirect_is_followed_to_its_page(browser: Browser) -> None:
    response = browser.get("/cafe/", follow=True)

    assert response.status_code == 200
    assert response.text == "article café"


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/articles/caf%C3%A9", "/articles/caf%C3%A9/"),
        ("/articles/caf%C3%A9?q=%E2%98%83", "/articles/caf%C3%A9/?q=%E2%98%83"),
        ("/articles/100%25", "/articles/100%25/"),
    ],
)
def test_append_slash_keeps_the_path_and_query_encoded(
    browser: Browser, target: str, location: str
) -> None:
    response = browser.get(target)

    assert response.status_code == 301
    assert assert_uri(response.headers["Location"]) == location


def test_append_slash_encodes_a_raw_non_ascii_query(browser: Browser) -> None:
    # A client that sends raw UTF-8 bytes: the server passes them as latin-1 text.
    raw = "q=caf\xc3\xa9"

    response = browser.get("/articles/x", environ={"QUERY_STRING": raw})

    assert response.status_code == 301
    assert response.headers["Location"] == "/articles/x/?q=caf%C3%A9"


def test_login_redirect_carries_an_encoded_next(browser: Browser) -> None:
    response = browser.get("/private/?q=%E2%98%83")

    assert response.status_code == 302
    location = assert_uri(response.headers["Location"])
    assert location == "/accounts/login/?next=%2Fprivate%2F%3Fq%3D%25E2%2598%2583"


def test_login_follows_a_next_holding_an_ideographic_space(
    browser: Browser, make_user: Any
) -> None:
    make_user()

    response = browser.log_in(next="/search/\u3000x/")

    assert response.status_code == 302
    assert assert_uri(response.headers["Location"]) == "/search/%E3%80%80x/"


def test_login_then_back_to_a_non_ascii_page(browser: Browser, make_user: Any) -> None:
    make_user()
    login = browser.get("/private/?q=%E2%98%83").headers["Location"]
    browser.get(login)

    response = browser.log_in(next="/private/?q=☃")

    assert response.status_code == 302
    assert response.headers["Location"] == "/private/?q=%E2%98%83"


def test_https_redirect_encodes_the_path(site: Any, db: Any) -> None:
    from core.handlers import WSGIHandler

    site.SECURE_SSL_REDIRECT = True
    client = Client(WSGIHandler())

    response = client.get("/articles/caf%C3%A9/?q=%E2%98%83")

    assert response.status_code == 301
    location = "https://localhost/articles/caf%C3%A9/?q=%E2%98%83"
    assert assert_uri(response.headers["Location"]) == location


# Schemes


HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\tjava\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("view", ["/to/", "/raw-to/"])
def test_redirect_to_a_disallowed_scheme_from_the_request_is_400(
    browser: Browser, view: str, hostile: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = browser.get(view, {"to": hostile})

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "script" not in response.text
    records = [r for r in caplog.records if r.name == "stoa.security.DisallowedRedirect"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("allowed", ["http://example.com/", "HTTPS://example.com/x", "/x:y"])
def test_http_https_and_relative_targets_are_redirected(browser: Browser, allowed: str) -> None:
    response = browser.get("/to/", {"to": allowed})

    assert response.status_code == 302
    assert response.headers["Location"] == allowed


@pytest.mark.parametrize("hostile", HOSTILE)
def test_redirect_response_classes_refuse_a_disallowed_scheme(hostile: str) -> None:
    with pytest.raises(DisallowedRedirect):
        redirect(hostile)
    with pytest.raises(DisallowedRedirect):
        Response(status=302, location=hostile)
    with pytest.raises(DisallowedRedirect):
        HTTPFound(location=hostile)


def test_a_subclass_may_allow_its_own_scheme() -> None:
    class AppRedirect(Response):
        allowed_schemes = frozenset({"http", "https", "myapp"})

    response = AppRedirect(status=302, location="myapp://callback?code=é")

    assert response.headers["Location"] == "myapp://callback?code=%C3%A9"


def test_a_namespaced_name_is_still_reversed(site: Any) -> None:
    assert redirect("blog:detail", slug="café").headers["Location"] == "/blog/caf%C3%A9/"


@pytest.mark.parametrize("name", ["blog:detial", "no-such-name"])
def test_a_mistyped_name_is_still_no_reverse_match(site: Any, name: str) -> None:
    with pytest.raises(NoReverseMatch):
        redirect(name)


def test_an_unregistered_namespace_reads_as_a_scheme(site: Any) -> None:
    with pytest.raises(DisallowedRedirect):
        redirect("nosuchns:login")
