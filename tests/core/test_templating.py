"""The Jinja2 integration: lookup order, autoescaping, globals, context processors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from core.exceptions import ImproperlyConfigured
from core.http import Request
from core.templating import TemplateEngine, get_engine, render_to_string


def add_user_agent(request: Request) -> dict[str, Any]:
    return {"agent": request.headers.get("User-Agent", "none"), "name": "from processor"}


@pytest.fixture
def templates(settings: Any, tmp_path: Path) -> Path:
    settings.TEMPLATES = {"DIRS": [str(tmp_path)], "APP_DIRS": True}
    return tmp_path


def test_app_templates_are_found() -> None:
    assert "Hello visitor at /" in render_to_string("project/home.html")


def test_context_is_rendered() -> None:
    assert "Hello Ada" in render_to_string("project/home.html", {"name": "Ada"})


def test_html_is_autoescaped() -> None:
    text = render_to_string("project/home.html", {"name": "<script>alert('x')</script>"})

    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text
    assert "<script>" not in text


def test_user_data_is_never_compiled_as_a_template() -> None:
    assert "Hello {{ 7 * 7 }}" in render_to_string("project/home.html", {"name": "{{ 7 * 7 }}"})


def test_dirs_come_before_app_templates(templates: Path) -> None:
    (templates / "project").mkdir()
    (templates / "project" / "home.html").write_text("overridden")

    assert render_to_string("project/home.html") == "overridden"


def test_framework_templates_come_last() -> None:
    assert "The requested page could not be found." in render_to_string("404.html")


def test_a_list_of_names_renders_the_first_found() -> None:
    assert "Hello" in render_to_string(["missing.html", "project/home.html"])


def test_missing_template_is_an_error() -> None:
    with pytest.raises(jinja2.TemplateNotFound):
        render_to_string("no/such/template.html")


def test_txt_templates_are_not_escaped(templates: Path) -> None:
    (templates / "mail.txt").write_text("Hi {{ name }}")

    assert render_to_string("mail.txt", {"name": "<Ada>"}) == "Hi <Ada>"


def test_url_global_reverses_a_name(templates: Path) -> None:
    (templates / "link.html").write_text('{{ url("article", pk=3) }}')

    assert render_to_string("link.html") == "/articles/3/"


def test_static_global_prefixes_static_url(templates: Path, settings: Any) -> None:
    settings.STATIC_URL = "/assets/"
    (templates / "css.html").write_text('{{ static("/site.css") }}')

    assert render_to_string("css.html") == "/assets/site.css"


def test_missing_variable_renders_empty(templates: Path) -> None:
    (templates / "missing.html").write_text("[{{ nothing.at.all }}]")

    assert render_to_string("missing.html") == "[]"


def test_request_is_in_the_context(templates: Path) -> None:
    (templates / "path.html").write_text("{{ request.path_info }}")

    assert render_to_string("path.html", request=Request.blank("/here/")) == "/here/"


def test_context_processors_add_values(settings: Any, templates: Path) -> None:
    settings.TEMPLATES = {
        "DIRS": [str(templates)],
        "CONTEXT_PROCESSORS": [f"{__name__}.add_user_agent"],
    }
    (templates / "agent.html").write_text("{{ agent }}")
    request = Request.blank("/", headers={"User-Agent": "probe"})

    assert render_to_string("agent.html", request=request) == "probe"


def test_view_context_wins_over_context_processors(settings: Any, templates: Path) -> None:
    settings.TEMPLATES = {
        "DIRS": [str(templates)],
        "CONTEXT_PROCESSORS": [f"{__name__}.add_user_agent"],
    }
    (templates / "name.html").write_text("{{ name }}")

    assert render_to_string("name.html", {"name": "view"}, Request.blank("/")) == "view"


def test_unimportable_context_processor_names_the_setting(settings: Any) -> None:
    settings.TEMPLATES = {"CONTEXT_PROCESSORS": [f"{__name__}.nope"]}

    with pytest.raises(ImproperlyConfigured, match=r"TEMPLATES\['CONTEXT_PROCESSORS'\]"):
        get_engine()


def test_missing_template_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        TemplateEngine([tmp_path / "absent"])


def test_engine_is_built_once_per_configuration() -> None:
    assert get_engine() is get_engine()


def test_engine_is_rebuilt_when_settings_change(settings: Any) -> None:
    before = get_engine()
    settings.DEBUG = True

    assert get_engine() is not before


def test_options_reach_jinja(settings: Any) -> None:
    settings.TEMPLATES = {"OPTIONS": {"trim_blocks": True}}

    assert get_engine().env.trim_blocks is True
