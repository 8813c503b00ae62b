"""`routes`: every URL pattern with its name and view."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import call_command, manage


def test_new_project_lists_the_home_page(shared_project: Path) -> None:
    result = manage(shared_project, "routes")

    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["Route", "Name", "View"]
    assert ["/", "home", "mysite.views.HomeView"] in rows


def test_json_output_of_a_new_project(shared_project: Path) -> None:
    result = manage(shared_project, "routes", "--json")

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    view = "core.admin.views.base.IndexView"
    admin_index = {"route": "/admin/", "name": "admin:index", "view": view}
    assert rows[0] == admin_index
    for row in [
        {"route": "/", "name": "home", "view": "mysite.views.HomeView"},
        {"route": "/accounts/login/", "name": "login", "view": "core.auth.views.LoginView"},
        {"route": "/accounts/logout/", "name": "logout", "view": "core.auth.views.LogoutView"},
    ]:
        assert row in rows


def test_included_patterns_are_listed_with_their_namespace() -> None:
    result = call_command("routes", "--json")

    assert result.code == 0
    rows = json.loads(result.out)
    assert {
        "route": "/blog/<slug:slug>/",
        "name": "blog:post",
        "view": "tests.project.views.function_view",
    } in rows


def test_patterns_are_listed_in_resolution_order() -> None:
    result = call_command("routes", "--json")

    routes = [row["route"] for row in json.loads(result.out)]
    assert routes.index("/") < routes.index("/hello/") < routes.index("/blog/")


def test_unnamed_patterns_are_listed_with_an_empty_name() -> None:
    result = call_command("routes", "--json")

    rows = {row["route"]: row for row in json.loads(result.out)}
    assert rows["/missing/"]["name"] == ""
