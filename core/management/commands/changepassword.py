"""`changepassword [username]`: set a user's password (default: the system user's name)."""

from __future__ import annotations

import getpass
from typing import Any

from core.management.base import BaseCommand, CommandError, CommandParser

MAX_TRIES = 3


class Command(BaseCommand):
    help = "Change a user's password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "username", nargs="?", help="The user (default: the current system user's name)."
        )

    def handle(self, username: str | None = None, **options: Any) -> None:
        from sqlalchemy import select

        from core.auth.api import get_user_model
        from core.auth.password_validation import PasswordValidationError, validate_password
        from core.auth.prompts import Prompter
        from orm import session_scope

        model = get_user_model()
        username = username or getpass.getuser()
        prompter = Prompter(stdout=self.stdout)
        column = getattr(model, model.USERNAME_FIELD)
        with session_scope() as session:
            user = session.scalars(select(model).where(column == username)).first()
            if user is None:
                raise CommandError(f"There is no user named {username!r}.")
            self.stdout.write(f"Changing password for user {username!r}\n")
            for _ in range(MAX_TRIES):
                password = prompter.ask_password("Password: ")
                if password != prompter.ask_password("Password (again): "):
                    self.stderr.write("Error: Passwords do not match. Please try again.\n")
                    continue
                try:
                    validate_password(password, user)
                except PasswordValidationError as exc:
                    self.stderr.write("\n".join(exc.messages) + "\n")
                    continue
                user.set_password(password)
                break
            else:
                raise CommandError(
                    f"Too many failed attempts: the password of {username!r} is unchanged."
                )
        self.stdout.write(f"Password changed successfully for user {username!r}.\n")
