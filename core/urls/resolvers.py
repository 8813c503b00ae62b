"""URL patterns, the resolver that matches paths to views, and its reverse.

Patterns are compiled when the URLconf is loaded; resolving a path walks them in order.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeAlias
from urllib.parse import quote, urlencode

from core.exceptions import ImproperlyConfigured, ViewDoesNotExist
from core.types import ViewFunction
from core.urls.converters import Converter, get_converter
from core.utils import qualified_name

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


@dataclass(frozen=True)
class Param:
    """A value to fill in when reversing: a converter's, or a regex group's."""

    name: str | int
    converter: Converter | None = None


Piece: TypeAlias = str | Param


class NoReverseMatch(Exception):
    """No URL pattern has that name and takes those arguments."""


class Resolver404(Exception):
    """No URL pattern matches the path."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class RoutePattern:
    """A `path()` route: literal text and `<converter:name>` parameters."""

    def __init__(self, route: str, *, is_endpoint: bool) -> None:
        self.route = route
        self.is_endpoint = is_endpoint
        self.converters: dict[str, Converter] = {}
        self.pieces: list[Piece] = []
        regex = []
        position = 0
        for match in _ROUTE_PARAM.finditer(route):
            literal = route[position : match.start()]
            regex.append(re.escape(literal))
            self.pieces.append(literal)
            name = match["parameter"]
            if not name.isidentifier():
                raise ImproperlyConfigured(
                    f"URL route {route!r} uses parameter name {name!r}, which is not a "
                    f"Python identifier."
                )
            if name in self.converters:
                raise ImproperlyConfigured(f"URL route {route!r} uses {name!r} twice.")
            converter = get_converter(match["converter"] or "str")
            self.converters[name] = converter
            self.pieces.append(Param(name, converter))
            regex.append(f"(?P<{name}>{converter.regex})")
            position = match.end()
        if "<" in route[position:] or ">" in route[position:]:
            raise ImproperlyConfigured(
                f"URL route {route!r} has an unbalanced '<' or '>': parameters are written "
                f"<int:pk> or <slug>."
            )
        self.pieces.append(route[position:])
        regex.append(re.escape(route[position:]))
        self.regex = re.compile("".join(regex))

    def match(self, path: str) -> tuple[str, tuple[Any, ...], dict[str, Any]] | None:
        """Return (rest of the path, args, kwargs), or None when the route does not match."""
        if not self.converters:
            if self.is_endpoint:
                return ("", (), {}) if path == self.route else None
            return (path[len(self.route) :], (), {}) if path.startswith(self.route) else None
        found = self.regex.fullmatch(path) if self.is_endpoint else self.regex.match(path)
        if found is None:
            return None
        kwargs: dict[str, Any] = {}
        for name, value in found.groupdict().items():
            try:
                kwargs[name] = self.converters[name].to_python(value)
            except ValueError:
                return None
        return path[found.end() :], (), kwargs

    def describe(self) -> str:
        """Return the route as the user wrote it."""
        return self.route

    def warnings(self) -> list[str]:
        """Describe likely mistakes in the route, for `manage.py check`."""
        found = []
        if self.route.startswith("/"):
            found.append(
                f"Route {self.route!r} starts with a slash: remove it, the prefix of an "
                f"include() or the site root already ends with one."
            )
        if "(?P<" in self.route or self.route.startswith("^") or self.route.endswith("$"):
            found.append(
                f"Route {self.route!r} looks like a regular expression: use re_path() for it."
            )
        return found


