"""cache_page() and the cache middleware: what is stored, for whom, and under which key."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.auth.models import User
from core.handlers import WSGIHandler
from core.testing import Client

STACK = [
    "core.middleware.sessions.SessionMiddleware",
    "core.middleware.auth.AuthenticationMiddleware",
    "core.middleware.db.DatabaseMiddleware",
]
MIDDLEWARE_PAIR = [
    "core.middleware.cache.UpdateCacheMiddleware",
    *STACK,
    "core.middleware.cache.FetchFromCacheMiddleware",
]


@pytest.fixture
def site(settings: Any, db: Session) -> Any:
    settings.ROOT_URLCONF = "tests.core.cache.urls"
    settings.MIDDLEWARE = STACK
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.backends.locmem.LocMemCache",
            "LOCATION": secrets.token_hex(4),
        }
    }
    return settings


@pytest.fixture
def client(site: Any) -> Client:
    return Client(WSGIHandler())


def twice(client: Client, path: str, **kwargs: Any) -> tuple[str, str]:
    return client.get(path, **kwargs).text, client.get(path, **kwargs).text


def test_a_cached_page_is_served_without_running_the_view(client: Client) -> None:
    first, second = twice(client, "/counted/")

    assert first == second
    assert client.get("/plain/").text != client.get("/plain/").text


def test_a_cached_page_says_how_long_it_may_be_kept(client: Client) -> None:
    response = client.get("/counted/")

    assert response.headers["Cache-Control"] == "max-age=60"


def test_the_query_string_is_part_of_the_key(client: Client) -> None:
    assert client.get("/counted/?page=1").text != client.get("/counted/?page=2").text


def test_head_is_answered_from_the_cache_of_get(client: Client) -> None:
    body = client.get("/counted/").text
    head = client.head("/counted/")

    assert head.status_code == 200
    assert head.text == ""
    assert client.get("/counted/").text == body


@pytest.mark.parametrize("path", ["/cookie/", "/private/", "/max-age-0/", "/not-found/"])
def test_responses_that_must_not_be_shared_are_not_stored(client: Client, path: str) -> None:
    first, second = twice(client, path)

    assert first != second


def test_post_is_never_answered_from_the_cache(client: Client) -> None:
    cached = client.get("/counted/").text

    assert client.post("/counted/").text != cached


def test_vary_keeps_one_copy_per_header_value(client: Client) -> None:
    english = twice(client, "/language/", headers={"Accept-Language": "en"})
    french = twice(client, "/language/", headers={"Accept-Language": "fr"})

    assert english[0] == english[1]
    assert french[0] == french[1]
    assert english[0] != french[0]


def test_a_page_that_read_the_session_is_kept_per_visitor(site: Any) -> None:
    first, second = Client(WSGIHandler()), Client(WSGIHandler())
    first.get("/start-session/")
    second.get("/start-session/")

    assert first.get("/session/").text == first.get("/session/").text
    assert first.get("/session/").text != second.get("/session/").text


def logged_in(db: Session) -> Client:
    user = User.create_user(f"u{secrets.token_hex(3)}", "a long unusual phrase", session=db)
    client = Client(WSGIHandler())
    client.force_login(user)
    return client


def test_pages_of_logged_in_users_are_not_stored(site: Any, db: Session) -> None:
    client = logged_in(db)

    first, second = twice(client, "/user/")

    assert first.startswith("user")
    assert first != second


def test_pages_of_logged_in_users_are_stored_when_asked_per_session(site: Any, db: Session) -> None:
    one, other = logged_in(db), logged_in(db)

    mine = twice(one, "/user-too/")

    assert mine[0] == mine[1]
    assert other.get("/user-too/").text != mine[0]


def test_an_anonymous_page_is_not_shown_to_a_logged_in_user_after_login(
    site: Any, db: Session
) -> None:
    anonymous = Client(WSGIHandler()).get("/user/").text
    user = logged_in(db).get("/user/").text

    assert anonymous.startswith("anonymous")
    assert user.startswith("user")


def test_the_middleware_pair_caches_every_shareable_page(site: Any) -> None:
    site.MIDDLEWARE = MIDDLEWARE_PAIR
    site.CACHE_MIDDLEWARE_SECONDS = 30
    client = Client(WSGIHandler())

    first, second = twice(client, "/plain/")

    assert first == second
    assert client.get("/plain/").headers["Cache-Control"] == "max-age=30"


def test_the_middleware_pair_does_not_store_what_sets_a_cookie(site: Any) -> None:
    site.MIDDLEWARE = MIDDLEWARE_PAIR
    client = Client(WSGIHandler())

    first, second = twice(client, "/cookie/")

    assert first != second


def test_the_middleware_pair_keeps_pages_per_host(site: Any) -> None:
    site.MIDDLEWARE = MIDDLEWARE_PAIR
    one = Client(WSGIHandler(), headers={"Host": "a.example.com"})
    two = Client(WSGIHandler(), headers={"Host": "b.example.com"})

    assert one.get("/plain/").text != two.get("/plain/").text
