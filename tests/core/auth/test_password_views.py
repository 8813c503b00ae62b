"""Password change and reset (Django's flow) through the real middleware and the client."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from sqlalchemy.orm import Session

from core.auth.forms import PasswordResetForm, encode_uid
from core.auth.models import User
from core.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from core.mail import EmailMessage
from tests.core.auth.conftest import PASSWORD, Browser

NEW = "an even longer and stranger phrase"
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")
RESET = "/accounts/password_reset/"


# -- password change ----------------------------------------------------------------------


def change(browser: Browser, old: str = PASSWORD, new: str = NEW, again: str | None = None) -> Any:
    fields = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return browser.submit("/accounts/password_change/", fields)


def test_password_change_needs_a_login(browser: Browser) -> None:
    response = browser.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_password_change_form_asks_for_the_current_password_first(
    browser: Browser, user: User
) -> None:
    browser.log_in()

    page = browser.get("/accounts/password_change/").text

    assert page.index('name="old_password"') < page.index('name="new_password1"')
    assert "no-store" in browser.get("/accounts/password_change/").headers["Cache-Control"]


def test_password_change_sets_the_password_and_keeps_this_session(
    browser: Browser, user: User, db: Session
) -> None:
    browser.log_in()

    response = change(browser)

    assert response.status_code == 302
    assert response.url == "/accounts/password_change/done/"
    db.refresh(user)
    assert user.check_password(NEW)
    assert browser.whoami() == "user=ada"
    assert "Password changed" in browser.get("/accounts/password_change/done/").text


def test_password_change_ends_the_other_sessions(browser: Browser, user: User) -> None:
    other = Browser(browser.app)
    other.log_in()
    browser.log_in()

    change(browser)

    assert other.whoami() == "user=anonymous"


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong", NEW, None, "entered incorrectly"),
        (PASSWORD, NEW, "something else entirely", "do not match"),
        (PASSWORD, "short", None, "too short"),
        (PASSWORD, "12345678901234", None, "entirely numeric"),
    ],
)
def test_password_change_refuses_bad_input(
    browser: Browser, user: User, db: Session, old: str, new: str, again: str | None, message: str
) -> None:
    browser.log_in()

    response = change(browser, old, new, again)

    assert response.status_code == 200
    assert message in response.text
    db.refresh(user)
    assert user.check_password(PASSWORD)


# -- password reset: the request ----------------------------------------------------------


def ask(browser: Browser, email: str) -> Any:
    return browser.submit(RESET, {"email": email})


def test_reset_mails_a_link_to_the_user(
    browser: Browser, make_user: Any, mailoutbox: list[EmailMessage]
) -> None:
    make_user(email="ada@example.com")

    response = ask(browser, "ADA@example.com")

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    (message,) = mailoutbox
    assert message.to == ["ada@example.com"]
    assert "Reset your password" in message.subject
    assert LINK.search(message.body)


def test_reset_answers_the_same_for_known_and_unknown_addresses(
    browser: Browser, make_user: Any, mailoutbox: list[EmailMessage]
) -> None:
    make_user(email="ada@example.com")

    known = ask(browser, "ada@example.com")
    unknown = ask(browser, "nobody@example.com")

    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.text == unknown.text
    assert len(mailoutbox) == 1


def test_reset_does_the_same_work_for_an_unknown_address(
    browser: Browser, make_user: Any, mailoutbox: list[EmailMessage]
) -> None:
    make_user(email="ada@example.com")
    calls: dict[str, list[str]] = {}
    for email in ("ada@example.com", "nobody@example.com"):
        with (
            mock.patch.object(PasswordResetTokenGenerator, "make_token", autospec=True) as token,
            mock.patch.object(PasswordResetForm, "_message", autospec=True) as message,
        ):
            token.return_value = "x-y"
            ask(browser, email)
        calls[email] = [f"token:{token.call_count}", f"render:{message.call_count}"]

    assert calls["ada@example.com"] == calls["nobody@example.com"] == ["token:1", "render:1"]


def test_reset_mails_nobody_inactive_or_without_a_usable_password(
    browser: Browser, make_user: Any, mailoutbox: list[EmailMessage]
) -> None:
    make_user("idle", email="idle@example.com", is_active=False)
    make_user("nopass", password=None, email="nopass@example.com")

    ask(browser, "idle@example.com")
    ask(browser, "nopass@example.com")

    assert mailoutbox == []


def test_reset_link_uses_the_checked_host(
    browser: Browser, make_user: Any, mailoutbox: list[EmailMessage], site: Any
) -> None:
    site.ALLOWED_HOSTS = ["shop.example.com"]
    make_user(email="ada@example.com")
    shop = Browser(browser.app, headers={"Host": "shop.example.com"})

    ask(shop, "ada@example.com")

    (message,) = mailoutbox
    assert "http://shop.example.com/accounts/reset/" in message.body


def test_reset_with_a_host_not_allowed_is_refused_and_sends_nothing(
    browser: Browser, make_user: Any, mailoutbox: list[EmailMessage], site: Any
) -> None:
    site.ALLOWED_HOSTS = ["shop.example.com"]
    make_user(email="ada@example.com")
    evil = Browser(browser.app, headers={"Host": "evil.example.net"})

    response = evil.post(RESET, {"email": "ada@example.com"})

    assert response.status_code == 400
    assert mailoutbox == []


def test_a_malformed_address_is_a_form_error(
    browser: Browser, mailoutbox: list[EmailMessage]
) -> None:
    response = ask(browser, "not an address")

    assert response.status_code == 200
    assert "email" in response.text.lower()
    assert mailoutbox == []


# -- password reset: the link -------------------------------------------------------------


def emailed_link(browser: Browser, mailoutbox: list[EmailMessage]) -> str:
    ask(browser, "ada@example.com")
    found = LINK.search(mailoutbox[-1].body)
    assert found, mailoutbox[-1].body
    return found.group(1)


def set_password(browser: Browser, link: str, new: str = NEW) -> Any:
    page = browser.get(link)
    assert page.status_code == 302, page.text
    form = page.url
    return form, browser.submit(form, {"new_password1": new, "new_password2": new})


@pytest.fixture
def ada(make_user: Any) -> User:
    user: User = make_user(email="ada@example.com")
    return user


def test_the_link_sets_a_new_password(
    browser: Browser, ada: User, mailoutbox: list[EmailMessage], db: Session
) -> None:
    link = emailed_link(browser, mailoutbox)

    form, response = set_password(browser, link)

    assert form.endswith("/set-password/")
    assert response.status_code == 302
    assert response.url == "/accounts/reset/done/"
    db.refresh(ada)
    assert ada.check_password(NEW)
    assert "Log in" in browser.get("/accounts/reset/done/").text


def test_the_token_leaves_the_address_bar_before_the_form(
    browser: Browser, ada: User, mailoutbox: list[EmailMessage]
) -> None:
    link = emailed_link(browser, mailoutbox)
    token = link.rstrip("/").rsplit("/", 1)[1]

    page = browser.get(link)
    form = browser.get(page.url)

    assert page.status_code == 302
    assert token not in page.url
    assert 'name="new_password1"' in form.text
    assert token not in form.text


def test_the_link_works_once(browser: Browser, ada: User, mailoutbox: list[EmailMessage]) -> None:
    link = emailed_link(browser, mailoutbox)
    set_password(browser, link)

    again = Browser(browser.app).get(link)

    assert again.status_code == 200
    assert "does not work" in again.text
    assert 'name="new_password1"' not in again.text


def test_the_link_stops_working_after_a_login(
    browser: Browser, ada: User, mailoutbox: list[EmailMessage]
) -> None:
    link = emailed_link(browser, mailoutbox)
    Browser(browser.app).log_in()

    assert "does not work" in Browser(browser.app).get(link).text


def test_a_tampered_link_does_not_work(
    browser: Browser, ada: User, mailoutbox: list[EmailMessage]
) -> None:
    link = emailed_link(browser, mailoutbox)
    uid, token = link.rstrip("/").split("/")[-2:]
    other = encode_uid(ada.id + 1)

    changed = token[:-1] + ("1" if token.endswith("0") else "0")
    for bad in (
        f"/accounts/reset/{uid}/{changed}/",
        f"/accounts/reset/{other}/{token}/",
        f"/accounts/reset/{uid}/zzzzzzzzz-{token.split('-')[1]}/",
        f"/accounts/reset/!!!/{token}/",
        f"/accounts/reset/{encode_uid('1' * 40)}/{token}/",
        f"/accounts/reset/{uid}/set-password/",
    ):
        response = Browser(browser.app).get(bad)
        assert response.status_code == 200, bad
        assert "does not work" in response.text, bad


def test_the_set_password_form_checks_the_validators(
    browser: Browser, ada: User, mailoutbox: list[EmailMessage], db: Session
) -> None:
    link = emailed_link(browser, mailoutbox)

    _, response = set_password(browser, link, new="short")

    assert response.status_code == 200
    assert "too short" in response.text
    db.refresh(ada)
    assert ada.check_password(PASSWORD)


def test_setting_the_password_ends_the_users_sessions(
    browser: Browser, ada: User, mailoutbox: list[EmailMessage]
) -> None:
    logged_in = Browser(browser.app)
    logged_in.log_in()
    link = emailed_link(browser, mailoutbox)

    set_password(browser, link)

    assert logged_in.whoami() == "user=anonymous"


# -- the token ------------------------------------------------------------------------------


def test_a_token_expires_after_password_reset_timeout(ada: User, settings: Any) -> None:
    token = default_token_generator.make_token(ada)
    later = default_token_generator._now() + settings.PASSWORD_RESET_TIMEOUT + 1

    assert default_token_generator.check_token(ada, token)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        assert not default_token_generator.check_token(ada, token)


def test_a_token_made_with_a_fallback_key_still_works(ada: User, settings: Any) -> None:
    token = default_token_generator.make_token(ada)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a brand new secret key " * 3

    assert default_token_generator.check_token(ada, token)
    settings.SECRET_KEY_FALLBACKS = []
    assert not default_token_generator.check_token(ada, token)


@pytest.mark.parametrize("token", [None, "", "-", "abc", "1-2-3", "ZZZ-abc", "1" * 50 + "-a"])
def test_a_malformed_token_is_refused(ada: User, token: object) -> None:
    assert not default_token_generator.check_token(ada, token)
