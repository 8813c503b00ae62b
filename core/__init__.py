"""Stoa: a class-based, batteries-included WSGI web framework."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "setup"]


def setup() -> None:
    """Configure logging and load the installed apps, once per process.

    `get_wsgi_application()` and every management command that needs settings call this;
    scripts that use the framework outside a request call it themselves.
    """
    from core.apps import populate
    from core.conf import settings
    from core.exceptions import ImproperlyConfigured
    from core.log import configure_logging
    from orm.exceptions import ConfigurationError
    from orm.session import configure as configure_databases

    settings.validate()
    configure_logging(settings.LOGGING)
    try:
        configure_databases(settings.DATABASES)
    except ConfigurationError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
    populate(settings.INSTALLED_APPS)
