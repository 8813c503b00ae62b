"""Message levels (Django's numbers) and the CSS-friendly tag of each."""

from __future__ import annotations

DEBUG = 10
INFO = 20
SUCCESS = 25
WARNING = 30
ERROR = 40

DEFAULT_TAGS: dict[int, str] = {
    DEBUG: "debug",
    INFO: "info",
    SUCCESS: "success",
    WARNING: "warning",
    ERROR: "error",
}

DEFAULT_LEVELS: dict[str, int] = {
    "DEBUG": DEBUG,
    "INFO": INFO,
    "SUCCESS": SUCCESS,
    "WARNING": WARNING,
    "ERROR": ERROR,
}

# Messages below this level are dropped unless a view lowers it with set_level().
DEFAULT_MINIMUM_LEVEL = INFO
