"""A new project has a working admin once migrated: log in, see users and groups."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import PYTHON, clean_env, manage, run, start_project

PASSWORD = "correct horse battery staple 42"

# Runs in the generated project: log in through the admin's form, then visit its pages.
CHECK = textwrap.dedent(
    """
    import os, re
    os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")
    from core.testing import Client
    from core.wsgi import get_wsgi_application

    client = Client(get_wsgi_application(), enforce_csrf_checks=True)
    first = client.get("/admin/")
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    login = client.post(
        "/admin/login/", {"username": "boss", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    index = client.get("/admin/")
    users = client.get("/admin/auth/user/")
    groups = client.get("/admin/auth/group/add/")
    print(first.status_code, login.status_code, index.status_code, users.status_code,
          groups.status_code)
    print("Users" in index.text, "Groups" in index.text, "boss" in users.text,
          "auth.change_user" in groups.text)
    """
).replace("PASSWORD", repr(PASSWORD))


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = start_project(tmp_path_factory.mktemp("admin"))
    result = manage(root, "migrate")
    assert result.returncode == 0, result.stderr
    return root, result.stdout


@pytest.fixture(scope="module")
def project(migrated: tuple[Path, str]) -> Path:
    root = migrated[0]
    env = clean_env(STOA_SUPERUSER_PASSWORD=PASSWORD)
    made = run(
        [PYTHON, "manage.py", "createsuperuser", "--noinput", "--username", "boss"],
        root,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    return root


def test_migrate_creates_the_permissions_of_every_model(migrated: tuple[Path, str]) -> None:
    output = migrated[1]

    assert "Applying 0003_admin_log... OK" in output
    # view/add/change/delete of user, group, permission and the admin's log entry
    assert "Created 16 permissions." in output


def test_the_admin_works_after_migrate_and_createsuperuser(project: Path) -> None:
    result = run([PYTHON, "-c", CHECK], project)

    assert result.returncode == 0, result.stderr
    statuses, found = result.stdout.splitlines()
    assert statuses.split() == ["302", "302", "200", "200", "200"]
    assert found.split() == ["True", "True", "True", "True"]


def test_the_project_urls_mount_the_admin(project: Path) -> None:
    urls = (project / "mysite" / "urls.py").read_text()
    settings = (project / "mysite" / "settings.py").read_text()

    assert 'path("admin/", admin.site.urls)' in urls
    assert '"core.admin"' in settings
    assert (project / "migrations" / "0003_admin_log.py").exists()
