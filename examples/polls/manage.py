#!/usr/bin/env python
"""Command-line utility of the mysite project: python manage.py help."""

import os
import sys


def main() -> None:
    os.environ.setdefault("STOA_SETTINGS_MODULE", "mysite.settings")
    # manage.py is the development tool: DEBUG is on for runserver and shell unless
    # STOA_DEBUG says otherwise. wsgi.py (production) leaves it off.
    os.environ.setdefault("STOA_DEBUG", "1")
    from core.management import execute_from_command_line

    sys.exit(execute_from_command_line(sys.argv))


if __name__ == "__main__":
    main()
