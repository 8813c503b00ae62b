"""Path converters: `<int:pk>` turns a URL segment into a Python value and back."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from core.exceptions import ImproperlyConfigured


class Converter(Protocol):
    """What `register_converter()` accepts: a regex and two conversions.

    `to_python` may raise ValueError to say "no match"; resolution then goes on.
    """

    regex: str

    def to_python(self, value: str) -> Any: ...

    def to_url(self, value: Any) -> str: ...


class IntConverter:
    """Match a non-negative integer."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


class StringConverter:
    """Match any non-empty segment without a slash (the default)."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: Any) -> str:
        return str(value)


class SlugConverter(StringConverter):
    """Match ASCII letters, digits, hyphens and underscores."""

    regex = "[-a-zA-Z0-9_]+"


class PathConverter(StringConverter):
    """Match any non-empty path, slashes included."""

    regex = ".+"


class UUIDConverter:
    """Match a UUID in its canonical lower-case form."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        return str(value)


DEFAULT_CONVERTERS: dict[str, Converter] = {
    "int": IntConverter(),
    "path": PathConverter(),
    "slug": SlugConverter(),
    "str": StringConverter(),
    "uuid": UUIDConverter(),
}

_registered: dict[str, Converter] = {}


def register_converter(converter: type[Any] | Converter, type_name: str) -> None:
    """Make `<type_name:...>` available in path() routes compiled from now on."""
    if type_name in DEFAULT_CONVERTERS or type_name in _registered:
        raise ImproperlyConfigured(f"A path converter named {type_name!r} is already registered.")
    _registered[type_name] = converter() if isinstance(converter, type) else converter


def get_converter(type_name: str) -> Converter:
    """Return the converter registered under `type_name`."""
    try:
        return _registered.get(type_name) or DEFAULT_CONVERTERS[type_name]
    except KeyError:
        known = ", ".join(sorted({*DEFAULT_CONVERTERS, *_registered}))
        raise ImproperlyConfigured(
            f"Unknown path converter {type_name!r}: use one of {known}, or register it with "
            f"core.urls.register_converter()."
        ) from None
