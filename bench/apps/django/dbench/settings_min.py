"""The minimal stack: the same project with no middleware."""

from dbench.settings import *  # noqa: F403

MIDDLEWARE = []
