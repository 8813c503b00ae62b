"""The lazy `settings` object: the project's settings module over Stoa's defaults.

    from core.conf import settings
    if settings.DEBUG: ...

The module is named by the environment variable STOA_SETTINGS_MODULE and imported on
first use, never at import time. Tests and scripts may call `settings.configure()`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from core.conf import global_settings
from core.exceptions import ImproperlyConfigured

ENVIRONMENT_VARIABLE = "STOA_SETTINGS_MODULE"
DATABASE_URL_VARIABLE = "DATABASE_URL"

T = TypeVar("T")


def _is_setting(name: str) -> bool:
    return name.isupper() and not name.startswith("_")


DEFAULTS: dict[str, Any] = {
    name: getattr(global_settings, name) for name in dir(global_settings) if _is_setting(name)
}


class Settings:
    """One resolved configuration: defaults, then a module, then explicit options."""

    def __init__(self, module: str | ModuleType | None = None, **options: Any) -> None:
        self.values: dict[str, Any] = {name: _copy(value) for name, value in DEFAULTS.items()}
        self.explicit: set[str] = set()
        self.module_name = ""
        if module is not None:
            mod = _import_settings(module) if isinstance(module, str) else module
            self.module_name = mod.__name__
            self._update({name: getattr(mod, name) for name in dir(mod) if _is_setting(name)})
        self._update(options)
        database_url = os.environ.get(DATABASE_URL_VARIABLE)
        if database_url and isinstance(self.values.get("DATABASES"), dict):
            self.values["DATABASES"] = {**self.values["DATABASES"], "default": database_url}

    def _update(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            if not _is_setting(name):
                raise ImproperlyConfigured(f"Setting names are upper case: {name!r} is not.")
            self.values[name] = value
            self.explicit.add(name)


def _copy(value: Any) -> Any:
    # Defaults are shared mutable containers; a project that appends to one must not
    # change the defaults of the next configuration.
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _import_settings(name: str) -> ModuleType:
    try:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # The `stoa` console script, unlike `python manage.py`, does not have the
            # project directory on sys.path: look in the current directory too.
            cwd = str(Path.cwd())
            if exc.name != name.partition(".")[0] or cwd in sys.path or "" in sys.path:
                raise
            sys.path.append(cwd)
            return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise ImproperlyConfigured(
                f"Cannot import the settings module {name!r} named by {ENVIRONMENT_VARIABLE}: "
                f"{exc}. Run the command from the project directory (where manage.py is), "
                f"or set {ENVIRONMENT_VARIABLE} to an importable module."
            ) from exc
        raise


class LazySettings:
    """Give attribute access to the settings, loading them on first use.

    Values are cached on the instance after the first read, so hot paths pay a plain
    attribute lookup; `configure()` and `override()` drop the cache.
    """

    DEBUG: bool
    SECRET_KEY: str
    SECRET_KEY_FALLBACKS: list[str]
    ALLOWED_HOSTS: list[str]
    INSTALLED_APPS: list[str]
    MIDDLEWARE: list[str]
    ROOT_URLCONF: str
    TEMPLATES: dict[str, Any]
    DATABASES: dict[str, Any]
    MIGRATIONS_DIR: str | Path | None
    STATIC_URL: str
    STATIC_ROOT: str | Path | None
    STATICFILES_DIRS: list[str | Path]
    SERVE_STATIC: bool
    MEDIA_ROOT: str | Path | None
    MEDIA_URL: str
    LOGGING: dict[str, Any] | None
    APPEND_SLASH: bool
    DATA_UPLOAD_MAX_MEMORY_SIZE: int | None
    DATA_UPLOAD_MAX_NUMBER_FIELDS: int | None
    USE_X_FORWARDED_HOST: bool
    SECURE_PROXY_SSL_HEADER: tuple[str, str] | None
    TRUSTED_PROXIES: list[str]
    PASSWORD_RESET_TIMEOUT: int
    MAINTENANCE_FILE: str | Path | None
    MAINTENANCE_CACHE: str | None
    MAINTENANCE_CHECK_INTERVAL: float | int
    MAINTENANCE_EXEMPT_PATHS: list[str]
    CACHES: dict[str, Any]
    CACHE_MIDDLEWARE_SECONDS: int
    CACHE_MIDDLEWARE_KEY_PREFIX: str
    CACHE_MIDDLEWARE_ALIAS: str
    EMAIL_BACKEND: str | None
    EMAIL_HOST: str
    EMAIL_PORT: int
    EMAIL_HOST_USER: str
    EMAIL_HOST_PASSWORD: str
    EMAIL_USE_TLS: bool
    EMAIL_USE_SSL: bool
    EMAIL_TIMEOUT: float | int | None
    EMAIL_FILE_PATH: str | Path | None
    DEFAULT_FROM_EMAIL: str
    SERVER_EMAIL: str
    EMAIL_SUBJECT_PREFIX: str
    ADMINS: list[tuple[str, str] | str]
    LOGIN_URL: str
    LOGIN_REDIRECT_URL: str
    SECURE_CONTENT_TYPE_NOSNIFF: bool
    SECURE_REFERRER_POLICY: str | None
    SECURE_CROSS_ORIGIN_OPENER_POLICY: str | None
    X_FRAME_OPTIONS: str
    SESSION_ENGINE: str
    SESSION_COOKIE_NAME: str
    SESSION_COOKIE_AGE: int
    SESSION_COOKIE_SECURE: bool
    SESSION_COOKIE_HTTPONLY: bool
    SESSION_COOKIE_SAMESITE: str | None
    SESSION_COOKIE_DOMAIN: str | None
    SESSION_COOKIE_PATH: str
    SESSION_EXPIRE_AT_BROWSER_CLOSE: bool
    SESSION_SAVE_EVERY_REQUEST: bool
    SESSION_REDIS_URL: str
    CSRF_COOKIE_NAME: str
    CSRF_COOKIE_AGE: int
    CSRF_COOKIE_SECURE: bool
    CSRF_COOKIE_HTTPONLY: bool
    CSRF_COOKIE_SAMESITE: str | None
    CSRF_COOKIE_DOMAIN: str | None
    CSRF_COOKIE_PATH: str
    CSRF_HEADER_NAME: str
    CSRF_FIELD_NAME: str
    CSRF_TRUSTED_ORIGINS: list[str]
    CSRF_USE_SESSIONS: bool
    SECURE_HSTS_SECONDS: int
    SECURE_HSTS_INCLUDE_SUBDOMAINS: bool
    SECURE_HSTS_PRELOAD: bool
    SECURE_SSL_REDIRECT: bool
    SECURE_SSL_HOST: str | None
    SECURE_REDIRECT_EXEMPT: list[str]
    SECURE_CONTENT_SECURITY_POLICY: str | None
    AUTH_USER_MODEL: str
    PASSWORD_HASHERS: list[str]
    AUTH_PASSWORD_VALIDATORS: list[Any]
    LOGOUT_REDIRECT_URL: str | None
    MESSAGE_STORAGE: str

    def __init__(self) -> None:
        object.__setattr__(self, "_wrapped", None)
        object.__setattr__(self, "_generation", 0)
        object.__setattr__(self, "_validated", -1)

    @property
    def configured(self) -> bool:
        """Say whether settings are loaded or can be (STOA_SETTINGS_MODULE is set)."""
        return self._wrapped is not None or bool(os.environ.get(ENVIRONMENT_VARIABLE))

    @property
    def generation(self) -> int:
        """A number that changes whenever the configuration does; caches key on it."""
        return int(self._generation)

    @property
    def module_name(self) -> str:
        """The dotted name of the settings module, or "" when configured by hand."""
        return self._get_wrapped().module_name

    @property
    def explicit(self) -> frozenset[str]:
        """The names the project set itself (as opposed to inherited defaults)."""
        return frozenset(self._get_wrapped().explicit)

    def _get_wrapped(self) -> Settings:
        wrapped: Settings | None = self._wrapped
        if wrapped is None:
            name = os.environ.get(ENVIRONMENT_VARIABLE)
            if not name:
                raise ImproperlyConfigured(
                    f"Settings are not configured: set {ENVIRONMENT_VARIABLE} to your settings "
                    f"module (for example mysite.settings), or run the command through the "
                    f"project's manage.py."
                )
            wrapped = Settings(name)
            object.__setattr__(self, "_wrapped", wrapped)
        return wrapped

    def __getattr__(self, name: str) -> Any:
        if not _is_setting(name):
            raise AttributeError(name)
        try:
            value = self._get_wrapped().values[name]
        except KeyError:
            raise AttributeError(f"There is no setting named {name}.") from None
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if not _is_setting(name):
            raise AttributeError(f"Setting names are upper case: {name!r} is not.")
        self._get_wrapped()._update({name: value})
        self._changed()

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Settings cannot be deleted; use settings.override() in tests.")

    def __contains__(self, name: str) -> bool:
        return name in self._get_wrapped().values

    def as_dict(self) -> dict[str, Any]:
        """Return every setting, defaults included, as a new dictionary."""
        return dict(self._get_wrapped().values)

    def configure(self, module: str | ModuleType | None = None, **options: Any) -> None:
        """Replace the configuration with defaults, an optional module, then `options`."""
        object.__setattr__(self, "_wrapped", Settings(module, **options))
        self._changed()

    @contextmanager
    def override(self, **options: Any) -> Iterator[None]:
        """Change some settings inside a `with` block, restoring them after (for tests)."""
        wrapped = self._get_wrapped()
        saved_values, saved_explicit = dict(wrapped.values), set(wrapped.explicit)
        wrapped._update(options)
        self._changed()
        try:
            yield
        finally:
            wrapped.values, wrapped.explicit = saved_values, saved_explicit
            self._changed()

    def validate(self) -> None:
        """Check the configuration once; raise one ImproperlyConfigured listing every problem."""
        if self._validated == self._generation and self._wrapped is not None:
            return
        from core.conf.validation import validate_settings

        wrapped = self._get_wrapped()
        problems = validate_settings(wrapped.values, wrapped.explicit)
        if problems:
            source = (
                f"settings module {wrapped.module_name!r}" if wrapped.module_name else "settings"
            )
            count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
            lines = "\n".join(f"  - {problem}" for problem in problems)
            raise ImproperlyConfigured(f"{count} in {source}:\n{lines}")
        object.__setattr__(self, "_validated", self._generation)

    def _changed(self) -> None:
        for name in [key for key in self.__dict__ if _is_setting(key)]:
            del self.__dict__[name]
        object.__setattr__(self, "_generation", self._generation + 1)


settings = LazySettings()


def per_settings(builder: Callable[[], T]) -> Callable[[], T]:
    """Cache what `builder` returns until the settings are reconfigured."""
    cache: dict[int, T] = {}

    def cached() -> T:
        generation = settings.generation
        try:
            return cache[generation]
        except KeyError:
            cache.clear()
            value = cache[generation] = builder()
            return value

    cached.cache_clear = cache.clear  # type: ignore[attr-defined]
    cached.__doc__ = builder.__doc__
    cached.__name__ = builder.__name__
    return cached


__all__ = ["ENVIRONMENT_VARIABLE", "LazySettings", "Settings", "per_settings", "settings"]
