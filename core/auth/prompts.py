"""Questions the auth commands ask: a line, or a password that is not echoed.

On a terminal a password is read with getpass; from a pipe (a script, a test) both
are read line by line, so `printf 'admin\\n...' | manage.py createsuperuser` works.
"""

from __future__ import annotations

import getpass
import sys
from typing import TextIO

from core.management.base import CommandError


class Prompter:
    """Ask questions on `stdout` and read the answers from `stdin`."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout

    def interactive(self) -> bool:
        """Say whether a person (a terminal) is answering."""
        return bool(getattr(self.stdin, "isatty", lambda: False)())

    def ask(self, question: str) -> str:
        """Ask `question` and return the answer without its line end."""
        self.stdout.write(question)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise CommandError("The input ended before every question was answered.")
        return line.rstrip("\r\n")

    def ask_password(self, question: str) -> str:
        """Ask for a password, without echo on a terminal."""
        if self.interactive():
            return getpass.getpass(question, stream=self.stdout)
        return self.ask(question)

    def confirm(self, question: str) -> bool:
        """Ask a yes/no question; only "y" or "yes" is yes."""
        return self.ask(f"{question} [y/N]: ").strip().lower() in ("y", "yes")


__all__ = ["Prompter"]
