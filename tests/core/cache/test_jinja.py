"""The {% cache %} fragment tag."""

from __future__ import annotations

import itertools
import secrets
from typing import Any

import jinja2
import pytest

from core.cache import caches
from core.cache.jinja import CacheExtension, fragment_key

TEMPLATE = "{% cache 60, 'sidebar', user %}[{{ counter() }} {{ text }}]{% endcache %}"


@pytest.fixture
def environment(settings: Any) -> jinja2.Environment:
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.backends.locmem.LocMemCache",
            "LOCATION": secrets.token_hex(4),
        }
    }
    return jinja2.Environment(extensions=[CacheExtension], autoescape=True)


def render(environment: jinja2.Environment, source: str = TEMPLATE, **context: Any) -> str:
    return environment.from_string(source).render(**context)


def test_the_fragment_is_rendered_once_and_then_served_from_the_cache(
    environment: jinja2.Environment,
) -> None:
    counter = itertools.count(1).__next__

    first = render(environment, counter=counter, user=1, text="a")
    second = render(environment, counter=counter, user=1, text="changed")

    assert first == second == "[1 a]"


def test_each_set_of_values_has_its_own_copy(environment: jinja2.Environment) -> None:
    counter = itertools.count(1).__next__

    ada = render(environment, counter=counter, user="ada", text="x")
    bob = render(environment, counter=counter, user="bob", text="x")

    assert (ada, bob) == ("[1 x]", "[2 x]")


def test_the_fragment_is_escaped_once_not_twice(environment: jinja2.Environment) -> None:
    counter = itertools.count(1).__next__

    first = render(environment, counter=counter, user=1, text="<b>&")
    second = render(environment, counter=counter, user=1, text="<b>&")

    assert first == second == "[1 &lt;b&gt;&amp;]"


def test_the_fragment_lives_in_the_default_cache_under_its_key(
    environment: jinja2.Environment,
) -> None:
    render(environment, counter=lambda: 1, user=7, text="t")

    assert caches["default"].get(fragment_key("sidebar", [7])) == "[1 t]"


def test_a_tag_without_a_name_is_a_template_syntax_error(environment: jinja2.Environment) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError, match="needs a timeout and a name"):
        environment.from_string("{% cache 60 %}x{% endcache %}")


def test_the_tag_works_once_listed_in_templates_extensions(settings: Any) -> None:
    from core.templating import get_engine

    settings.TEMPLATES = {
        "DIRS": [],
        "APP_DIRS": True,
        "EXTENSIONS": ["core.cache.jinja.CacheExtension"],
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.backends.locmem.LocMemCache",
            "LOCATION": secrets.token_hex(4),
        }
    }
    counter = itertools.count(1).__next__
    template = get_engine().env.from_string(TEMPLATE)

    rendered = [template.render(counter=counter, user=1, text="t") for _ in range(2)]

    assert rendered == ["[1 t]", "[1 t]"]
