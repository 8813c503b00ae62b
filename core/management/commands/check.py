"""`check`: validate settings, apps, URLconf, templates and middleware; list every problem.

`check --deploy` adds what is unsafe in production (see core.checks.run_deploy_checks).
"""

from __future__ import annotations

from typing import Any

from core.checks import run_checks, run_deploy_checks
from core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Check the project for problems; exit non-zero if there are errors."
    # Settings problems are what this command reports, so it loads them itself.
    requires_settings = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--deploy",
            action="store_true",
            help="Also check the settings for production: DEBUG, SECRET_KEY, HTTPS, cookies.",
        )
        parser.add_argument(
            "--fail-level",
            choices=["ERROR", "WARNING"],
            default="ERROR",
            help="The level from which the exit status is non-zero (default ERROR).",
        )

    def handle(self, fail_level: str = "ERROR", deploy: bool = False, **options: Any) -> None:
        messages = run_checks()
        if deploy and not any(message.id.startswith("settings.") for message in messages):
            messages.extend(run_deploy_checks())
        if not messages:
            self.stdout.write("System check identified no issues.\n")
            return
        for level, title in (("ERROR", "ERRORS"), ("WARNING", "WARNINGS")):
            found = [message for message in messages if message.level == level]
            if found:
                self.stderr.write(f"{title}:\n")
                for message in found:
                    text = str(message).replace("\n", "\n    ")
                    self.stderr.write(f"  {text}\n")
        count = len(messages)
        summary = f"System check identified {count} issue{'s' if count > 1 else ''}."
        failing = {"ERROR"} if fail_level == "ERROR" else {"ERROR", "WARNING"}
        if any(message.level in failing for message in messages):
            raise CommandError(summary)
        self.stdout.write(summary + "\n")
