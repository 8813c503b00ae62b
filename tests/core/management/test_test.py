"""The test command: every argument goes to pytest."""

from __future__ import annotations

import pytest

from core.management.commands.test import Command


def test_help_is_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    status = Command().run_from_argv("manage.py", "test", ["--help"])

    assert status == 0
    assert capsys.readouterr().out.startswith("usage: manage.py test [PYTEST ARGS ...]")


def test_arguments_are_handed_to_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(pytest, "main", lambda args: seen.append(args) or 3)

    status = Command().run_from_argv("manage.py", "test", ["-x", "-k", "article"])

    assert status == 3
    assert seen == [["-x", "-k", "article"]]
