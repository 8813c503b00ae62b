"""`down`: put the site in maintenance mode; every worker answers 503 until `up`."""

from __future__ import annotations

from typing import Any

from core import maintenance
from core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Put the site down for maintenance: a 503 page for everyone but --allow."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-m", "--message", default="", help="What the page tells visitors.")
        parser.add_argument(
            "--allow",
            action="append",
            default=[],
            metavar="IP",
            help="An address or network (10.0.0.0/8) that still gets the site; repeatable.",
        )
        parser.add_argument(
            "--retry-after",
            type=int,
            default=60,
            metavar="SECONDS",
            help="When clients should try again (the Retry-After header). Default: 60.",
        )

    def handle(self, **options: Any) -> None:
        try:
            allow = maintenance.check_networks(options["allow"])
        except ValueError as exc:
            raise CommandError(f"--allow: {exc}") from None
        if options["retry_after"] < 1:
            raise CommandError("--retry-after must be 1 second or more.")
        message = options["message"]
        if any(character in message for character in "\r\n\0"):
            raise CommandError("--message must be one line.")
        maintenance.write_flag(
            maintenance.Flag(message=message, allow=allow, retry_after=options["retry_after"])
        )
        allowed = f"; still served to {', '.join(allow)}" if allow else ""
        self.stdout.write(f"The site is down (flag in {maintenance.where()}){allowed}.\n")
        self.stdout.write("Run 'python manage.py up' to bring it back.\n")
