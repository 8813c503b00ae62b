"""`routes`: list every URL pattern with its name and view, in resolution order."""

from __future__ import annotations

import json
from typing import Any

from core.management.base import BaseCommand, CommandParser
from core.urls import get_resolver
from core.utils import qualified_name


class Command(BaseCommand):
    help = "List every URL pattern with its name and view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--json", dest="json_output", action="store_true", help="Print JSON, not a table."
        )

    def handle(self, json_output: bool = False, **options: Any) -> None:
        rows = [
            (
                "/" + route,
                ":".join([*namespaces, pattern.name]) if pattern.name else "",
                qualified_name(pattern.callback),
            )
            for route, pattern, namespaces in get_resolver().walk()
        ]
        if json_output:
            data = [{"route": r, "name": n, "view": v} for r, n, v in rows]
            self.stdout.write(json.dumps(data, indent=2) + "\n")
            return
        headers = ("Route", "Name", "View")
        widths = [max([len(headers[i]), *(len(row[i]) for row in rows)]) for i in range(2)]
        self.stdout.write(f"{headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]}\n")
        for route, name, view in rows:
            self.stdout.write(f"{route:<{widths[0]}}  {name:<{widths[1]}}  {view}\n")
