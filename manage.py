#!/usr/bin/env python
"""Stoa's command line from a source checkout: the same as the installed `stoa` command.

python manage.py startproject mysite
"""

import sys

from core.management import execute_from_command_line

if __name__ == "__main__":
    sys.exit(execute_from_command_line(sys.argv))
