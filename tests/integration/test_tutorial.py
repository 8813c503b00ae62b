"""The tutorial runs as written: its code is the app in docs/tutorial/todo, and it works."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import clean_env

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "tutorial.md"
APP = ROOT / "docs" / "tutorial" / "todo"
BLOCK = re.compile(r"<!-- (todo/[\w/.]+) -->\n```[\w+]*\n(.*?)```", re.S)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_file_shown_in_the_tutorial_is_the_apps_file() -> None:
    blocks = BLOCK.findall(TUTORIAL.read_text())

    assert len(blocks) >= 8
    for name, text in blocks:
        assert (APP.parent / name).read_text() == text, name


@pytest.mark.slow
def test_the_tutorial_app_migrates_and_its_tests_pass(tmp_path: Path) -> None:
    assert run("-m", "core.management", "startproject", "mysite", cwd=tmp_path).returncode == 0
    project = tmp_path / "mysite"
    added = run(str(ROOT / "docs" / "tutorial" / "add_todo_app.py"), str(project), cwd=tmp_path)
    assert added.returncode == 0, added.stderr

    made = run("manage.py", "makemigrations", "-m", "todo", "--noinput", cwd=project)
    migrated = run("manage.py", "migrate", cwd=project)
    checked = run("manage.py", "check", cwd=project)
    tested = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)

    assert made.returncode == 0, made.stderr
    assert migrated.returncode == 0, migrated.stderr
    assert checked.returncode == 0, checked.stderr
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "7 passed" in tested.stdout
