"""Access control: login_required and the Login-, PermissionRequired- and UserPassesTest mixins."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.auth.models import Permission, User
from tests.core.auth.conftest import Browser


def grant(db: Session, user: User, codename: str) -> None:
    user.user_permissions.append(Permission(codename=codename, name=codename))
    db.flush()


def test_login_required_mixin_redirects_anonymous_users(browser: Browser) -> None:
    response = browser.get("/private/?page=2")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Fprivate%2F%3Fpage%3D2"


def test_login_required_mixin_lets_users_in(browser: Browser, user: User) -> None:
    browser.log_in()
    response = browser.get("/private/")
    assert response.status_code == 200
    assert response.text == "private for ada"


def test_login_then_next_brings_the_user_back(browser: Browser, user: User) -> None:
    login_url = browser.get("/private/").url
    assert login_url is not None
    token = browser.token()
    response = browser.post(
        login_url,
        {"username": "ada", "password": "a long and unusual pass phrase", **_csrf(token)},
        follow=True,
    )
    assert response.status_code == 200
    assert response.text == "private for ada"


def _csrf(token: str | None) -> dict[str, str]:
    return {"csrfmiddlewaretoken": token} if token else {}


def test_login_required_decorator_redirects(browser: Browser) -> None:
    response = browser.get("/function/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=%2Ffunction%2F"


def test_login_required_decorator_lets_users_in(browser: Browser, user: User) -> None:
    browser.log_in()
    assert browser.get("/function/").text == "private function"


def test_login_url_follows_the_setting(browser: Browser, site: Any) -> None:
    site.LOGIN_URL = "/signin/"
    assert browser.get("/private/").url == "/signin/?next=%2Fprivate%2F"


def test_permission_required_sends_anonymous_users_to_log_in(browser: Browser) -> None:
    assert browser.get("/editor/").url == "/accounts/login/?next=%2Feditor%2F"


def test_permission_required_is_403_without_the_permission(browser: Browser, user: User) -> None:
    browser.log_in()
    assert browser.get("/editor/").status_code == 403


def test_permission_required_lets_in_with_it(browser: Browser, user: User, db: Session) -> None:
    grant(db, user, "blog.change_article")
    browser.log_in()
    response = browser.get("/editor/")
    assert response.status_code == 200
    assert response.text == "editing"


def test_permission_required_decorator_is_403_for_users(browser: Browser, user: User) -> None:
    browser.log_in()
    assert browser.get("/deleter/").status_code == 403


def test_user_passes_test_is_403_for_a_failing_user(browser: Browser, user: User) -> None:
    browser.log_in()
    assert browser.get("/staff/").status_code == 403


def test_user_passes_test_lets_staff_in(browser: Browser, make_user: Any) -> None:
    make_user("boss", is_staff=True)
    browser.log_in("boss")
    assert browser.get("/staff/").text == "staff"
