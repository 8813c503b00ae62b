"""The test command: every argument goes to pytest."""

from __future__ import annotations

import pytest

from core.management.commands.test import Command


def test_help_is_its_own() -> None:
    command = Command()

    assert command.run_from_argv("manage.py", "test", ["--help"]) == 0


def test_arguments_are_handed_to_pytest(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(pytest, "main", lambda args: seen.append(args) or 3)

    status = Command().run_from_argv("manage.py", "test", ["-x", "-k", "article"])

    assert status == 3
    assert seen == [["-x", "-k", "article"]]
