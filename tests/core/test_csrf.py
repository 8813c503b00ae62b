"""core.csrf: secrets, masked tokens, get_token, rotate_token, csrf_exempt, template helpers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup
from webob import Request as WebObRequest

from core.context_processors import csrf
from core.csrf import (
    CSRF_SECRET_LENGTH,
    CSRF_TOKEN_LENGTH,
    InvalidTokenFormat,
    check_format,
    cookie_needs_update,
    csrf_exempt,
    get_secret,
    get_token,
    is_exempt,
    mask_secret,
    new_secret,
    rotate_token,
    tokens_match,
    unmask_token,
)
from core.http import Request, Response
from core.templating import render_to_string
from core.views import View


def make_request(cookie: str | None = None) -> Request:
    request = Request(WebObRequest.blank("/").environ)
    if cookie is not None:
        request.environ["HTTP_COOKIE"] = f"csrftoken={cookie}"
    return request


def test_mask_and_unmask_give_back_the_secret() -> None:
    secret = new_secret()

    assert unmask_token(mask_secret(secret)) == secret


def test_masked_tokens_differ_each_time() -> None:
    secret = new_secret()

    assert mask_secret(secret) != mask_secret(secret)


def test_token_has_twice_the_secret_length() -> None:
    assert len(mask_secret(new_secret())) == CSRF_TOKEN_LENGTH == 2 * CSRF_SECRET_LENGTH


def test_tokens_match_accepts_a_masked_token_of_the_secret() -> None:
    secret = new_secret()

    assert tokens_match(mask_secret(secret), secret)


def test_tokens_match_accepts_the_bare_secret() -> None:
    # JavaScript may read the cookie and send it as the header, as Django allows.
    secret = new_secret()

    assert tokens_match(secret, secret)


def test_tokens_match_refuses_a_token_of_another_secret() -> None:
    assert not tokens_match(mask_secret(new_secret()), new_secret())


@pytest.mark.parametrize("value", ["short", "a" * 63, "!" * 64, "é" * 32])
def test_check_format_refuses_malformed_tokens(value: str) -> None:
    with pytest.raises(InvalidTokenFormat):
        check_format(value)


def test_get_token_creates_a_secret_and_marks_the_cookie(settings: Any) -> None:
    request = make_request()

    token = get_token(request)

    assert tokens_match(token, get_secret(request) or "")
    assert cookie_needs_update(request)


def test_get_token_uses_the_cookie_secret(settings: Any) -> None:
    secret = new_secret()

    token = get_token(make_request(secret))

    assert unmask_token(token) == secret


def test_malformed_cookie_is_treated_as_absent(settings: Any) -> None:
    request = make_request("not-a-secret")

    assert get_secret(request) is None


def test_rotate_token_replaces_the_secret(settings: Any) -> None:
    secret = new_secret()
    request = make_request(secret)

    rotate_token(request)

    assert get_secret(request) not in (None, secret)
    assert cookie_needs_update(request)


def test_csrf_exempt_marks_a_function_view() -> None:
    @csrf_exempt
    def view(request: Request) -> Response:
        return Response("ok")

    assert is_exempt(view)


def test_csrf_exempt_decorates_a_view_class() -> None:
    @csrf_exempt
    class Hook(View):
        pass

    assert is_exempt(Hook.as_view())


def test_view_class_attribute_exempts_its_as_view_function() -> None:
    class Hook(View):
        csrf_exempt = True

    assert is_exempt(Hook.as_view())


def test_views_are_not_exempt_by_default() -> None:
    class Page(View):
        pass

    assert not is_exempt(Page.as_view())


def test_csrf_input_is_markup_of_a_hidden_field(settings: Any) -> None:
    html = csrf(make_request())["csrf_input"]()

    assert isinstance(html, Markup)
    assert re.fullmatch(r'<input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">', html)


def test_csrf_token_is_lazy(settings: Any) -> None:
    request = make_request()

    csrf(request)

    assert not cookie_needs_update(request)


def test_csrf_token_prints_a_valid_token(settings: Any) -> None:
    request = make_request()

    token = str(csrf(request)["csrf_token"])

    assert tokens_match(token, get_secret(request) or "")


def test_every_template_rendered_with_a_request_gets_csrf_input(
    settings: Any, tmp_path: Path
) -> None:
    (tmp_path / "form.html").write_text("<form>{{ csrf_input() }}</form>", encoding="utf-8")
    settings.TEMPLATES = {"DIRS": [str(tmp_path)], "APP_DIRS": True}

    html = render_to_string("form.html", request=make_request())

    assert re.search(r'<form><input type="hidden" name="csrfmiddlewaretoken" value="\w{64}">', html)
