"""`createsuperuser`: create a user with every permission, asking for what is missing.

    python manage.py createsuperuser
    STOA_SUPERUSER_PASSWORD=... python manage.py createsuperuser --noinput \\
        --username admin --email admin@example.com
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from core.management.base import BaseCommand, CommandError, CommandParser

if TYPE_CHECKING:
    from core.auth.prompts import Prompter

ENV_PREFIX = "STOA_SUPERUSER_"
USERNAME_PATTERN = re.compile(r"[\w.@+-]+\Z")


class Command(BaseCommand):
    help = "Create a superuser (asking for the username, email and password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", help="The superuser's username.")
        parser.add_argument("--email", help="The superuser's email address.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            dest="interactive",
            action="store_false",
            help=(
                "Ask nothing: read the username, email and password from the options or "
                "from STOA_SUPERUSER_USERNAME, _EMAIL and _PASSWORD (no password: the "
                "user cannot log in with one)."
            ),
        )
        parser.add_argument(
            "--skip-validation",
            action="store_true",
            help="With --noinput, accept a password that AUTH_PASSWORD_VALIDATORS refuse.",
        )

    def handle(
        self,
        username: str | None = None,
        email: str | None = None,
        interactive: bool = True,
        skip_validation: bool = False,
        **options: Any,
    ) -> None:
        from core.auth.api import get_user_model
        from core.auth.prompts import Prompter

        model = get_user_model()
        password: str | None
        if interactive:
            prompter = Prompter(stdout=self.stdout)
            username, email, password = self.ask(prompter, model, username, email)
        else:
            username = username or os.environ.get(f"{ENV_PREFIX}USERNAME")
            email = email if email is not None else os.environ.get(f"{ENV_PREFIX}EMAIL", "")
            password = os.environ.get(f"{ENV_PREFIX}PASSWORD") or None
            if not username:
                raise CommandError(
                    f"--noinput needs a username: pass --username or set {ENV_PREFIX}USERNAME."
                )
            problem = username_problem(model, username) or email_problem(email)
            if problem:
                raise CommandError(problem)
            if password is not None and not skip_validation:
                messages = password_problems(model, password, username, email)
                if messages:
                    raise CommandError(" ".join(messages) + " (--skip-validation accepts it.)")
        self.create(model, username, email or "", password)
        self.stdout.write(f"Superuser {username!r} created.\n")

    def ask(
        self, prompter: Prompter, model: Any, username: str | None, email: str | None
    ) -> tuple[str, str, str]:
        """Ask for every value not given as an option, until each is acceptable."""
        if username is not None and (problem := username_problem(model, username)):
            raise CommandError(problem)
        while username is None:
            answer = prompter.ask("Username: ").strip()
            problem = username_problem(model, answer)
            if problem:
                self.stderr.write(f"Error: {problem}\n")
            else:
                username = answer
        if email is not None and (problem := email_problem(email)):
            raise CommandError(problem)
        while email is None:
            answer = prompter.ask("Email address: ").strip()
            problem = email_problem(answer)
            if problem:
                self.stderr.write(f"Error: {problem}\n")
            else:
                email = answer
        return username, email, self.ask_password(prompter, model, username, email)

    def ask_password(self, prompter: Prompter, model: Any, username: str, email: str) -> str:
        """Ask for the password twice; offer to bypass validation as Django does."""
        while True:
            password = prompter.ask_password("Password: ")
            if password != prompter.ask_password("Password (again): "):
                self.stderr.write("Error: Your passwords didn't match.\n")
                continue
            if not password.strip():
                self.stderr.write("Error: Blank passwords aren't allowed.\n")
                continue
            messages = password_problems(model, password, username, email)
            if not messages:
                return password
            self.stderr.write("\n".join(messages) + "\n")
            if prompter.confirm("Bypass password validation and create user anyway?"):
                return password

    def create(self, model: Any, username: str, email: str, password: str | None) -> None:
        """Create the superuser and commit."""
        from orm import session_scope

        with session_scope() as session:
            model.create_superuser(username, password, email=email, session=session)


def username_problem(model: Any, username: str) -> str | None:
    """Say what is wrong with `username` (empty, too long, odd characters, taken), if anything."""
    from sqlalchemy import func, select

    from orm import session_scope

    if not username:
        return "The username cannot be blank."
    if len(username) > 150:
        return "The username is longer than 150 characters."
    if not USERNAME_PATTERN.match(username):
        return "Enter a username of letters, digits and @/./+/-/_ only."
    column = getattr(model, model.USERNAME_FIELD)
    normalized = model.normalize_username(username)
    with session_scope(commit=False, immediate=False) as session:
        taken = session.scalar(select(func.count()).where(column == normalized))
    if taken:
        return f"The username {username!r} is already taken."
    return None


def email_problem(email: str | None) -> str | None:
    """Say what is wrong with an email address, if anything ("" is allowed)."""
    if not email:
        return None
    local, _, domain = email.rpartition("@")
    if not local or "." not in domain or any(char.isspace() for char in email):
        return f"{email!r} is not a valid email address."
    return None


def password_problems(model: Any, password: str, username: str, email: str | None) -> list[str]:
    """Return the messages of the password validators about `password` (none: it is fine)."""
    from core.auth.password_validation import PasswordValidationError, validate_password

    candidate = model(**{model.USERNAME_FIELD: username}, email=email or "")
    try:
        validate_password(password, candidate)
    except PasswordValidationError as exc:
        return exc.messages
    return []