class RegexPattern:
    """A `re_path()` pattern: a regular expression, groups becoming arguments."""

    def __init__(self, regex: str, *, is_endpoint: bool) -> None:
        self.pattern = regex
        self.is_endpoint = is_endpoint
        try:
            self.regex = re.compile(regex)
        except re.error as exc:
            raise ImproperlyConfigured(f"URL regex {regex!r} is invalid: {exc}.") from None
        self.pieces = _regex_pieces(regex)
        body = regex.removeprefix("^")
        if is_endpoint or not body.endswith("$"):
            body = body.removesuffix("$")
        self._reverse_regex = re.compile(body)

    def match(self, path: str) -> tuple[str, tuple[Any, ...], dict[str, Any]] | None:
        """Return (rest of the path, args, kwargs), or None when the regex does not match."""
        if self.is_endpoint and self.pattern.endswith("$"):
            found = self.regex.fullmatch(path)
        else:
            found = self.regex.search(path)
        if found is None:
            return None
        kwargs = {key: value for key, value in found.groupdict().items() if value is not None}
        args = () if kwargs or self.regex.groupindex else found.groups()
        return path[found.end() :], tuple(args), kwargs

    def describe(self) -> str:
        """Return the regex as the user wrote it."""
        return self.pattern

    def warnings(self) -> list[str]:
        """Describe likely mistakes in the regex, for `manage.py check`."""
        if self.pattern.startswith(("/", "^/")):
            return [f"Regex {self.pattern!r} starts with a slash: remove it."]
        if not self.is_endpoint and self.pattern.endswith("$"):
            return [f"Regex {self.pattern!r} of an include() ends with '$': remove it."]
        return []

    def verifies(self, text: str) -> bool:
        """Say whether `text` is exactly what this pattern matches (used when reversing)."""
        return self._reverse_regex.fullmatch(text) is not None


def _regex_pieces(regex: str) -> list[Piece] | None:
    """Split a simple regex into literal text and groups, or None if it cannot be reversed.

    Supported: literal characters, escaped characters, and top-level capturing groups,
    which become parameters. Anything else (alternation, quantifiers on literals,
    classes outside groups) makes the pattern resolvable but not reversible.
    """
    body = regex.removeprefix("^").removesuffix("$")
    pieces: list[Piece] = []
    literal: list[str] = []
    index, position = 0, 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            if index + 1 >= len(body) or body[index + 1].isalnum():
                return None
            literal.append(body[index + 1])
            index += 2
        elif char == "(":
            end = _group_end(body, index)
            if end is None or (body[index + 1 : index + 2] == "?" and body[index + 2] != "P"):
                return None
            named = re.match(r"\(\?P<(\w+)>", body[index:])
            if named:
                name: str | int = named.group(1)
            else:
                name = position
                position += 1
            pieces.extend(["".join(literal), Param(name)])
            literal = []
            index = end + 1
        elif char in ".^$*+?{}[]|":
            return None
        else:
            literal.append(char)
            index += 1
    pieces.append("".join(literal))
    return pieces


def _group_end(body: str, start: int) -> int | None:
    depth = 0
    index = start
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


Pattern: TypeAlias = RoutePattern | RegexPattern


def _is_literal(pattern: Pattern) -> bool:
    """Say whether `pattern` matches one fixed text (a path() route without parameters)."""
    return isinstance(pattern, RoutePattern) and not pattern.converters


@dataclass
class ResolverMatch:
    """What resolving a path found: the view and the arguments to call it with."""

    func: ViewFunction
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    url_name: str | None = None
    app_names: list[str] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    route: str = ""
    # Every pattern on the way was literal text: the same path always finds this match.
    literal: bool = field(default=False, repr=False, compare=False)

    def copy(self) -> ResolverMatch:
        """Return an independent copy (the lists and kwargs are the copy's own)."""
        return ResolverMatch(
            self.func,
            self.args,
            dict(self.kwargs),
            self.url_name,
            list(self.app_names),
            list(self.namespaces),
            self.route,
            self.literal,
        )

    @property
    def app_name(self) -> str:
        """The colon-joined application namespaces."""
        return ":".join(self.app_names)

    @property
    def namespace(self) -> str:
        """The colon-joined instance namespaces."""
        return ":".join(self.namespaces)

    @property
    def view_name(self) -> str:
        """The namespaced name of the pattern, as `reverse()` takes it."""
        return ":".join([*self.namespaces, self.url_name or ""])

    @property
    def view_path(self) -> str:
        """The view's dotted path, for messages."""
        return qualified_name(self.func)


