"""`check`: silent on a new project, every problem listed when settings are broken."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import call_command, manage, replace_in_file


def break_settings(project: Path) -> None:
    settings = project / "mysite" / "settings.py"
    replace_in_file(settings, "MIDDLEWARE = [", "MIDDLEWARES = [")
    with settings.open("a") as file:
        file.write('\nDEBUG = "yes"\n')


def test_new_project_only_asks_for_migrate(project: Path) -> None:
    result = manage(project, "check")

    assert result.returncode == 0, result.stderr
    assert "(db.W001)" in result.stderr
    assert "run 'python manage.py migrate'" in result.stderr


def test_new_project_has_no_issues_once_migrated(project: Path) -> None:
    assert manage(project, "migrate").returncode == 0

    result = manage(project, "check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues." in result.stdout
    assert result.stderr == ""


def test_broken_settings_exit_non_zero(project: Path) -> None:
    break_settings(project)

    result = manage(project, "check")

    assert result.returncode != 0


def test_broken_settings_list_every_problem(project: Path) -> None:
    break_settings(project)

    result = manage(project, "check")

    assert "MIDDLEWARES is not a Stoa setting. Did you mean MIDDLEWARE?" in result.stderr
    assert "DEBUG must be True or False" in result.stderr
    assert "System check identified 2 issues." in result.stderr
    assert "Traceback" not in result.stderr


def test_unimportable_middleware_is_reported(project: Path) -> None:
    replace_in_file(
        project / "mysite" / "settings.py",
        '"core.middleware.security.SecurityMiddleware",',
        '"core.middleware.security.NoSuchMiddleware",',
    )

    result = manage(project, "check")

    assert result.returncode == 1
    assert "middleware.E001" in result.stderr
    assert "NoSuchMiddleware" in result.stderr
    assert "Traceback" not in result.stderr


def test_urlconf_that_cannot_import_is_reported(project: Path) -> None:
    replace_in_file(project / "mysite" / "urls.py", "from mysite import views", "import nosuchmod")

    result = manage(project, "check")

    assert result.returncode == 1
    assert "(urls.E001)" in result.stderr
    assert "nosuchmod" in result.stderr
    assert "Traceback" not in result.stderr


def test_urlconf_that_raises_is_reported_not_a_traceback(project: Path) -> None:
    # Any exception raised by the project's own code is a problem to list, not a crash.
    replace_in_file(project / "mysite" / "urls.py", "views.HomeView", "views.NoSuchView")

    result = manage(project, "check")

    assert result.returncode == 1
    assert "(urls.E001)" in result.stderr
    assert "NoSuchView" in result.stderr
    assert "Traceback" not in result.stderr


def test_app_whose_models_raise_is_reported_not_a_traceback(project: Path) -> None:
    with (project / "mysite" / "models.py").open("a") as models:
        models.write("\nBROKEN = undefined_name\n")

    result = manage(project, "check")

    assert result.returncode == 1
    assert "undefined_name" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_that_need_settings_report_broken_settings_without_traceback(
    project: Path,
) -> None:
    break_settings(project)

    result = manage(project, "routes")

    assert result.returncode == 1
    assert result.stderr.startswith("ImproperlyConfigured: ")
    assert "Did you mean MIDDLEWARE?" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_of_the_test_project_has_no_errors() -> None:
    result = call_command("check")

    assert result.code == 0
    assert "ERRORS:" not in result.err


def test_check_with_a_bad_fail_level_is_a_usage_error() -> None:
    result = call_command("check", "--fail-level", "FATAL")

    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "--fail-level" in result.err
