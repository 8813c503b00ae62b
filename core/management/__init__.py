"""Run management commands: `python manage.py NAME` in a project, `stoa NAME` anywhere."""

from __future__ import annotations

import difflib
import importlib
import os
import pkgutil
import sys
from pathlib import Path

from core import __version__
from core.management.base import BaseCommand, CommandError

CORE_COMMANDS = Path(__file__).resolve().parent / "commands"


def find_commands() -> dict[str, str]:
    """Return {command name: module path}, Stoa's first, then each installed app's."""
    commands = {
        info.name: f"core.management.commands.{info.name}"
        for info in pkgutil.iter_modules([str(CORE_COMMANDS)])
        if not info.name.startswith("_")
    }
    try:
        from core.apps import get_apps

        apps = get_apps()
    except Exception:  # noqa: BLE001 (broken settings are reported by the command that needs them)
        return commands
    for app in apps:
        directory = app.path / "management" / "commands"
        if directory.is_dir():
            for info in pkgutil.iter_modules([str(directory)]):
                if not info.name.startswith("_"):
                    commands[info.name] = f"{app.name}.management.commands.{info.name}"
    return commands


def load_command(module_path: str) -> BaseCommand:
    """Import a command module and return an instance of its Command class."""
    command: BaseCommand = importlib.import_module(module_path).Command()
    return command


def _preload_settings_option(argv: list[str]) -> None:
    # --settings must take effect before the apps' commands are looked up.
    for index, arg in enumerate(argv):
        if arg.startswith("--settings="):
            os.environ["STOA_SETTINGS_MODULE"] = arg.split("=", 1)[1]
        elif arg == "--settings" and index + 1 < len(argv):
            os.environ["STOA_SETTINGS_MODULE"] = argv[index + 1]


def main_help(prog: str, commands: dict[str, str]) -> str:
    """Return the overview that `manage.py help` prints."""
    lines = [
        f"Usage: {prog} COMMAND [options]",
        "",
        f"Run '{prog} COMMAND --help' for a command's options.",
        "",
        "Commands:",
    ]
    for name in sorted(commands):
        try:
            summary = load_command(commands[name]).help.strip().splitlines()[0]
        except Exception:  # noqa: BLE001 (one broken app command must not hide the rest)
            summary = "(cannot be loaded)"
        lines.append(f"  {name:<16} {summary}")
    return "\n".join(lines) + "\n"


def execute_from_command_line(argv: list[str] | None = None) -> int:
    """Run the command named in `argv` (default sys.argv) and return its exit status."""
    argv = list(sys.argv if argv is None else argv)
    prog = Path(argv[0]).name if argv else "stoa"
    args = argv[1:]
    _preload_settings_option(args)
    commands = find_commands()
    if not args or (args[0] in ("help", "-h", "--help") and len(args) < 2):
        sys.stdout.write(main_help(prog, commands))
        return 0
    if args[0] in ("--version", "version"):
        sys.stdout.write(f"{__version__}\n")
        return 0
    name = args[0]
    if name == "help":
        name, args = args[1], [args[1], "--help"]
    if name not in commands:
        close = difflib.get_close_matches(name, list(commands), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        sys.stderr.write(f"Unknown command: {name!r}.{hint} Type '{prog} help' for usage.\n")
        return 1
    try:
        command = load_command(commands[name])
    except CommandError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return exc.returncode
    return command.run_from_argv(prog, name, args[1:])


def main() -> None:
    """The `stoa` console script: like a project's manage.py, from any directory."""
    sys.exit(execute_from_command_line(sys.argv))


__all__ = ["BaseCommand", "CommandError", "execute_from_command_line", "main"]