class URLPattern:
    """One `path()` or `re_path()` entry: a pattern and the view it leads to."""

    def __init__(
        self,
        pattern: Pattern,
        callback: ViewFunction,
        default_kwargs: dict[str, Any] | None = None,
        name: str | None = None,
        *,
        passes_rest: bool = False,
    ) -> None:
        self.pattern = pattern
        self.callback = callback
        self.default_kwargs = default_kwargs or {}
        self.name = name
        # A mounted WSGI application gets the unmatched rest of the path.
        self.passes_rest = passes_rest

    def __repr__(self) -> str:
        return f"<URLPattern {self.pattern.describe()!r} name={self.name!r}>"

    def resolve(self, path: str) -> ResolverMatch | None:
        """Return a match when the whole path matches this pattern."""
        found = self.pattern.match(path)
        if found is None:
            return None
        rest, args, kwargs = found
        if self.passes_rest:
            kwargs = {**kwargs, "path_info": rest}
        return ResolverMatch(
            self.callback,
            args,
            {**kwargs, **self.default_kwargs},
            self.name,
            route=self.pattern.describe(),
            literal=not self.passes_rest and _is_literal(self.pattern),
        )


class URLResolver:
    """An `include()`: a prefix pattern and the URL patterns below it."""

    def __init__(
        self,
        pattern: Pattern,
        urlconf: str | ModuleType | Sequence[URLPattern | URLResolver],
        default_kwargs: dict[str, Any] | None = None,
        app_name: str | None = None,
        namespace: str | None = None,
    ) -> None:
        self.pattern = pattern
        self.urlconf_name = (
            urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
        )
        self.url_patterns = _load_patterns(urlconf)
        self.default_kwargs = default_kwargs or {}
        self.app_name = app_name
        self.namespace = namespace
        self._reverse: dict[str, list[_Candidate]] | None = None
        self.is_root = False
        # The root remembers the matches of literal paths: at most one per such route.
        self._literal_matches: dict[str, ResolverMatch] = {}

    def __repr__(self) -> str:
        return f"<URLResolver {self.urlconf_name or 'list'} {self.pattern.describe()!r}>"

    def resolve(self, path: str) -> ResolverMatch | None:
        """Return the match of the first pattern below this one, or None."""
        if self.is_root:
            known = self._literal_matches.get(path)
            if known is not None:
                return known.copy()
            match = self._resolve(path)
            if match is not None and match.literal:
                self._literal_matches[path] = match.copy()
            return match
        return self._resolve(path)

    def _resolve(self, path: str) -> ResolverMatch | None:
        found = self.pattern.match(path)
        if found is None:
            return None
        rest, args, kwargs = found
        for entry in self.url_patterns:
            sub = entry.resolve(rest)
            if sub is None:
                continue
            sub_kwargs = {**kwargs, **sub.kwargs} if kwargs else sub.kwargs
            if self.default_kwargs:
                sub_kwargs = {**sub_kwargs, **self.default_kwargs}
            if self.namespace:
                sub.namespaces.insert(0, self.namespace)
                sub.app_names.insert(0, self.app_name or self.namespace)
            # Named groups win over positional ones, as in Django.
            sub.args = () if sub_kwargs else args + sub.args
            sub.kwargs = sub_kwargs
            sub.route = (
                sub.route if self.is_root else _join_route(self.pattern.describe(), sub.route)
            )
            sub.literal = sub.literal and (self.is_root or _is_literal(self.pattern))
            return sub
        return None

    def resolve_or_404(self, path: str) -> ResolverMatch:
        """Resolve `path`; raise Resolver404 when nothing matches."""
        match = self.resolve(path)
        if match is None:
            raise Resolver404(path)
        return match

    def walk(self, prefix: str = "") -> Iterator[tuple[str, URLPattern, list[str]]]:
        """Yield (full route, pattern, namespaces) for every endpoint, in resolution order."""
        for entry in self.url_patterns:
            route = prefix + entry.pattern.describe()
            if isinstance(entry, URLResolver):
                for sub_route, pattern, namespaces in entry.walk(route):
                    yield (
                        sub_route,
                        pattern,
                        ([entry.namespace] if entry.namespace else []) + namespaces,
                    )
            else:
                yield route, entry, []

    def reverse(
        self,
        viewname: str,
        args: Sequence[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
        query: dict[str, Any] | Sequence[tuple[str, Any]] | None = None,
    ) -> str:
        """Return the path of the pattern named `viewname`, filled in with the arguments."""
        if args and kwargs:
            raise ValueError("reverse() takes args or kwargs, not both.")
        candidates = self.reverse_dict().get(viewname)
        if not candidates:
            raise NoReverseMatch(self._unknown_name(viewname))
        for candidate in candidates:
            url = candidate.build(tuple(args or ()), dict(kwargs or {}))
            if url is not None:
                url = "/" + quote(url, safe="/~:@!$&'()*+,;=")
                if url.startswith("//"):
                    url = "/%2F" + url[2:]
                if query:
                    url += "?" + urlencode(query, doseq=True)
                return url
        tried = "; ".join(candidate.route for candidate in candidates)
        raise NoReverseMatch(
            f"Reverse for {viewname!r} with arguments {tuple(args or ())!r} and keyword "
            f"arguments {dict(kwargs or {})!r} not found. {len(candidates)} pattern(s) "
            f"tried: {tried}."
        )

    def _unknown_name(self, viewname: str) -> str:
        namespace, _, _ = viewname.rpartition(":")
        names = self.reverse_dict()
        if namespace and not any(key.startswith(namespace + ":") for key in names):
            return f"{namespace!r} is not a registered namespace (reversing {viewname!r})."
        import difflib

        close = difflib.get_close_matches(viewname, list(names), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return f"{viewname!r} is not the name of any URL pattern.{hint}"

    def reverse_dict(self) -> dict[str, list[_Candidate]]:
        """Return every reversible name with its candidate patterns, built once."""
        if self._reverse is None:
            table: dict[str, list[_Candidate]] = {}
            fallback: dict[str, list[_Candidate]] = {}
            self._collect(table, fallback, [], (), {})
            # An application namespace ("blog:") names the instance whose namespace is the
            # app's name if there is one, else the first instance deployed.
            for key, value in fallback.items():
                table.setdefault(key, value)
            self._reverse = table
        return self._reverse

    def _collect(
        self,
        table: dict[str, list[_Candidate]],
        fallback: dict[str, list[_Candidate]],
        levels: list[Pattern],
        names: tuple[str, ...],
        defaults: dict[str, Any],
    ) -> None:
        for entry in self.url_patterns:
            chain = [*levels, entry.pattern]
            if isinstance(entry, URLResolver):
                sub_names = names
                aliases: tuple[str, ...] = ()
                if entry.namespace:
                    sub_names = (*names, entry.namespace)
                    if entry.app_name and entry.app_name != entry.namespace:
                        aliases = (*names, entry.app_name)
                merged = {**defaults, **entry.default_kwargs}
                entry._collect(table, fallback, chain, sub_names, merged)
                if aliases:
                    sub: dict[str, list[_Candidate]] = {}
                    entry._collect(sub, fallback, chain, aliases, merged)
                    for key, value in sub.items():
                        fallback.setdefault(key, value)
            elif entry.name:
                if entry.passes_rest:
                    chain = [*chain[:-1], RoutePattern(entry.pattern.describe(), is_endpoint=True)]
                candidate = _Candidate.create(chain, {**defaults, **entry.default_kwargs})
                if candidate is not None:
                    table.setdefault(":".join([*names, entry.name]), []).append(candidate)


def _join_route(prefix: str, route: str) -> str:
    # A regex's anchor means "start of what is left", not part of the joined route.
    return prefix + route.removeprefix("^")


@dataclass
class _Candidate:
    """One way to reverse a name: the pieces of each level of patterns."""

    levels: list[tuple[Pattern, list[Piece]]]
    params: list[Param]
    defaults: dict[str, Any]
    route: str

    @classmethod
    def create(cls, chain: list[Pattern], defaults: dict[str, Any]) -> _Candidate | None:
        levels: list[tuple[Pattern, list[Piece]]] = []
        for pattern in chain:
            pieces = pattern.pieces
            if pieces is None:
                return None
            levels.append((pattern, pieces))
        params = [piece for _, pieces in levels for piece in pieces if isinstance(piece, Param)]
        route = "".join(pattern.describe() for pattern in chain)
        return cls(levels, params, defaults, route)

    def build(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
        if args:
            if len(args) != len(self.params):
                return None
            values = {id(param): value for param, value in zip(self.params, args, strict=True)}
        else:
            given = dict(kwargs)
            for key, default in self.defaults.items():
                if key in given and given.pop(key) != default:
                    return None
            if set(given) != {str(param.name) for param in self.params}:
                return None
            values = {id(param): given[str(param.name)] for param in self.params}
        parts = []
        for pattern, pieces in self.levels:
            text = "".join(
                piece if isinstance(piece, str) else _to_url(piece, values[id(piece)])
                for piece in pieces
            )
            if not _verifies(pattern, text):
                return None
            parts.append(text)
        return "".join(parts)


def _to_url(param: Param, value: Any) -> str:
    if param.converter is None:
        return str(value)
    try:
        return param.converter.to_url(value)
    except ValueError:
        return "\x00"  # never matches a pattern, so this candidate is skipped


def _verifies(pattern: Pattern, text: str) -> bool:
    if isinstance(pattern, RegexPattern):
        return pattern.verifies(text)
    if not pattern.converters:
        return True
    return pattern.regex.fullmatch(text) is not None


def _load_patterns(
    urlconf: str | ModuleType | Sequence[URLPattern | URLResolver],
) -> list[URLPattern | URLResolver]:
    if isinstance(urlconf, str):
        try:
            urlconf = importlib.import_module(urlconf)
        except ModuleNotFoundError as exc:
            if exc.name and urlconf.startswith(exc.name):
                raise ImproperlyConfigured(
                    f"Cannot import the URLconf {urlconf!r}: {exc}."
                ) from exc
            raise
    if isinstance(urlconf, ModuleType):
        if not hasattr(urlconf, "urlpatterns"):
            raise ImproperlyConfigured(
                f"The URLconf {urlconf.__name__!r} has no 'urlpatterns': define "
                f"urlpatterns = [path(...), ...] in it."
            )
        patterns = urlconf.urlpatterns
    else:
        patterns = urlconf
    if not isinstance(patterns, list | tuple):
        raise ImproperlyConfigured(
            f"urlpatterns must be a list of path()/re_path() entries, "
            f"not {type(patterns).__name__}."
        )
    for entry in patterns:
        if not isinstance(entry, URLPattern | URLResolver):
            raise ImproperlyConfigured(
                f"urlpatterns contains {entry!r}, which is not a path() or re_path() entry."
            )
    return list(patterns)


def check_view(view: object, route: str) -> ViewFunction:
    """Return `view` if it can serve a URL pattern; explain the fix otherwise."""
    if isinstance(view, type) and hasattr(view, "as_view"):
        raise ImproperlyConfigured(
            f"URL route {route!r} was given the class {view.__name__}: pass "
            f"{view.__name__}.as_view() instead."
        )
    if isinstance(view, str):
        raise ViewDoesNotExist(
            f"URL route {route!r} was given the string {view!r}: import the view and pass it."
        )
    if not callable(view):
        raise ImproperlyConfigured(
            f"URL route {route!r} was given {view!r}, which is not a view: pass a function, "
            f"View.as_view(), or include(...)."
        )
    return view
