"""Logging: Stoa's default configuration, merged with the project's LOGGING setting."""

from __future__ import annotations

import logging.config
from typing import Any

DEFAULT_LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "stoa": {"format": "[{asctime}] {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stoa.console": {
            "class": "logging.StreamHandler",
            "formatter": "stoa",
            "level": "INFO",
        },
    },
    "loggers": {
        # Server errors (with tracebacks), security events and framework notices.
        "stoa": {"handlers": ["stoa.console"], "level": "INFO", "propagate": False},
    },
}

request_logger = logging.getLogger("stoa.request")
security_logger = logging.getLogger("stoa.security")


def configure_logging(config: dict[str, Any] | None) -> None:
    """Apply Stoa's defaults, then the project's dictConfig on top (None: leave logging be)."""
    if config is None:
        return
    logging.config.dictConfig(DEFAULT_LOGGING)
    if config:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False, **config})
