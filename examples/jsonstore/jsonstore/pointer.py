"""Address the parts of a JSON document: JSON Pointer (RFC 6901) and Merge Patch (RFC 7396).

A URL path like `/store/users/0/name` names the document `users` and, inside it, the
pointer `0/name`: the key `name` of the first item. A key holding a slash is written
`~1`, a tilde `~0`, as RFC 6901 says.

Every function takes the document and returns the new one; containers are changed in
place, so pass a copy if the original must stay as it was.
"""

from __future__ import annotations

import math
import re
from typing import Any, TypeAlias

Json: TypeAlias = Any
"""A JSON value as `json.loads()` returns it: dict, list, str, int, float, bool or None."""

_INDEX = re.compile(r"0|[1-9][0-9]*")
_ESCAPE = re.compile(r"~(?![01])")
_SURROGATE = re.compile("[\ud800-\udfff]")


class PointerError(LookupError):
    """A pointer that names nothing in the document (answered with 404)."""


class InvalidValue(ValueError):
    """A value that cannot be stored: too deep, or a number JSON has no spelling for."""


def parse(pointer: str) -> list[str]:
    """Split `a/b~1c` into its tokens, `["a", "b/c"]`; the empty pointer is the root."""
    if not pointer:
        return []
    if _ESCAPE.search(pointer):
        raise PointerError(f"/{pointer}: '~' must be followed by 0 or 1 (~0 is '~', ~1 is '/').")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")]


def show(tokens: list[str]) -> str:
    """Write tokens back as a pointer, `/a/b~1c`, for messages."""
    return "".join("/" + token.replace("~", "~0").replace("/", "~1") for token in tokens)


def resolve(document: Json, tokens: list[str]) -> Json:
    """Return the part of `document` the tokens name; raise PointerError if there is none."""
    value = document
    for depth, token in enumerate(tokens):
        value = _child(value, token, tokens[: depth + 1])
    return value


def set_part(document: Json, tokens: list[str], value: Json) -> tuple[Json, bool]:
    """Put `value` where the tokens point; return the new document and whether it was added.

    The parent must exist. In an object the key is added or replaced; in an array an
    existing index is replaced, and the index one past the end (or `-`) appends.
    """
    if not tokens:
        return value, False
    parent = resolve(document, tokens[:-1])
    last = tokens[-1]
    if isinstance(parent, dict):
        added = last not in parent
        parent[last] = value
        return document, added
    if isinstance(parent, list):
        index = len(parent) if last == "-" else _index(last, tokens)
        if index == len(parent):
            parent.append(value)
            return document, True
        if index > len(parent):
            raise PointerError(
                f"{show(tokens)}: the array has {len(parent)} items; "
                f"append at index {len(parent)} or '-'."
            )
        parent[index] = value
        return document, False
    raise PointerError(f"{show(tokens[:-1])} is a {_kind(parent)}, which has no parts.")


def remove_part(document: Json, tokens: list[str]) -> Json:
    """Remove the part the tokens name (not the root) and return the document."""
    parent = resolve(document, tokens[:-1])
    token = tokens[-1]
    _child(parent, token, tokens)  # raises if it is not there
    if isinstance(parent, dict):
        del parent[token]
    else:
        del parent[_index(token, tokens)]
    return document


def merge_patch(target: Json, patch: Json) -> Json:
    """Apply a JSON Merge Patch: keys set to null are removed, objects merge, the rest replaces."""
    if not isinstance(patch, dict):
        return patch
    result = target if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def check_value(value: Json, max_depth: int) -> None:
    """Raise InvalidValue if `value` cannot be stored and sent back as it is.

    NaN and Infinity, which are not JSON and which PostgreSQL refuses (request.json
    already answers 400 for them; a value built in code may still hold one);
    `"\\ud800"`, half of a surrogate pair, which no UTF-8 text can hold; and nesting
    deeper than `max_depth`, which would exhaust the stack when the document is written
    out. The walk uses a list, not recursion, for the same reason.
    """
    stack: list[tuple[Json, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                raise InvalidValue(f"The document nests deeper than {max_depth} levels.")
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InvalidValue(f"{item} is not a JSON number: JSON has no NaN or Infinity.")
        elif isinstance(item, str) and _SURROGATE.search(item):
            raise InvalidValue(
                "The document holds a lone surrogate (\\ud800 to \\udfff), which is not "
                "text: send characters outside the BMP as a pair, or as UTF-8."
            )


def _child(value: Json, token: str, tokens: list[str]) -> Json:
    if isinstance(value, dict):
        if token not in value:
            raise PointerError(f"{show(tokens)}: no key {token!r}.")
        return value[token]
    if isinstance(value, list):
        index = _index(token, tokens)
        if index >= len(value):
            raise PointerError(f"{show(tokens)}: the array has {len(value)} items.")
        return value[index]
    raise PointerError(f"{show(tokens[:-1])} is a {_kind(value)}, which has no parts.")


def _index(token: str, tokens: list[str]) -> int:
    if not _INDEX.fullmatch(token):
        raise PointerError(f"{show(tokens)}: {token!r} is not an array index (0, 1, 2, ...).")
    if len(token) > 18:  # past any array's length, and short of int()'s digit limit
        raise PointerError(f"{show(tokens)}: index {token[:20]}... is out of range.")
    return int(token)


def _kind(value: Json) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    return "number"
