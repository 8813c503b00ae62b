"""`startapp NAME [DIRECTORY]`: create an app package: views, urls, models, templates, tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.management.base import BaseCommand, CommandError, CommandParser
from core.management.templates import render_tree, validate_name

APP_TEMPLATE = Path(__file__).resolve().parent.parent / "app_template"


class Command(BaseCommand):
    help = "Create an app: a package with views, urls, models, templates/ and tests."
    requires_settings = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The app's package name, e.g. blog.")
        parser.add_argument(
            "directory", nargs="?", help="Where to create it (default: the current directory)."
        )

    def handle(self, **options: Any) -> None:
        name: str = options["name"]
        directory: str | None = options["directory"]
        base = Path(directory) if directory else Path.cwd()
        if not base.is_dir():
            raise CommandError(f"Directory {directory!r} does not exist: create it first.")
        if (base / name).exists():
            raise CommandError(f"{str(base / name)!r} already exists: choose another name.")
        validate_name(name, "app")
        render_tree(APP_TEMPLATE, base, {"app_name": name}, {"app_name": name})
        self.stdout.write(
            f"Created app {name!r}. To use it:\n"
            f"  1. add {name!r} to INSTALLED_APPS in your settings;\n"
            f'  2. add path("{name}/", include("{name}.urls")) to your urls.py.\n'
        )
