"""`deployconfig nginx|uwsgi|systemd`: print (or write) a production config for the project.

The configs are rendered from templates in core/management/deploy_templates, with what
they need taken from the settings (STATIC_URL, STATIC_ROOT, MEDIA_ROOT, ALLOWED_HOSTS,
DATA_UPLOAD_MAX_MEMORY_SIZE) and the options for what varies between servers.
"""

from __future__ import annotations

import importlib
import multiprocessing
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from core.conf import settings
from core.management.base import BaseCommand, CommandError, CommandParser
from core.management.commands.runserver import parse_addrport

TEMPLATES = Path(__file__).resolve().parent.parent / "deploy_templates"
TARGETS = ("nginx", "uwsgi", "systemd")
# What a path, a name or an address may hold to be written into a config unquoted.
_SAFE = re.compile(r"^[A-Za-z0-9._/~@%+=:,\[\]-]+$")
_SERVER_NAME = re.compile(r"^(\.?[A-Za-z0-9*_-][A-Za-z0-9.*_-]*|\[[0-9A-Fa-f:.]+\])$")
# The options of one target only, by argparse dest, with the flag shown in errors.
TARGET_OPTIONS = {
    "server_names": ("nginx", "--server-name"),
    "listen": ("nginx", "--listen"),
    "upstreams": ("nginx", "--upstream"),
    "protocol": ("nginx", "--protocol"),
    "ssl_certificate": ("nginx", "--ssl-certificate"),
    "ssl_certificate_key": ("nginx", "--ssl-certificate-key"),
    "redirect_listen": ("nginx", "--redirect-listen"),
    "http": ("uwsgi", "--http"),
    "socket": ("uwsgi", "--socket"),
    "timeout": ("uwsgi", "--timeout"),
    "server": ("systemd", "--server"),
    "user": ("systemd", "--user"),
    "group": ("systemd", "--group"),
    "environment_file": ("systemd", "--environment-file"),
    "bind_host": ("systemd", "--bind-host"),
    "ini": ("systemd", "--ini"),
}
DEFAULT_UWSGI_SOCKET = "127.0.0.1:8001"


