"""System checks: everything `manage.py check` reports, each with an id and a fix."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

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
    for check in (_check_urls, _check_templates, _check_middleware, _check_migrations):
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
