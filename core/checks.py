"""System checks: everything `manage.py check` reports, each with an id and a fix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from core.exceptions import ImproperlyConfigured

Level = Literal["ERROR", "WARNING"]


@dataclass(frozen=True)
class CheckMessage:
    """One problem found: how serious, what, and which check found it."""

    level: Level
    msg: str
    id: str

    def __str__(self) -> str:
        return f"({self.id}) {self.msg}"


def run_checks() -> list[CheckMessage]:
    """Check settings, apps, the URLconf, templates and middleware; return every problem."""
    from core.conf import settings
    from core.conf.validation import validate_settings

    try:
        values = settings.as_dict()
    except ImproperlyConfigured as exc:
        return [CheckMessage("ERROR", str(exc), "settings.E000")]
    problems = validate_settings(values, set(settings.explicit))
    messages = [CheckMessage("ERROR", problem, "settings.E001") for problem in problems]
    if messages:
        return messages  # later checks would only repeat these in other words
    messages.extend(_check_apps())
    if messages:
        return messages  # every later check imports the apps again and fails the same way
    checks = (_check_urls, _check_templates, _check_middleware, _check_migrations, _check_admin)
    for check in checks:
        try:
            messages.extend(check())
        except Exception as exc:  # noqa: BLE001 (a check must report, never crash)
            name = check.__name__.removeprefix("_check_")
            messages.append(CheckMessage("ERROR", f"{type(exc).__name__}: {exc}", f"{name}.E000"))
    return messages


def _check_apps() -> list[CheckMessage]:
    from core.apps import get_apps

    try:
        get_apps()
    except ImproperlyConfigured as exc:
        return [CheckMessage("ERROR", str(exc), "apps.E001")]
    except Exception as exc:  # noqa: BLE001 (an app's own code may raise anything)
        return [
            CheckMessage(
                "ERROR",
                f"An installed app cannot be imported: {type(exc).__name__}: {exc}",
                "apps.E002",
            )
        ]
    return []


def _check_urls() -> list[CheckMessage]:
    from core.urls import get_resolver

    try:
        resolver = get_resolver()
        resolver.reverse_dict()
    except Exception as exc:  # noqa: BLE001 (the project's code may raise anything)
        detail = (
            f"{type(exc).__name__}: {exc}" if not isinstance(exc, ImproperlyConfigured) else exc
        )
        return [CheckMessage("ERROR", f"The URLconf cannot be loaded: {detail}", "urls.E001")]
    messages: list[CheckMessage] = []
    names: Counter[str] = Counter()
    seen_patterns: set[int] = set()
    for _route, pattern, namespaces in resolver.walk():
        if pattern.name:
            names[":".join([*namespaces, pattern.name])] += 1
        if id(pattern.pattern) not in seen_patterns:
            seen_patterns.add(id(pattern.pattern))
            messages.extend(
                CheckMessage("WARNING", text, "urls.W001") for text in pattern.pattern.warnings()
            )
    messages.extend(_check_include_patterns(resolver))
    for name, count in sorted(names.items()):
        if count > 1:
            messages.append(
                CheckMessage(
                    "WARNING",
                    f"The URL name {name!r} is used by {count} patterns: reverse() finds the "
                    f"first whose arguments fit. Give each pattern its own name.",
                    "urls.W002",
                )
            )
    return messages


def _check_include_patterns(resolver: object) -> list[CheckMessage]:
    from core.urls import URLResolver

    messages: list[CheckMessage] = []
    namespaces: Counter[str] = Counter()
    stack = [resolver]
    while stack:
        current = stack.pop()
        assert isinstance(current, URLResolver)
        for entry in current.url_patterns:
            if isinstance(entry, URLResolver):
                messages.extend(
                    CheckMessage("WARNING", text, "urls.W001") for text in entry.pattern.warnings()
                )
                if entry.namespace:
                    namespaces[entry.namespace] += 1
                stack.append(entry)
    for namespace, count in sorted(namespaces.items()):
        if count > 1:
            messages.append(
                CheckMessage(
                    "WARNING",
                    f"The URL namespace {namespace!r} is used {count} times: pass "
                    f"include(..., namespace='another') to tell the instances apart.",
                    "urls.W003",
                )
            )
    return messages


def _check_templates() -> list[CheckMessage]:
    from core.templating import get_engine

    try:
        get_engine()
    except ImproperlyConfigured as exc:
        return [CheckMessage("ERROR", str(exc), "templates.E001")]
    return []


def _check_middleware() -> list[CheckMessage]:
    from core.conf import settings
    from core.utils import import_string

    messages = []
    for path in settings.MIDDLEWARE:
        try:
            factory = import_string(path, setting="MIDDLEWARE")
        except (ImproperlyConfigured, ImportError) as exc:
            messages.append(CheckMessage("ERROR", str(exc), "middleware.E001"))
            continue
        if not callable(factory):
            messages.append(
                CheckMessage(
                    "ERROR",
                    f"MIDDLEWARE entry {path!r} is not callable: it must take get_response.",
                    "middleware.E002",
                )
            )
    return messages


def _check_admin() -> list[CheckMessage]:
    from core.conf import settings

    if "core.admin" not in settings.INSTALLED_APPS:
        return []
    from core.admin.checks import check_middleware

    return check_middleware(list(settings.MIDDLEWARE))


def _check_migrations() -> list[CheckMessage]:
    from sqlalchemy.exc import SQLAlchemyError

    import core
    from core.db import migration_warnings
    from orm.exceptions import MigrationError

    try:
        core.setup()
        texts = migration_warnings()
    except (ImproperlyConfigured, MigrationError) as exc:
        return [CheckMessage("ERROR", str(exc), "db.E001")]
    except SQLAlchemyError as exc:
        return [
            CheckMessage(
                "WARNING",
                f"The database cannot be reached ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0]}); migrations were not checked.",
                "db.W002",
            )
        ]
    return [CheckMessage("WARNING", text, "db.W001") for text in texts]


SECURITY_MIDDLEWARE = "core.middleware.security.SecurityMiddleware"
SESSION_MIDDLEWARE = "core.middleware.sessions.SessionMiddleware"
CSRF_MIDDLEWARE = "core.middleware.csrf.CsrfViewMiddleware"
CLICKJACKING_MIDDLEWARE = "core.middleware.clickjacking.XFrameOptionsMiddleware"

# Keys starting with these were made for development only (Django marks its generated
# keys so); keys equal to one of KNOWN_INSECURE_SECRETS are published or guessable.
INSECURE_SECRET_PREFIXES = ("stoa-insecure-", "django-insecure-")
KNOWN_INSECURE_SECRETS = frozenset(
    {"", "secret", "changeme", "change-me", "secret-key", "your-secret-key", "dev", "test"}
)
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def run_deploy_checks() -> list[CheckMessage]:
    """Check what is unsafe in production: DEBUG, the secret key, hosts, cookies, HTTPS.

    `check --deploy` runs these after the ordinary checks. Every message is a warning:
    a development configuration is expected to trip them.
    """
    from core.conf import settings

    try:
        values = settings.as_dict()
    except ImproperlyConfigured as exc:
        return [CheckMessage("ERROR", str(exc), "settings.E000")]
    messages: list[CheckMessage] = []
    for check in (_check_debug, _check_secret_keys, _check_hosts, _check_security_middleware):
        messages.extend(check(values))
    for check in (_check_cookies, _check_https, _check_headers, _check_database):
        messages.extend(check(values))
    messages.extend(_check_proxies(values))
    return messages


def _warning(id_: str, msg: str) -> CheckMessage:
    return CheckMessage("WARNING", msg, id_)


def _check_debug(values: dict[str, Any]) -> list[CheckMessage]:
    if not values.get("DEBUG"):
        return []
    return [
        _warning(
            "security.W018",
            "DEBUG is on: error pages show tracebacks, local variables and settings to anyone. "
            "Set DEBUG = False in production (the generated settings read STOA_DEBUG).",
        )
    ]


def secret_key_problem(key: object) -> str | None:
    """Say what makes `key` unfit to sign production data, or None if it is strong."""
    if not isinstance(key, str) or key in KNOWN_INSECURE_SECRETS:
        return "is a known, published value"
    if key.startswith(INSECURE_SECRET_PREFIXES):
        prefix = next(p for p in INSECURE_SECRET_PREFIXES if key.startswith(p))
        return f"starts with {prefix!r}, the mark of a development key"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"has fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return None


def _check_secret_keys(values: dict[str, Any]) -> list[CheckMessage]:
    fix = (
        "Generate one with python -c 'import secrets; print(secrets.token_urlsafe(50))' and "
        "set it from the environment (STOA_SECRET_KEY in the generated settings)."
    )
    messages = []
    problem = secret_key_problem(values.get("SECRET_KEY"))
    if problem:
        messages.append(_warning("security.W009", f"SECRET_KEY {problem}. {fix}"))
    for index, key in enumerate(values.get("SECRET_KEY_FALLBACKS") or ()):
        problem = secret_key_problem(key)
        if problem:
            messages.append(
                _warning("security.W025", f"SECRET_KEY_FALLBACKS[{index}] {problem}. {fix}")
            )
    return messages


def _check_hosts(values: dict[str, Any]) -> list[CheckMessage]:
    hosts = values.get("ALLOWED_HOSTS") or []
    if not hosts:
        return [
            _warning(
                "security.W020",
                "ALLOWED_HOSTS is empty: with DEBUG off every request is refused. List the "
                "site's host names, e.g. ALLOWED_HOSTS = ['example.com'].",
            )
        ]
    if "*" in hosts:
        return [
            _warning(
                "security.W020",
                "ALLOWED_HOSTS allows any host ('*'), so a forged Host header reaches the "
                "site. List the site's host names instead, e.g. ['example.com'].",
            )
        ]
    return []


def _check_security_middleware(values: dict[str, Any]) -> list[CheckMessage]:
    middleware = values.get("MIDDLEWARE") or []
    wanted = (
        (
            "security.W001",
            SECURITY_MIDDLEWARE,
            "so no nosniff, Referrer-Policy, HSTS or HTTPS redirect",
        ),
        ("security.W002", CLICKJACKING_MIDDLEWARE, "so other sites may frame the pages"),
        ("security.W003", CSRF_MIDDLEWARE, "so forms are open to cross-site request forgery"),
        ("security.W030", SESSION_MIDDLEWARE, "so there are no sessions, logins or messages"),
    )
    return [
        _warning(id_, f"{path!r} is not in MIDDLEWARE, {consequence}. Add it.")
        for id_, path, consequence in wanted
        if path not in middleware
    ]


def _check_cookies(values: dict[str, Any]) -> list[CheckMessage]:
    messages = []
    if not values.get("SESSION_COOKIE_SECURE"):
        messages.append(
            _warning(
                "security.W012",
                "SESSION_COOKIE_SECURE is off, so the session cookie may travel over plain "
                "http, where it can be stolen. Set SESSION_COOKIE_SECURE = True.",
            )
        )
    if not values.get("SESSION_COOKIE_HTTPONLY"):
        messages.append(
            _warning(
                "security.W013",
                "SESSION_COOKIE_HTTPONLY is off, so any injected script can read the session "
                "cookie. Set SESSION_COOKIE_HTTPONLY = True.",
            )
        )
    if not values.get("CSRF_USE_SESSIONS") and not values.get("CSRF_COOKIE_SECURE"):
        messages.append(
            _warning(
                "security.W016",
                "CSRF_COOKIE_SECURE is off, so the CSRF cookie may travel over plain http. "
                "Set CSRF_COOKIE_SECURE = True.",
            )
        )
    return messages


def _check_https(values: dict[str, Any]) -> list[CheckMessage]:
    messages = []
    if not values.get("SECURE_HSTS_SECONDS"):
        messages.append(
            _warning(
                "security.W004",
                "SECURE_HSTS_SECONDS is 0, so browsers may still try plain http first. Once "
                "the whole site works over HTTPS, set it (start small, e.g. 3600, then "
                "31536000); it cannot be taken back for that long.",
            )
        )
    if not values.get("SECURE_SSL_REDIRECT"):
        messages.append(
            _warning(
                "security.W008",
                "SECURE_SSL_REDIRECT is off, so plain-http requests are served. Set it to "
                "True, unless the proxy in front already redirects to https.",
            )
        )
    return messages


def _check_headers(values: dict[str, Any]) -> list[CheckMessage]:
    messages = []
    if str(values.get("X_FRAME_OPTIONS", "")).upper() != "DENY":
        messages.append(
            _warning(
                "security.W019",
                f"X_FRAME_OPTIONS is {values.get('X_FRAME_OPTIONS')!r}: unless the site frames "
                f"its own pages, set it to 'DENY' (exempt single views with "
                f"@xframe_options_exempt).",
            )
        )
    if not values.get("SECURE_CONTENT_TYPE_NOSNIFF"):
        messages.append(
            _warning(
                "security.W006",
                "SECURE_CONTENT_TYPE_NOSNIFF is off, so browsers may guess content types and "
                "run an upload as a script. Set SECURE_CONTENT_TYPE_NOSNIFF = True.",
            )
        )
    return messages


def _check_database(values: dict[str, Any]) -> list[CheckMessage]:
    databases = values.get("DATABASES") or {}
    url = str(databases.get("default", "")) if isinstance(databases, dict) else ""
    if not url.startswith("sqlite"):
        return []
    return [
        _warning(
            "db.W003",
            "The default database is SQLite: fine for one server, but several gunicorn "
            "workers queue on its single writer and several hosts cannot share it. Use "
            "PostgreSQL in production (DATABASE_URL=postgresql+psycopg://...).",
        )
    ]


def _check_proxies(values: dict[str, Any]) -> list[CheckMessage]:
    if values.get("TRUSTED_PROXIES"):
        return []
    trusting = [
        name for name in ("SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST") if values.get(name)
    ]
    if not trusting:
        return []
    return [
        _warning(
            "security.W031",
            f"{' and '.join(trusting)} trust(s) the forwarded headers of any peer, so a "
            f"client that reaches the server directly can claim https or another host. Set "
            f"TRUSTED_PROXIES to the proxy's addresses, e.g. TRUSTED_PROXIES = ['127.0.0.1'].",
        )
    ]
