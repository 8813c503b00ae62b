"""The Stoa project: its view beside the mounted applications, and the middleware around it."""

from __future__ import annotations

from core.handlers import WSGIHandler
from core.testing import Client
from wsgiapps.reverse import ReverseBody


def test_the_home_view_lists_the_mounts(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.text.startswith("Hello from a Stoa view!\n")
    assert "/reversed/" in response.text


def test_a_mounted_application_answers_under_its_prefix(client: Client) -> None:
    response = client.get("/hello/")

    assert response.status_code == 200
    assert response.text == "Hello, world!\n"


def test_the_mounted_echo_sees_the_prefix_in_script_name(client: Client) -> None:
    response = client.get("/echo/a/b?x=1")

    lines = response.text.splitlines()
    assert "SCRIPT_NAME = '/echo'" in lines
    assert "PATH_INFO = '/a/b'" in lines
    assert "QUERY_STRING = 'x=1'" in lines


def test_mounted_answers_get_the_projects_middleware(client: Client) -> None:
    response = client.get("/hello/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_middleware_works_mounted(client: Client) -> None:
    assert client.get("/reversed/").text == "!dlrow ,olleH\n"


def test_the_prefix_without_its_slash_redirects(client: Client) -> None:
    response = client.get("/echo")

    assert response.status_code == 301
    assert response.headers["Location"] == "/echo/"


def test_the_middleware_wraps_the_whole_project(app: WSGIHandler) -> None:
    client = Client(ReverseBody(app))

    home = client.get("/")
    twice = client.get("/reversed/")
    missing = client.get("/nowhere/")

    assert home.text.endswith("\n!weiv aotS a morf olleH\n")
    assert home.headers["Content-Length"] == str(len(home.content))
    assert twice.text == "Hello, world!\n"  # reversed by the mount, then around the project
    assert missing.status_code == 404
    assert "<html" in missing.text  # HTML pages are not text/plain: left alone
