"""Fixtures of the command tests: generated projects to run `manage.py` in."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import start_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A new project `mysite`, this test's own to edit."""
    return start_project(tmp_path)


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project `mysite` that the tests of a module only read."""
    return start_project(tmp_path_factory.mktemp("shared"))
