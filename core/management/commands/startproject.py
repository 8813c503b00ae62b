"""`startproject NAME [DIRECTORY]`: create a new project from Stoa's project template."""

from __future__ import annotations

import secrets
import string
from pathlib import Path
from typing import Any

from core import __version__
from core.management.base import BaseCommand, CommandError, CommandParser
from core.management.templates import render_tree, validate_name
from core.resources import resource_dir

SECRET_ALPHABET = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"


def generate_secret_key(length: int = 64) -> str:
    """Return a random SECRET_KEY safe to put in a Python string literal."""
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(length))


class Command(BaseCommand):
    help = "Create a project: settings, URLs, views, models, wsgi.py, templates and tests."
    requires_settings = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The project's package name, e.g. mysite.")
        parser.add_argument(
            "directory",
            nargs="?",
            help="Where to create it (default: a new directory named after the project).",
        )

    def handle(self, **options: Any) -> None:
        name: str = options["name"]
        directory: str | None = options["directory"]
        validate_name(name, "project")
        target = Path(directory) if directory else Path.cwd() / name
        if directory and not target.is_dir():
            raise CommandError(f"Directory {directory!r} does not exist: create it first.")
        if not directory and target.exists():
            raise CommandError(f"{str(target)!r} already exists: choose another name or directory.")
        context = {
            "project_name": name,
            "secret_key": generate_secret_key(),
            "stoa_version": __version__,
        }
        render_tree(
            resource_dir("project_template"),
            target,
            context,
            {"project_name": name, "gitignore-tpl": ".gitignore-tpl"},
        )
        where = directory or name
        self.stdout.write(
            f"Created project {name!r} in {where}.\n\n"
            f"Next:\n"
            f"  cd {where}\n"
            f"  python manage.py migrate\n"
            f"  python manage.py runserver\n"
        )
