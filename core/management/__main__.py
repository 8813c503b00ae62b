"""`python -m core.management COMMAND` is the same as `stoa COMMAND`."""

from core.management import main

main()
