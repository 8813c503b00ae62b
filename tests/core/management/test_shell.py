"""`shell`: Python with the project's settings loaded."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.helpers import call_command, manage


def test_command_option_runs_code_with_the_project_settings(shared_project: Path) -> None:
    result = manage(shared_project, "shell", "-c", "print(settings.ROOT_URLCONF)")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "mysite.urls\n"


def test_piped_input_runs_as_a_script(shared_project: Path) -> None:
    result = manage(
        shared_project, "shell", stdin="print(reverse('home'))\nprint(settings.DEBUG)\n"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "/\nTrue\n"


def test_command_option_in_process() -> None:
    result = call_command("shell", "-c", "print(reverse('hello'), settings.ROOT_URLCONF)")

    assert result.code == 0
    assert result.out == "/hello/ tests.project.urls\n"


def test_code_runs_as_main() -> None:
    result = call_command("shell", "-c", "print(__name__)")

    assert result.out == "__main__\n"


@pytest.mark.skipif(importlib.util.find_spec("IPython") is not None, reason="IPython installed")
def test_asking_for_ipython_without_it_is_a_one_line_error() -> None:
    result = call_command("shell", "-i", "ipython")

    assert result.code == 1
    assert result.err == "Error: IPython is not installed: pip install ipython, or use -i python.\n"


def test_unknown_interface_is_a_usage_error() -> None:
    result = call_command("shell", "-i", "bpython")

    assert result.code == 2
    assert len(result.err.splitlines()) == 1
