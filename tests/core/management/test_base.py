"""Command dispatch and BaseCommand: help, unknown commands, errors as one line."""

from __future__ import annotations

import io
import pkgutil
from pathlib import Path
from typing import Any

import pytest

from core import __version__
from core.exceptions import ImproperlyConfigured
from core.management import CORE_COMMANDS, execute_from_command_line
from core.management.base import BaseCommand, CommandError, CommandParser
from tests.helpers import PYTHON, REPO_ROOT, call_command, clean_env, run

COMMANDS = sorted(info.name for info in pkgutil.iter_modules([str(CORE_COMMANDS)]))
# `test` hands every argument to pytest, which has its own usage errors.
PARSED_COMMANDS = [name for name in COMMANDS if name != "test"]
STOA = str(Path(PYTHON).parent / "stoa")


class Greet(BaseCommand):
    help = "Say hello.\n\nA longer description."
    requires_settings = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--times", type=int, default=1)

    def handle(self, name: str, times: int, **options: Any) -> None:
        self.stdout.write(f"Hello, {name}\n" * times)


class Failing(BaseCommand):
    requires_settings = False

    def __init__(self, error: BaseException, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def handle(self, **options: Any) -> None:
        raise self.error


def run_command(command: BaseCommand, *argv: str) -> int:
    return command.run_from_argv("manage.py", "greet", list(argv))


def test_the_expected_commands_exist() -> None:
    assert {"startproject", "startapp", "runserver", "check", "routes", "shell"} <= set(COMMANDS)


def test_help_lists_every_command_with_its_summary() -> None:
    result = call_command("help")

    assert result.code == 0
    listed = [line.split()[0] for line in result.out.split("Commands:\n", 1)[1].splitlines()]
    assert listed == COMMANDS
    assert "(cannot be loaded)" not in result.out


def test_no_arguments_prints_the_overview() -> None:
    result = call_command()

    assert result.code == 0
    assert result.out.startswith("Usage: stoa COMMAND [options]")


def test_overview_names_the_program_it_was_run_as() -> None:
    result = call_command("help", prog="/some/where/manage.py")

    assert result.out.startswith("Usage: manage.py COMMAND [options]")


def test_version() -> None:
    result = call_command("--version")

    assert result.code == 0
    assert result.out == f"{__version__}\n"


@pytest.mark.parametrize("name", PARSED_COMMANDS)
def test_every_command_has_help(name: str) -> None:
    result = call_command(name, "--help")

    assert result.code == 0
    assert result.out.startswith(f"usage: stoa {name} ")
    assert "--settings MODULE" in result.out
    assert result.err == ""


def test_help_command_shows_a_command_help() -> None:
    result = call_command("help", "routes")

    assert result.code == 0
    assert result.out.startswith("usage: stoa routes ")
    assert "--json" in result.out


@pytest.mark.parametrize("name", PARSED_COMMANDS)
def test_unknown_option_is_one_line_and_exit_2(name: str) -> None:
    result = call_command(name, "--no-such-option")

    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert f"stoa {name}:" in result.err
    assert "Traceback" not in result.err
    assert result.out == ""


@pytest.mark.parametrize(("typo", "meant"), [("runsrever", "runserver"), ("chek", "check")])
def test_unknown_command_suggests_the_closest(typo: str, meant: str) -> None:
    result = call_command(typo)

    assert result.code == 1
    assert result.err == (
        f"Unknown command: {typo!r}. Did you mean {meant!r}? Type 'stoa help' for usage.\n"
    )


def test_unknown_command_without_a_close_match() -> None:
    result = call_command("xyzzy")

    assert result.code == 1
    assert result.err == "Unknown command: 'xyzzy'. Type 'stoa help' for usage.\n"


def test_execute_reads_sys_argv_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["manage.py", "--version"])

    assert execute_from_command_line() == 0
    assert capsys.readouterr().out == f"{__version__}\n"


def test_settings_option_names_the_settings_module(monkeypatch: pytest.MonkeyPatch) -> None:
    # monkeypatch restores the variable the option sets.
    monkeypatch.setenv("STOA_SETTINGS_MODULE", "tests.project.settings")

    result = call_command("shell", "--settings=tests.project.settings", "-c", "print(1)")

    assert result.code == 0
    assert result.out == "1\n"


def test_command_parses_its_arguments() -> None:
    out = io.StringIO()

    assert run_command(Greet(stdout=out), "Ada", "--times", "2") == 0
    assert out.getvalue() == "Hello, Ada\nHello, Ada\n"


def test_bad_argument_value_is_one_line_and_exit_2() -> None:
    err = io.StringIO()

    assert run_command(Greet(stderr=err), "Ada", "--times", "many") == 2
    assert err.getvalue().startswith("manage.py greet: argument --times: invalid int value")
    assert len(err.getvalue().splitlines()) == 1


def test_command_error_is_one_line_with_its_exit_status() -> None:
    err = io.StringIO()

    assert run_command(Failing(CommandError("No such thing.", returncode=3), stderr=err)) == 3
    assert err.getvalue() == "Error: No such thing.\n"


def test_improperly_configured_is_reported_without_traceback() -> None:
    err = io.StringIO()

    assert run_command(Failing(ImproperlyConfigured("Set FOO."), stderr=err)) == 1
    assert err.getvalue() == "ImproperlyConfigured: Set FOO.\n"


def test_keyboard_interrupt_exits_130() -> None:
    assert run_command(Failing(KeyboardInterrupt(), stderr=io.StringIO())) == 130


def test_traceback_option_lets_the_error_through() -> None:
    with pytest.raises(CommandError, match="No such thing"):
        run_command(Failing(CommandError("No such thing.")), "--traceback")


def test_handle_must_be_defined() -> None:
    class Empty(BaseCommand):
        requires_settings = False

    with pytest.raises(NotImplementedError, match="Empty must define handle"):
        run_command(Empty())


def test_console_script_runs_commands() -> None:
    result = run([STOA, "help"], REPO_ROOT, env=clean_env(), timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: stoa COMMAND [options]")


def test_console_script_unknown_command_exits_1() -> None:
    result = run([STOA, "runsrever"], REPO_ROOT, env=clean_env(), timeout=60)

    assert result.returncode == 1
    assert "Did you mean 'runserver'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_script_help_option_exits_0() -> None:
    result = run([STOA, "startproject", "--help"], REPO_ROOT, env=clean_env(), timeout=60)

    assert result.returncode == 0
    assert result.stdout.startswith("usage: stoa startproject ")


def test_python_m_core_management_is_the_same_as_stoa() -> None:
    result = run([PYTHON, "-m", "core.management", "--version"], REPO_ROOT, timeout=60)

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{__version__}\n"
