"""The generated systemd units pass `systemd-analyze verify`: keys, sections, executables.

Under systemd itself they cannot run here (no init in the test machine); the other tests
of this package run their Environment and ExecStart lines as systemd would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import run
from tests.integration.deploy.conftest import Project, uwsgi_binary

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("args", "unit_name"),
    [
        (["--server", "gunicorn", "--workers", "3"], "mysite-gunicorn@8000.service"),
        (["--server", "uwsgi"], "mysite-uwsgi.service"),
    ],
    ids=["gunicorn", "uwsgi"],
)
def test_the_unit_is_valid_for_systemd(
    project: Project, tmp_path: Path, args: list[str], unit_name: str
) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: the systemd package)")
    if "uwsgi" in unit_name:
        uwsgi_binary()  # ExecStart must name an executable
    unit = tmp_path / unit_name
    unit.write_text(project.deployconfig("systemd", *args))

    result = run([analyze, "verify", str(unit)], tmp_path, timeout=30)

    assert result.returncode == 0, result.stderr
    assert unit_name not in result.stderr, result.stderr
