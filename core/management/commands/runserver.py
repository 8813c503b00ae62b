"""`runserver [ADDRESS:]PORT`: the development server, restarted when a Python file changes.

`--asgi` serves the project through its ASGI handler under uvicorn instead of wsgiref,
with the same reloader.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import re
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from core import __version__
from core.management.base import BaseCommand, CommandError, CommandParser

CHILD_VARIABLE = "STOA_RUNSERVER_CHILD"
ADDRPORT = re.compile(
    r"^(?:(?P<host>\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9.-]+|\d{1,3}(?:\.\d{1,3}){3}):)?(?P<port>\d+)$"
)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def parse_addrport(value: str) -> tuple[str, int, bool]:
    """Return (host, port, is_ipv6) from `8000`, `0.0.0.0:8000`, `[::1]:8000` or `host:8000`."""
    match = ADDRPORT.match(value)
    if match is None:
        raise CommandError(f"{value!r} is not a port or an address:port pair, e.g. 127.0.0.1:8000.")
    port = int(match["port"])
    if not 0 < port < 65536:
        raise CommandError(f"Port {port} is out of range (1-65535).")
    host = match["host"] or DEFAULT_HOST
    ipv6 = host.startswith("[")
    return host.strip("[]"), port, ipv6


class Command(BaseCommand):
    help = "Serve the project for development, reloading when its Python files change."
    # The server starts even when the project is broken, to show the error on the page.
    requires_settings = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default=f"{DEFAULT_HOST}:{DEFAULT_PORT}",
            help=f"Port or address:port to listen on (default {DEFAULT_HOST}:{DEFAULT_PORT}).",
        )
        parser.add_argument(
            "--noreload", action="store_true", help="Do not restart when files change."
        )
        parser.add_argument(
            "--asgi",
            action="store_true",
            help="Serve through the ASGI handler under uvicorn (pip install 'stoa[asgi]').",
        )

    def handle(self, **options: Any) -> None:
        host, port, ipv6 = parse_addrport(options["addrport"])
        if options["asgi"] and importlib.util.find_spec("uvicorn") is None:
            raise CommandError("runserver --asgi needs uvicorn: pip install 'stoa[asgi]'.")
        if options["noreload"] or os.environ.get(CHILD_VARIABLE):
            self.run_server(host, port, ipv6, asgi=options["asgi"])
            return
        _check_port_free(host, port, ipv6)
        self.run_with_reloader()

    def run_with_reloader(self) -> None:
        """Run the server in a child process and restart it whenever a .py file changes."""
        from watchfiles import PythonFilter, run_process

        os.environ[CHILD_VARIABLE] = "1"
        command = shlex.join([sys.executable, *sys.argv])
        paths = watched_paths()
        self.stdout.write(f"Watching for changes in {', '.join(str(p) for p in paths)}\n")
        self.stdout.flush()

        def changed(changes: set[tuple[Any, str]]) -> None:
            names = sorted({os.path.relpath(path) for _, path in changes})
            self.stdout.write(f"\n{', '.join(names)} changed, reloading.\n")
            self.stdout.flush()

        run_process(
            *paths,
            target=command,
            target_type="command",
            watch_filter=PythonFilter(),
            callback=changed,
            debounce=300,
            step=50,
            grace_period=0,
        )

    def run_server(self, host: str, port: int, ipv6: bool, *, asgi: bool = False) -> None:
        """Load the project and serve it in this process until interrupted."""
        from core.conf import ENVIRONMENT_VARIABLE
        from core.devserver import load_application, load_asgi_application, serve, serve_asgi

        debug = _debug_enabled()
        loopback = host in ("127.0.0.1", "::1", "localhost")
        show_details = debug if debug is not None else loopback
        if asgi:
            asgi_app = load_asgi_application(show_details=show_details)
        else:
            app = load_application(show_details=show_details)
        self._warn_about_migrations()
        shown_host = f"[{host}]" if ipv6 else host
        kind = "ASGI development server (uvicorn)" if asgi else "Development server"
        self.stdout.write(
            f"Stoa {__version__}, settings {os.environ.get(ENVIRONMENT_VARIABLE, '(none)')!r}, "
            f"DEBUG {'on' if debug else 'off'}\n"
            f"{kind} at http://{shown_host}:{port}/\n"
            f"Quit with CONTROL-C.\n"
        )
        self.stdout.flush()
        try:
            if asgi:
                serve_asgi(asgi_app, host, port)
            else:
                serve(app, host, port, ipv6)
        except OSError as exc:
            raise CommandError(_bind_error(exc, host, port)) from None
        except KeyboardInterrupt:
            pass

    def _warn_about_migrations(self) -> None:
        from core.db import migration_warnings

        try:
            warnings = migration_warnings()
        except Exception:  # noqa: BLE001 (the server still starts; check explains the rest)
            return
        for text in warnings:
            self.stderr.write(f"Warning: {text}\n")


def _debug_enabled() -> bool | None:
    from core.conf import settings

    try:
        return bool(settings.DEBUG)
    except Exception:  # noqa: BLE001 (the settings may be what is broken)
        return None


def watched_paths() -> list[Path]:
    """Return the directories to watch: the project and any app or template dir outside it."""
    root = Path.cwd().resolve()
    module = os.environ.get("STOA_SETTINGS_MODULE", "")
    try:
        spec = importlib.util.find_spec(module.partition(".")[0]) if module else None
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations))).resolve().parent
    paths = [root]
    try:
        from core.apps import get_apps

        extra = [app.path for app in get_apps()]
    except Exception:  # noqa: BLE001 (a broken project still gets its directory watched)
        extra = []
    for path in extra:
        path = path.resolve()
        if not any(path.is_relative_to(existing) for existing in paths):
            paths.append(path)
    return paths


def _check_port_free(host: str, port: int, ipv6: bool) -> None:
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(_bind_error(exc, host, port)) from None


def _bind_error(exc: OSError, host: str, port: int) -> str:
    reasons = {
        errno.EADDRINUSE: f"port {port} is in use: stop the other server or pick another port",
        errno.EACCES: f"no permission to listen on port {port}: use a port above 1023",
        errno.EADDRNOTAVAIL: f"{host!r} is not an address of this machine",
    }
    return f"Cannot listen on {host}:{port}: " + reasons.get(exc.errno or 0, str(exc)) + "."
