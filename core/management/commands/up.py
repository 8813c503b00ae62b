"""`up`: end maintenance mode."""

from __future__ import annotations

from typing import Any

from core import maintenance
from core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Bring the site back up after 'down'."

    def handle(self, **options: Any) -> None:
        if maintenance.remove_flag():
            self.stdout.write("The site is up.\n")
        else:
            self.stdout.write(f"The site was not down (no flag in {maintenance.where()}).\n")
