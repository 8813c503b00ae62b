"""Check a configuration and describe every problem with its fix."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Union

from core.conf import DEFAULTS, LazySettings

TEMPLATE_KEYS = ("DIRS", "APP_DIRS", "EXTENSIONS", "CONTEXT_PROCESSORS", "OPTIONS")


def setting_types() -> dict[str, Any]:
    """Return the declared type of every framework setting."""
    return typing.get_type_hints(LazySettings)


def validate_settings(values: Mapping[str, Any], explicit: set[str]) -> list[str]:
    """Return a list of problems, empty when the configuration is sound."""
    problems: list[str] = []
    hints = setting_types()
    for name in sorted(explicit - hints.keys()):
        suggestion = _suggest(name, hints)
        if suggestion:
            problems.append(f"{name} is not a Stoa setting. Did you mean {suggestion}?")
    for name in sorted(explicit & hints.keys()):
        if not _matches(values[name], hints[name]):
            problems.append(
                f"{name} must be {_describe(hints[name])}, not {type(values[name]).__name__} "
                f"({_short_repr(values[name])})."
            )
    problems.extend(_check_semantics(values))
    return problems


def _check_semantics(values: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    secret = values.get("SECRET_KEY")
    if isinstance(secret, str) and not secret.strip():
        problems.append(
            "SECRET_KEY is empty: set it to a long random string, for example from "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if values.get("DEBUG") is False and values.get("ALLOWED_HOSTS") == []:
        problems.append(
            "ALLOWED_HOSTS is empty and DEBUG is off, so every request would be refused: "
            "list the host names this site serves, e.g. ALLOWED_HOSTS = ['example.com']."
        )
    problems.extend(_check_email(values))
    problems.extend(_check_caches(values))
    problems.extend(_check_maintenance(values))
    hosts = values.get("ALLOWED_HOSTS")
    if isinstance(hosts, list | tuple):
        for host in hosts:
            if isinstance(host, str) and ("/" in host or "://" in host):
                problems.append(
                    f"ALLOWED_HOSTS entry {host!r} is a URL: list bare host names, "
                    f"like 'example.com' or '.example.com'."
                )
    databases = values.get("DATABASES")
    if isinstance(databases, dict) and "default" not in databases:
        problems.append(
            "DATABASES has no 'default' entry: add one, e.g. "
            "DATABASES = {'default': 'sqlite:///db.sqlite3'}."
        )
    problems.extend(_check_templates(values.get("TEMPLATES")))
    for name in ("MIDDLEWARE", "INSTALLED_APPS"):
        entries = values.get(name)
        if isinstance(entries, list | tuple):
            seen: set[object] = set()
            for entry in entries:
                if entry in seen:
                    problems.append(f"{name} lists {entry!r} twice: remove one.")
                seen.add(entry)
    static_url = values.get("STATIC_URL")
    if isinstance(static_url, str) and not static_url.endswith("/"):
        problems.append(f"STATIC_URL must end with a slash: {static_url + '/'!r}.")
    proxy_header = values.get("SECURE_PROXY_SSL_HEADER")
    if isinstance(proxy_header, tuple) and not proxy_header[0].startswith("HTTP_"):
        problems.append(
            "SECURE_PROXY_SSL_HEADER names a WSGI environ key, which starts with HTTP_: "
            "e.g. ('HTTP_X_FORWARDED_PROTO', 'https')."
        )
    problems.extend(_check_trusted_proxies(values.get("TRUSTED_PROXIES")))
    return problems


def _check_trusted_proxies(proxies: object) -> list[str]:
    if not isinstance(proxies, list | tuple) or not proxies:
        return []
    from core.proxies import parse_proxy  # only when the setting is used

    problems = []
    for entry in proxies:
        if not isinstance(entry, str):
            continue  # the type check reports it
        try:
            parse_proxy(entry)
        except ValueError:
            problems.append(
                f"TRUSTED_PROXIES entry {entry!r} is not an IP address or network: list the "
                f"addresses the proxies connect from, e.g. ['127.0.0.1', '10.0.0.0/24'] "
                f"(host names are not looked up)."
            )
    return problems


def _check_templates(templates: object) -> list[str]:
    if not isinstance(templates, dict):
        return []
    problems = []
    for key in templates:
        if key not in TEMPLATE_KEYS:
            hint = _close_matches(str(key), TEMPLATE_KEYS, n=1, cutoff=0.6)
            fix = (
                f" Did you mean {hint[0]}?" if hint else f" Known keys: {', '.join(TEMPLATE_KEYS)}."
            )
            problems.append(f"TEMPLATES has an unknown key {key!r}.{fix}")
    expected: dict[str, Any] = {
        "DIRS": list[str],
        "APP_DIRS": bool,
        "EXTENSIONS": list[str],
        "CONTEXT_PROCESSORS": list[str],
        "OPTIONS": dict[str, Any],
    }
    for key, hint in expected.items():
        if key in templates and not _matches(_as_strings(templates[key]), hint):
            problems.append(f"TEMPLATES[{key!r}] must be {_describe(hint)}.")
    return problems


def _as_strings(value: object) -> object:
    # Directories may be given as pathlib.Path objects as well as strings.
    if isinstance(value, list | tuple):
        return [str(item) if hasattr(item, "__fspath__") else item for item in value]
    return value


def _suggest(name: str, known: Mapping[str, Any]) -> str | None:
    matches = _close_matches(name, list(known), n=1, cutoff=0.8)
    return matches[0] if matches else None


def _matches(value: object, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    if origin in (Union, types.UnionType):
        return any(_matches(value, arg) for arg in args)
    if origin is list:
        # Tuples are accepted wherever a list is: the frameworks users come from allow both.
        return isinstance(value, list | tuple) and all(_matches(item, args[0]) for item in value)
    if origin is tuple:
        return (
            isinstance(value, tuple)
            and len(value) == len(args)
            and all(_matches(item, arg) for item, arg in zip(value, args, strict=True))
        )
    if origin is dict:
        return isinstance(value, dict) and all(_matches(key, args[0]) for key in value)
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _describe(hint: Any) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is type(None):
        return "None"
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in args)
    if origin is list:
        return "a list of strings" if args[0] is str else "a list"
    if origin is tuple:
        return f"a pair ({', '.join(_describe(arg) for arg in args)})"
    if origin is dict:
        return "a dict"
    names = {bool: "True or False", int: "an integer", str: "a string"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = ["DEFAULTS", "setting_types", "validate_settings"]


def _close_matches(word: str, possibilities: Sequence[str], *, n: int, cutoff: float) -> list[str]:
    import difflib  # only when a setting is wrong

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)


def _check_email(values: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if values.get("EMAIL_USE_TLS") is True and values.get("EMAIL_USE_SSL") is True:
        problems.append(
            "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: choose one (TLS is STARTTLS, "
            "usually port 587; SSL is implicit TLS, usually port 465)."
        )
    port = values.get("EMAIL_PORT")
    if isinstance(port, int) and not 0 < port < 65536:
        problems.append(f"EMAIL_PORT {port} is not a port: use 1 to 65535 (25, 465 or 587).")
    if values.get("EMAIL_BACKEND") == "core.mail.backends.filebased.EmailBackend" and not (
        values.get("EMAIL_FILE_PATH")
    ):
        problems.append(
            "EMAIL_BACKEND is the file backend but EMAIL_FILE_PATH is not set: name the "
            "directory the emails go to, e.g. EMAIL_FILE_PATH = BASE_DIR / 'sent-mail'."
        )
    for entry in values.get("ADMINS") or []:
        if not (
            isinstance(entry, str)
            or (isinstance(entry, tuple | list) and len(entry) == 2 and "@" in str(entry[1]))
        ):
            problems.append(
                f"ADMINS entry {_short_repr(entry)} is not (name, address) or an address: "
                f"write ADMINS = [('Ada', 'ada@example.com')]."
            )
    for name in ("DEFAULT_FROM_EMAIL", "SERVER_EMAIL", "EMAIL_SUBJECT_PREFIX"):
        value = values.get(name)
        if isinstance(value, str) and any(c in value for c in "\r\n"):
            problems.append(f"{name} holds a line break: make it one line.")
    return problems


def _check_caches(values: Mapping[str, Any]) -> list[str]:
    caches = values.get("CACHES")
    if not isinstance(caches, dict):
        return []
    problems: list[str] = []
    if "default" not in caches:
        problems.append(
            "CACHES has no 'default' cache: add one, e.g. CACHES = {'default': "
            "{'BACKEND': 'core.cache.backends.locmem.LocMemCache'}}."
        )
    for alias, params in caches.items():
        if not isinstance(params, dict) or not isinstance(params.get("BACKEND"), str):
            problems.append(
                f"CACHES[{alias!r}] needs a BACKEND, a dotted path such as "
                f"'core.cache.backends.redis.RedisCache'."
            )
            continue
        timeout = params.get("TIMEOUT", 300)
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float)
        ):
            problems.append(f"CACHES[{alias!r}]['TIMEOUT'] must be seconds (a number) or None.")
        unknown = set(params) - {
            "BACKEND",
            "LOCATION",
            "TIMEOUT",
            "OPTIONS",
            "KEY_PREFIX",
            "VERSION",
        }
        if unknown:
            problems.append(
                f"CACHES[{alias!r}] has unknown keys {sorted(unknown)}: use BACKEND, LOCATION, "
                f"TIMEOUT, OPTIONS, KEY_PREFIX and VERSION."
            )
    return problems


def _check_maintenance(values: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    interval = values.get("MAINTENANCE_CHECK_INTERVAL")
    if isinstance(interval, int | float) and not isinstance(interval, bool) and interval < 0:
        problems.append(
            f"MAINTENANCE_CHECK_INTERVAL is {interval}: use 0 or more seconds (1 by default)."
        )
    for path in values.get("MAINTENANCE_EXEMPT_PATHS") or []:
        if isinstance(path, str) and not path.startswith("/"):
            problems.append(
                f"MAINTENANCE_EXEMPT_PATHS entry {path!r} is not a path: start it with '/', "
                f"e.g. '/admin/'."
            )
    alias = values.get("MAINTENANCE_CACHE")
    caches = values.get("CACHES")
    if isinstance(alias, str) and isinstance(caches, dict) and alias not in caches:
        problems.append(
            f"MAINTENANCE_CACHE names {alias!r}, which is not in CACHES: name one of "
            f"{', '.join(sorted(caches))}, or None to keep the flag in a file."
        )
    return problems
