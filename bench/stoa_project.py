"""Generate the Stoa implementations: `stoa startproject`, `stoa startapp world`, then the
world app's models, views, URLs and template from bench/apps/stoa/world/.

    python bench/stoa_project.py DEST [--minimal]

The project keeps the generated settings; the minimal variant only narrows MIDDLEWARE to
the database session. The database comes from DATABASE_URL, as the settings document.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

APP_SOURCE = Path(__file__).resolve().parent / "apps" / "stoa" / "world"
PROJECT = "benchsite"
MINIMAL_MIDDLEWARE = ["core.middleware.db.DatabaseMiddleware"]

ROOT_URLS = f'''"""URL configuration of the {PROJECT} project."""

from core.urls import include, path

from {PROJECT} import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("", include("world.urls")),
]
'''


def stoa(*args: str, cwd: Path) -> None:
    """Run a Stoa command with the interpreter running this script."""
    subprocess.run(
        [sys.executable, "-m", "core.management", *args],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def make_project(dest: Path, *, minimal: bool) -> Path:
    """Generate the project into `dest` (created) and return `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    stoa("startproject", PROJECT, str(dest), cwd=dest)
    stoa("startapp", "world", str(dest), cwd=dest)
    app = dest / "world"
    shutil.rmtree(app / "tests")  # they test the generated index page, replaced below
    shutil.rmtree(app / "templates")
    shutil.copytree(
        APP_SOURCE, app, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
    )
    (dest / PROJECT / "urls.py").write_text(ROOT_URLS)
    settings = dest / PROJECT / "settings.py"
    extra = '\nINSTALLED_APPS += ["world"]\n'
    if minimal:
        extra += f"\n# The minimal stack: only request.db.\nMIDDLEWARE = {MINIMAL_MIDDLEWARE!r}\n"
    settings.write_text(settings.read_text() + extra)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--minimal", action="store_true")
    args = parser.parse_args()
    print(make_project(args.dest, minimal=args.minimal))


if __name__ == "__main__":
    main()
