"""Add the tutorial's to-do app to a project made by `startproject` (used by `make demo`).

    python docs/tutorial/add_todo_app.py path/to/project

It does what the tutorial's steps 2 and 4 do by hand: copies todo/ into the project,
lists it in INSTALLED_APPS and includes its URLs. Running it twice changes nothing.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "todo"


def main(project: Path) -> None:
    manage = (project / "manage.py").read_text()
    name = re.search(r'"STOA_SETTINGS_MODULE", "(\w+)\.settings"', manage)
    if name is None:
        sys.exit(f"{project} does not look like a Stoa project (no manage.py naming its settings).")
    package = project / name.group(1)
    if not (project / "todo").exists():
        shutil.copytree(APP, project / "todo", ignore=shutil.ignore_patterns("__pycache__"))
    settings = package / "settings.py"
    text = settings.read_text()
    if '"todo"' not in text:
        text = text.replace("INSTALLED_APPS = [\n", 'INSTALLED_APPS = [\n    "todo",\n', 1)
        settings.write_text(text)
    urls = package / "urls.py"
    text = urls.read_text()
    if "todo.urls" not in text:
        if "include" not in text:
            text = text.replace(
                "from core.urls import path\n", "from core.urls import include, path\n"
            )
        text = text.replace(
            "urlpatterns = [\n", 'urlpatterns = [\n    path("todo/", include("todo.urls")),\n', 1
        )
        urls.write_text(text)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python docs/tutorial/add_todo_app.py PROJECT_DIRECTORY")
    main(Path(sys.argv[1]))
