"""`startproject`: what it renders, what it refuses, and that the result works."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.management.templates import plan
from core.resources import resource_dir
from tests.helpers import PYTHON, call_command, run

STOA = str(Path(PYTHON).parent / "stoa")

EXPECTED_FILES = [
    "manage.py",
    "mysite/__init__.py",
    "mysite/settings.py",
    "mysite/urls.py",
    "mysite/views.py",
    "mysite/models.py",
    "mysite/wsgi.py",
    "mysite/asgi.py",
    "mysite/templates/mysite/home.html",
    "gunicorn.conf.py",
    "conftest.py",
    "tests/test_home.py",
    ".gitignore",
]
SECRET_KEY_LINE = re.compile(
    r'SECRET_KEY = os\.environ\.get\("STOA_SECRET_KEY", "(?P<key>[^"\\]+)"\)'
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from an empty temporary directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def secret_key(project: Path) -> str:
    match = SECRET_KEY_LINE.search((project / "mysite" / "settings.py").read_text())
    assert match is not None
    return match["key"]


def test_startproject_exits_zero_and_prints_next_steps(in_tmp: Path) -> None:
    result = call_command("startproject", "mysite")

    assert result.code == 0
    assert "python manage.py runserver" in result.out
    assert result.err == ""


@pytest.mark.parametrize("relative", EXPECTED_FILES)
def test_startproject_renders_file(in_tmp: Path, relative: str) -> None:
    call_command("startproject", "mysite")

    assert (in_tmp / "mysite" / relative).is_file()


def test_startproject_renders_every_file_of_the_template(project: Path) -> None:
    replacements = {"project_name": "mysite", "gitignore-tpl": ".gitignore-tpl"}
    pairs = plan(resource_dir("project_template"), project, replacements)

    missing = [str(target) for _, target in pairs if not target.is_file()]
    assert len(pairs) >= len(EXPECTED_FILES)
    assert missing == []


def test_rendered_python_files_are_valid_and_leave_no_template_syntax(project: Path) -> None:
    for path in project.rglob("*.py"):
        source = path.read_text()
        ast.parse(source, filename=str(path))
        assert "{{" not in source, path
        assert "{%" not in source, path


def test_settings_name_the_project(project: Path) -> None:
    settings = (project / "mysite" / "settings.py").read_text()

    assert 'ROOT_URLCONF = "mysite.urls"' in settings
    assert '"mysite",' in settings


def test_settings_have_a_long_random_secret_key(project: Path) -> None:
    key = secret_key(project)

    assert len(key) >= 50
    assert len(set(key)) > 20


def test_two_projects_get_different_secret_keys(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    call_command("startproject", "mysite", str(tmp_path / "a"))
    call_command("startproject", "mysite", str(tmp_path / "b"))

    assert secret_key(tmp_path / "a") != secret_key(tmp_path / "b")


def test_wsgi_module_exposes_application(project: Path) -> None:
    wsgi = (project / "mysite" / "wsgi.py").read_text()

    assert "from core.wsgi import get_wsgi_application" in wsgi
    assert "application = get_wsgi_application()" in wsgi
    assert 'os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")' in wsgi


def test_asgi_module_exposes_application_with_the_same_settings(project: Path) -> None:
    asgi = (project / "mysite" / "asgi.py").read_text()

    assert "from core.asgi import get_asgi_application" in asgi
    assert "application = get_asgi_application()" in asgi
    assert 'os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")' in asgi


def test_manage_py_defaults_to_the_project_settings(project: Path) -> None:
    manage = (project / "manage.py").read_text()

    assert 'os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")' in manage


def test_home_template_is_copied_byte_for_byte(project: Path) -> None:
    source = resource_dir("project_template") / "project_name/templates/project_name/home.html"

    assert (project / "mysite/templates/mysite/home.html").read_bytes() == source.read_bytes()


def test_gunicorn_conf_serves_the_project(project: Path) -> None:
    conf = (project / "gunicorn.conf.py").read_text()

    assert 'wsgi_app = "mysite.wsgi:application"' in conf


def test_gitignore_keeps_the_database_out(project: Path) -> None:
    ignored = (project / ".gitignore").read_text().splitlines()

    assert "db.sqlite3" in ignored
    assert "__pycache__/" in ignored


def test_into_an_existing_empty_directory(tmp_path: Path) -> None:
    result = call_command("startproject", "mysite", str(tmp_path))

    assert result.code == 0
    assert (tmp_path / "manage.py").is_file()
    assert (tmp_path / "mysite" / "settings.py").is_file()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("1abc", "not a valid project name"),
        ("my-site", "not a valid project name"),
        ("my site", "not a valid project name"),
        ("class", "keyword"),
        ("None", "keyword"),
        ("core", "conflicts with the name of an existing Python module"),
        ("orm", "conflicts with the name of an existing Python module"),
        ("test", "conflicts with the name of an existing Python module"),
        ("json", "conflicts with the name of an existing Python module"),
    ],
)
def test_refuses_bad_names(in_tmp: Path, name: str, reason: str) -> None:
    result = call_command("startproject", name)

    assert result.code == 1
    assert len(result.err.splitlines()) == 1
    assert reason in result.err
    assert "Traceback" not in result.err
    assert list(in_tmp.iterdir()) == []


def test_refuses_an_existing_project_directory(in_tmp: Path) -> None:
    (in_tmp / "mysite").mkdir()
    (in_tmp / "mysite" / "notes.txt").write_text("mine")

    result = call_command("startproject", "mysite")

    assert result.code == 1
    assert "already exists" in result.err
    assert len(result.err.splitlines()) == 1
    assert [p.name for p in (in_tmp / "mysite").iterdir()] == ["notes.txt"]


def test_into_a_directory_with_a_conflicting_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "manage.py").write_text("# my own manage.py\n")

    result = call_command("startproject", "mysite", str(tmp_path))

    assert result.code == 1
    assert "manage.py" in result.err
    assert "never overwritten" in result.err
    assert len(result.err.splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["manage.py"]
    assert (tmp_path / "manage.py").read_text() == "# my own manage.py\n"


def test_into_a_directory_with_a_conflicting_nested_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "views.py").write_text("# mine\n")

    result = call_command("startproject", "mysite", str(tmp_path))

    assert result.code == 1
    assert "views.py" in result.err
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "mysite",
        "mysite/views.py",
    ]
    assert (tmp_path / "mysite" / "views.py").read_text() == "# mine\n"


def test_refuses_a_directory_that_does_not_exist(tmp_path: Path) -> None:
    result = call_command("startproject", "mysite", str(tmp_path / "nowhere"))

    assert result.code == 1
    assert "does not exist" in result.err
    assert not (tmp_path / "nowhere").exists()


def test_without_a_name_is_a_one_line_usage_error(in_tmp: Path) -> None:
    result = call_command("startproject")

    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "name" in result.err


def test_generated_project_tests_pass(project: Path) -> None:
    result = run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_console_script_into_a_directory_named_like_the_project(tmp_path: Path) -> None:
    # Django's habit: mkdir mysite && cd .. && startproject mysite mysite. An empty
    # directory is not "an existing Python module" even though the console script
    # puts the current directory on sys.path.
    (tmp_path / "mysite").mkdir()

    result = run([STOA, "startproject", "mysite", "mysite"], tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mysite" / "mysite" / "settings.py").is_file()


def test_console_script_refuses_an_existing_directory_as_already_existing(tmp_path: Path) -> None:
    (tmp_path / "mysite").mkdir()

    result = run([STOA, "startproject", "mysite"], tmp_path)

    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_python_m_into_a_directory_named_like_the_project(tmp_path: Path) -> None:
    # `python -m` puts the current directory on sys.path: an empty directory named
    # mysite is then a namespace package, still not a module that the project shadows.
    (tmp_path / "mysite").mkdir()

    result = run([PYTHON, "-m", "core.management", "startproject", "mysite", "mysite"], tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mysite" / "mysite" / "settings.py").is_file()
