"""Messages through MessageMiddleware, on the session and the cookie storage."""

from __future__ import annotations

from collections.abc import Callable

from core.testing import Client

MakeSite = Callable[..., Client]


def test_a_message_is_shown_on_the_next_request(make_site: MakeSite) -> None:
    client = make_site()
    assert client.get("/add/", {"text": "Saved."}).status_code == 200
    response = client.get("/show/")
    assert response.status_code == 200
    assert response.text == "success:Saved."


def test_a_message_is_shown_only_once(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/")
    client.get("/show/")
    assert client.get("/show/").text == ""


def test_an_unread_message_is_kept_for_a_later_request(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/", {"text": "Saved."})
    client.get("/plain/")
    client.get("/count/")  # len() does not mark them as shown
    assert client.get("/show/").text == "success:Saved."


def test_messages_accumulate_in_order_until_shown(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/", {"text": "One.", "level": "info"})
    client.get("/add/", {"text": "Two.", "level": "error"})
    assert client.get("/show/").text == "info:One. | error:Two."


def test_a_message_added_after_showing_waits_for_the_next_request(make_site: MakeSite) -> None:
    client = make_site()
    assert client.get("/add-and-show/").text == "First."
    assert client.get("/show/").text == "info:Second."


def test_debug_messages_are_dropped_by_default(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/", {"text": "Noise.", "level": "debug"})
    assert client.get("/show/").text == ""


def test_a_template_shows_them_escaped_with_their_tags(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/", {"text": "<b>Saved</b>", "level": "warning"})
    response = client.get("/page/")
    assert response.status_code == 200
    assert '<li class="warning">&lt;b&gt;Saved&lt;/b&gt;</li>' in response.text
    assert client.get("/show/").text == ""


def test_a_lazily_rendered_template_uses_them_up_too(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/", {"text": "Saved."})
    assert "Saved." in client.get("/lazy/").text
    assert client.get("/show/").text == ""


def test_a_request_without_messages_sets_no_cookie(make_site: MakeSite) -> None:
    response = make_site().get("/plain/")
    assert "Set-Cookie" not in response.headers


def test_the_cookie_goes_once_the_messages_are_shown(make_site: MakeSite) -> None:
    client = make_site()
    client.get("/add/")
    client.get("/show/")
    assert client.cookies == {}
