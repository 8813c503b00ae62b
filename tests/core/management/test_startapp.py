"""`startapp`: the app package it renders, and that the app works once installed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from core.management.commands.startapp import APP_TEMPLATE
from core.management.templates import plan
from tests.helpers import PYTHON, call_command, manage, replace_in_file, run

EXPECTED_FILES = [
    "blog/__init__.py",
    "blog/views.py",
    "blog/urls.py",
    "blog/models.py",
    "blog/templates/blog/index.html",
    "blog/tests/__init__.py",
    "blog/tests/test_views.py",
]
CLIENT_SCRIPT = textwrap.dedent(
    """
    from core.testing import Client
    from mysite.wsgi import application

    response = Client(application).get("/blog/")
    print(response.status_code)
    print(response.text)
    """
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from an empty temporary directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def project_with_blog(project: Path) -> Path:
    """A new project with a `blog` app, installed and included as the docs say."""
    result = manage(project, "startapp", "blog")
    assert result.returncode == 0, result.stderr
    replace_in_file(project / "mysite" / "settings.py", '"mysite",\n', '"mysite",\n    "blog",\n')
    urls = project / "mysite" / "urls.py"
    replace_in_file(urls, "\n]", '\n    path("blog/", include("blog.urls")),\n]')
    return project


def test_startapp_exits_zero_and_says_how_to_install(in_tmp: Path) -> None:
    result = call_command("startapp", "blog")

    assert result.code == 0
    assert "INSTALLED_APPS" in result.out
    assert 'path("blog/", include("blog.urls"))' in result.out


@pytest.mark.parametrize("relative", EXPECTED_FILES)
def test_startapp_renders_file(in_tmp: Path, relative: str) -> None:
    call_command("startapp", "blog")

    assert (in_tmp / relative).is_file()


def test_startapp_renders_every_file_of_the_template(in_tmp: Path) -> None:
    call_command("startapp", "blog")

    pairs = plan(APP_TEMPLATE, in_tmp, {"app_name": "blog"})
    assert [str(target) for _, target in pairs if not target.is_file()] == []


def test_app_urls_are_namespaced_by_the_app_name(in_tmp: Path) -> None:
    call_command("startapp", "blog")

    urls = (in_tmp / "blog" / "urls.py").read_text()
    assert 'app_name = "blog"' in urls
    assert "from blog import views" in urls


def test_app_template_is_copied_byte_for_byte(in_tmp: Path) -> None:
    call_command("startapp", "blog")

    source = APP_TEMPLATE / "app_name" / "templates" / "app_name" / "index.html"
    assert (in_tmp / "blog/templates/blog/index.html").read_bytes() == source.read_bytes()


def test_startapp_into_a_given_directory(tmp_path: Path) -> None:
    result = call_command("startapp", "blog", str(tmp_path))

    assert result.code == 0
    assert (tmp_path / "blog" / "views.py").is_file()


def test_refuses_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    result = call_command("startapp", "blog", str(tmp_path / "nowhere"))

    assert result.code == 1
    assert "does not exist" in result.err
    assert len(result.err.splitlines()) == 1


@pytest.mark.parametrize("name", ["2blog", "my-blog", "def", "core", "json"])
def test_refuses_bad_names(in_tmp: Path, name: str) -> None:
    result = call_command("startapp", name)

    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert "Traceback" not in result.err
    assert list(in_tmp.iterdir()) == []


def test_refuses_an_existing_app_and_leaves_it_alone(in_tmp: Path) -> None:
    (in_tmp / "blog").mkdir()
    (in_tmp / "blog" / "views.py").write_text("# mine\n")

    result = call_command("startapp", "blog")

    assert result.code == 1
    assert "already exists" in result.err
    assert [p.name for p in (in_tmp / "blog").iterdir()] == ["views.py"]
    assert (in_tmp / "blog" / "views.py").read_text() == "# mine\n"


def test_installed_app_page_is_served(project_with_blog: Path) -> None:
    result = run([PYTHON, "-c", CLIENT_SCRIPT], project_with_blog)

    assert result.returncode == 0, result.stderr
    status, _, body = result.stdout.partition("\n")
    assert status == "200"
    assert "This app works." in body
    assert "templates/blog/index.html" in body


def test_installed_app_is_routed_under_its_namespace(project_with_blog: Path) -> None:
    result = manage(project_with_blog, "routes")

    assert result.returncode == 0, result.stderr
    assert any(
        line.split() == ["/blog/", "blog:index", "blog.views.IndexView"]
        for line in result.stdout.splitlines()
    )


def test_installed_app_tests_pass(project_with_blog: Path) -> None:
    result = run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project_with_blog, timeout=120
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
