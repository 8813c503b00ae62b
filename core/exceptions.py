"""Exceptions the framework raises and turns into responses in one place."""

from __future__ import annotations


class ImproperlyConfigured(Exception):
    """The project is set up wrongly: a setting, a URLconf, a template directory."""


class SuspiciousOperation(Exception):
    """The client sent something a well-behaved client never sends; answered with 400."""


class DisallowedHost(SuspiciousOperation):
    """The Host header is malformed or not in ALLOWED_HOSTS."""


class DisallowedRedirect(SuspiciousOperation):
    """A redirect to a URL with an unsafe scheme was attempted."""


class TooManyFieldsSent(SuspiciousOperation):
    """A form has more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS allows."""


class BadRequest(Exception):
    """The request cannot be understood: undecodable, malformed or truncated; answered with 400."""


class RequestDataTooBig(Exception):
    """The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE; answered with 413."""


class PermissionDenied(Exception):
    """The user may not do this; answered with 403."""


class ViewDoesNotExist(ImproperlyConfigured):
    """A URLconf names a view that cannot be imported."""


class MiddlewareNotUsed(Exception):
    """Raised by a middleware factory to take itself out of the chain."""
