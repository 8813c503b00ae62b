"""`{% cache %}`: keep a rendered piece of a template in the cache.

    TEMPLATES = {"EXTENSIONS": ["core.cache.jinja.CacheExtension"], ...}

    {% cache 300, "sidebar", user.id %}
        ... expensive markup ...
    {% endcache %}

The first value is the timeout in seconds (None: until deleted); the rest name the
fragment (one copy per distinct set of values). The fragment goes in the default cache,
or in CACHES["template_fragments"] when there is one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup


def fragment_key(name: str, values: list[Any]) -> str:
    """Return the cache key of a fragment: its name and a hash of the values naming it."""
    digest = hashlib.sha256()
    for value in values:
        digest.update(repr(value).encode() + b"\0")
    return f"template.cache.{name}.{digest.hexdigest()}"


class CacheExtension(Extension):
    """The `{% cache timeout, name, vary... %}...{% endcache %}` tag."""

    tags = {"cache"}

    def parse(self, parser: Parser) -> nodes.Node:
        """Read the timeout and the names, then the body up to endcache."""
        lineno = next(parser.stream).lineno
        arguments = [parser.parse_expression()]
        while parser.stream.current.type != "block_end":
            parser.stream.skip_if("comma")
            arguments.append(parser.parse_expression())
        if len(arguments) < 2:
            parser.fail(
                "{% cache %} needs a timeout and a name: {% cache 300, 'sidebar' %}", lineno
            )
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_render", [nodes.List(arguments)])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, arguments: list[Any], caller: Callable[[], str]) -> Markup:
        from core.cache import caches
        from core.conf import settings

        timeout, name, *values = arguments
        alias = "template_fragments" if "template_fragments" in settings.CACHES else "default"
        cache = caches[alias]
        key = fragment_key(str(name), values)
        found = cache.get(key)
        if found is None:
            found = str(caller())
            cache.set(key, found, timeout)
        return Markup(found)  # noqa: S704 - the fragment was rendered (and escaped) by the template


__all__ = ["CacheExtension", "fragment_key"]