class Command(BaseCommand):
    help = (
        "Print a production config for this project: the nginx site, the uWSGI ini,\n"
        "or the systemd unit of gunicorn or uWSGI (write it to a file with --output).\n\n"
        "  python manage.py deployconfig nginx --server-name example.com \\\n"
        "      --upstream 127.0.0.1:8000 --upstream 127.0.0.1:8001\n"
        "  python manage.py deployconfig uwsgi --socket 127.0.0.1:8001 -o uwsgi.ini\n"
        "  python manage.py deployconfig systemd --server gunicorn"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", choices=TARGETS, help="Which config to make.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="Write the config to FILE, not to stdout."
        )
        parser.add_argument("--force", action="store_true", help="Overwrite an existing FILE.")
        parser.add_argument(
            "--project-dir",
            metavar="DIR",
            help="Where the project (manage.py) is on the server (default: this project's "
            "directory). STATIC_ROOT and MEDIA_ROOT inside this project move with it.",
        )
        parser.add_argument(
            "--venv",
            metavar="DIR",
            help="The virtual environment Stoa is installed in on the server (default: "
            "this interpreter's).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            metavar="N",
            help="uwsgi: worker processes (default 2 x cores + 1); systemd --server "
            "gunicorn: WEB_CONCURRENCY (default: gunicorn.conf.py's 2 x cores + 1).",
        )
        nginx = parser.add_argument_group("nginx")
        nginx.add_argument(
            "--server-name",
            dest="server_names",
            action="append",
            metavar="NAME",
            help="A host name of the site, repeatable (default: ALLOWED_HOSTS).",
        )
        nginx.add_argument(
            "--listen", metavar="ADDR", help="Port or address:port (default 80, 443 with TLS)."
        )
        nginx.add_argument(
            "--upstream",
            dest="upstreams",
            action="append",
            metavar="ADDR",
            help="An application server, address:port or unix:/path, repeatable "
            "(default 127.0.0.1:8000, or 127.0.0.1:8001 with --protocol uwsgi).",
        )
        nginx.add_argument(
            "--protocol",
            choices=["http", "uwsgi"],
            help="How nginx talks to them: http (gunicorn, the default) or uwsgi (uwsgi_pass "
            "to uwsgi --socket).",
        )
        nginx.add_argument("--ssl-certificate", metavar="FILE", help="Serve https with this.")
        nginx.add_argument("--ssl-certificate-key", metavar="FILE", help="Its private key.")
        nginx.add_argument(
            "--redirect-listen",
            metavar="ADDR",
            help="With TLS, where plain http is redirected to https (default 80; 'off').",
        )
        uwsgi = parser.add_argument_group("uwsgi")
        where = uwsgi.add_mutually_exclusive_group()
        where.add_argument(
            "--http", metavar="ADDR", help="Serve HTTP itself on address:port (uWSGI's router)."
        )
        where.add_argument(
            "--socket",
            metavar="ADDR",
            help=f"Speak the uwsgi protocol for nginx on address:port or a socket path "
            f"(default {DEFAULT_UWSGI_SOCKET}).",
        )
        uwsgi.add_argument(
            "--timeout", type=int, metavar="SECONDS", help="Kill a stuck worker (default 30)."
        )
        systemd = parser.add_argument_group("systemd")
        systemd.add_argument(
            "--server", choices=["gunicorn", "uwsgi"], help="The server the unit runs."
        )
        systemd.add_argument("--user", help="The user it runs as (default www-data).")
        systemd.add_argument("--group", help="Its group (default: the user's name).")
        systemd.add_argument(
            "--environment-file",
            metavar="FILE",
            help="The secrets and production settings (default /etc/PROJECT/environment).",
        )
        systemd.add_argument(
            "--bind-host",
            metavar="HOST",
            help="gunicorn: the address of each instance; its port is the instance name "
            "(default 127.0.0.1).",
        )
        systemd.add_argument(
            "--ini", metavar="FILE", help="uwsgi: the ini file (default PROJECT_DIR/uwsgi.ini)."
        )

    def handle(self, **options: Any) -> None:
        target: str = options.pop("target")
        output: str | None = options.pop("output", None)
        force: bool = options.pop("force", False)
        for dest, (owner, flag) in TARGET_OPTIONS.items():
            if options.get(dest) is not None and owner != target:
                raise CommandError(f"{flag} is an option of 'deployconfig {owner}', not {target}.")
        workers = options.get("workers")
        if workers is not None and workers < 1:
            raise CommandError(f"--workers must be at least 1, not {workers}.")
        project = _project()
        context = self.common_context(project, options)
        if target == "nginx":
            name, context = "nginx.conf-tpl", {**context, **self.nginx_context(project, options)}
        elif target == "uwsgi":
            extra = self.uwsgi_context(project, options, output)
            name, context = "uwsgi.ini-tpl", {**context, **extra}
        else:
            name, extra = self.systemd_context(project, options)
            context = {**context, **extra}
        text = render(name, context)
        if output is None:
            self.stdout.write(text)
            return
        path = Path(output)
        if path.exists() and not force:
            raise CommandError(f"{output!r} already exists: pass --force to overwrite it.")
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {output!r}: {exc.strerror or exc}.") from exc
        self.stdout.write(f"Wrote the {target} config to {output}.\n")

    def common_context(self, project: Project, options: dict[str, Any]) -> dict[str, Any]:
        """Return what every config names: the project, its directory and environment."""
        project_dir = Path(options.get("project_dir") or project.directory)
        venv = options.get("venv") or (sys.prefix if sys.prefix != sys.base_prefix else None)
        bin_dir = Path(venv) / "bin" if venv else Path(sys.executable).parent
        return {
            "project": project.name,
            "settings_module": project.settings_module,
            "project_dir": safe(str(project_dir), "The project directory"),
            "venv": safe(str(venv), "The virtual environment") if venv else None,
            "bin": safe(str(bin_dir), "The virtual environment"),
        }

    def nginx_context(self, project: Project, options: dict[str, Any]) -> dict[str, Any]:
        """Return the nginx site's values: names, addresses, static and media locations."""
        certificate, key = options.get("ssl_certificate"), options.get("ssl_certificate_key")
        if bool(certificate) != bool(key):
            raise CommandError("Give both --ssl-certificate and --ssl-certificate-key, or neither.")
        protocol = options.get("protocol") or "http"
        default_upstream = DEFAULT_UWSGI_SOCKET if protocol == "uwsgi" else "127.0.0.1:8000"
        upstreams = [_upstream(value) for value in options.get("upstreams") or [default_upstream]]
        listen = _address(options.get("listen") or ("443" if certificate else "80"), "--listen")
        redirect = options.get("redirect_listen")
        if redirect is not None and not certificate:
            raise CommandError("--redirect-listen goes with --ssl-certificate: plain http only.")
        redirect_listen = None
        if certificate and redirect != "off":
            redirect_listen = _address(redirect or "80", "--redirect-listen")
        project_dir = Path(options.get("project_dir") or project.directory)
        return {
            "upstream_name": project.name,
            "upstreams": upstreams,
            "protocol": protocol,
            "listen": f"{listen} ssl" if certificate else listen,
            "redirect_listen": redirect_listen,
            "server_names": " ".join(_server_names(options.get("server_names"))),
            "ssl_certificate": safe(certificate, "--ssl-certificate") if certificate else None,
            "ssl_certificate_key": safe(key, "--ssl-certificate-key") if key else None,
            "max_body": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            **_static_locations(project.directory, project_dir),
        }

    def uwsgi_context(
        self, project: Project, options: dict[str, Any], output: str | None
    ) -> dict[str, Any]:
        """Return the uWSGI ini's values: where it listens, its workers and timeout."""
        http, socket = options.get("http"), options.get("socket")
        if http is not None:
            _address(http, "--http")
        elif socket is None:
            socket = DEFAULT_UWSGI_SOCKET
        socket_is_unix = socket is not None and socket.startswith("/")
        if socket is not None and not socket_is_unix:
            _address(socket, "--socket")
        timeout = options.get("timeout") or 30
        if timeout < 1:
            raise CommandError(f"--timeout must be at least 1 second, not {timeout}.")
        project_dir = options.get("project_dir") or project.directory
        return {
            "http": http,
            "socket": safe(socket, "--socket") if socket else None,
            "socket_is_unix": socket_is_unix,
            "workers": options.get("workers") or multiprocessing.cpu_count() * 2 + 1,
            "timeout": timeout,
            "ini_path": Path(output).absolute() if output else Path(project_dir) / "uwsgi.ini",
        }

    def systemd_context(
        self, project: Project, options: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """Return the unit's template and values: who runs it, with what environment."""
        server = options.get("server") or "gunicorn"
        user = safe(options.get("user") or "www-data", "--user")
        project_dir = Path(options.get("project_dir") or project.directory)
        environment_file = options.get("environment_file") or f"/etc/{project.name}/environment"
        context: dict[str, Any] = {
            "user": user,
            "group": safe(options.get("group") or user, "--group"),
            "environment_file": safe(environment_file, "--environment-file"),
            "unit_name": f"{project.name}-{server}",
        }
        if server == "gunicorn":
            if options.get("ini") is not None:
                raise CommandError("--ini goes with --server uwsgi.")
            bind_host = options.get("bind_host") or "127.0.0.1"
            _address(f"{bind_host}:8000", "--bind-host")
            context |= {"bind_host": bind_host, "workers": options.get("workers")}
            return "gunicorn.service-tpl", context
        if options.get("bind_host") is not None or options.get("workers") is not None:
            raise CommandError(
                "--bind-host and --workers go with --server gunicorn; uWSGI reads them "
                "from its ini (deployconfig uwsgi)."
            )
        ini = options.get("ini") or str(project_dir / "uwsgi.ini")
        context["ini_path"] = safe(ini, "--ini")
        return "uwsgi.service-tpl", context


@dataclass(frozen=True)
class Project:
    """The project the settings belong to: its package name and directory."""

    name: str
    settings_module: str
    directory: Path


def _project() -> Project:
    module_name = settings.module_name
    if not module_name:
        raise CommandError(
            "deployconfig needs the project's settings: run it as python manage.py "
            "deployconfig in the project, or pass --settings mysite.settings."
        )
    name = module_name.partition(".")[0]
    package = importlib.import_module(name)
    location = getattr(package, "__file__", None) or next(iter(package.__path__))
    directory = Path(location).resolve().parent
    if getattr(package, "__file__", None):
        directory = directory.parent
    return Project(name, module_name, directory)


def render(name: str, context: dict[str, Any]) -> str:
    """Render the deploy template `name` with `context`."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 (config files, not HTML)
    )
    return env.get_template(name).render(context)


def safe(value: str, what: str) -> str:
    """Return `value` if it can be written into a config as it is; stop otherwise."""
    if not _SAFE.match(value):
        raise CommandError(
            f"{what} {value!r} holds a character (a space, a quote, ';', '$', ...) that the "
            f"config cannot hold safely: use a value without it."
        )
    return value


def _address(value: str, flag: str) -> str:
    try:
        parse_addrport(value)
    except CommandError as exc:
        raise CommandError(f"{flag}: {exc}") from None
    return value


def _upstream(value: str) -> str:
    if value.startswith("unix:"):
        return "unix:" + safe(value[5:], "--upstream")
    if ":" not in value.strip("[]"):
        raise CommandError(
            f"--upstream {value!r} needs a port: address:port (127.0.0.1:8000) or unix:/path."
        )
    return _address(value, "--upstream")


def _server_names(given: list[str] | None) -> list[str]:
    names = given or [
        host for host in settings.ALLOWED_HOSTS if host != "*" and _SERVER_NAME.match(host)
    ]
    if given is None and "*" in settings.ALLOWED_HOSTS:
        names = ["_"]  # any name: the application checks it (ALLOWED_HOSTS)
    for name in names:
        if not _SERVER_NAME.match(name):
            raise CommandError(
                f"--server-name {name!r} is not a host name: e.g. example.com or .example.com."
            )
    if not names:
        raise CommandError(
            "ALLOWED_HOSTS names no host for nginx's server_name: set STOA_ALLOWED_HOSTS "
            "or pass --server-name example.com."
        )
    return list(dict.fromkeys(names))


def _static_locations(local_dir: Path, project_dir: Path) -> dict[str, Any]:
    static_url = settings.STATIC_URL
    if not static_url.startswith("/"):
        raise CommandError(
            f"STATIC_URL {static_url!r} is on another host: nginx serves a path of this site "
            f"(STATIC_URL = '/static/'); serve the other host's files there."
        )
    if not settings.STATIC_ROOT:
        raise CommandError(
            "The STATIC_ROOT setting is not set: set it to the directory collectstatic "
            "copies files into (and nginx serves), e.g. STATIC_ROOT = BASE_DIR / 'staticfiles'."
        )
    static_root = _moved(Path(settings.STATIC_ROOT), local_dir, project_dir)
    # Uploads served from another host (a full MEDIA_URL) get no location here.
    media_root = settings.MEDIA_ROOT if settings.MEDIA_URL.startswith("/") else None
    return {
        "static_url": safe(static_url, "STATIC_URL"),
        "static_root": safe(str(static_root).rstrip("/"), "STATIC_ROOT"),
        "media_url": safe(settings.MEDIA_URL, "MEDIA_URL") if media_root else None,
        "media_root": (
            safe(str(_moved(Path(media_root), local_dir, project_dir)).rstrip("/"), "MEDIA_ROOT")
            if media_root
            else None
        ),
    }


def _moved(path: Path, local_dir: Path, project_dir: Path) -> Path:
    # A directory inside this project is inside it on the server too.
    path = path.absolute()
    if path.is_relative_to(local_dir):
        return project_dir / path.relative_to(local_dir)
    return path
