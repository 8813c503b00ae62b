"""The Jinja2 integration: one Environment per configuration, built at start-up.

Templates are looked up in TEMPLATES["DIRS"], then each installed app's templates/
(with APP_DIRS), then Stoa's own templates/. HTML is autoescaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from core.apps import get_apps
from core.conf import per_settings, settings
from core.context_processors import csrf as csrf_context
from core.exceptions import ImproperlyConfigured
from core.filters import FILTERS
from core.resources import resource_dir
from core.staticfiles.urls import static_url
from core.utils import import_string

if TYPE_CHECKING:
    from core.http import Request

ContextProcessor = Callable[["Request"], Mapping[str, Any]]


class TemplateEngine:
    """A Jinja2 Environment with Stoa's loaders, globals and context processors."""

    def __init__(
        self,
        dirs: Sequence[str | Path],
        *,
        debug: bool = False,
        extensions: Sequence[str] = (),
        context_processors: Sequence[str] = (),
        options: Mapping[str, Any] | None = None,
    ) -> None:
        for directory in dirs:
            if not Path(directory).is_dir():
                raise ImproperlyConfigured(
                    f"Template directory {str(directory)!r} does not exist: create it or "
                    f"remove it from TEMPLATES['DIRS']."
                )
        self.dirs = [Path(directory) for directory in dirs]
        self.context_processors: list[ContextProcessor] = [
            import_string(path, setting="TEMPLATES['CONTEXT_PROCESSORS']")
            for path in context_processors
        ]
        env_options: dict[str, Any] = {
            "autoescape": jinja2.select_autoescape(
                disabled_extensions=("txt",), default_for_string=True, default=True
            ),
            "auto_reload": debug,
            "extensions": list(extensions),
            "undefined": jinja2.ChainableUndefined,
            **(options or {}),
        }
        # Autoescaping is on: env_options sets it with select_autoescape.
        loader = jinja2.FileSystemLoader(self.dirs)
        self.env = jinja2.Environment(loader=loader, **env_options)  # noqa: S701
        self.env.globals.update(url=url, static=static)
        self.env.filters.update(FILTERS)

    def get_template(self, name: str | Sequence[str]) -> jinja2.Template:
        """Return the first template found of `name` (or of a list of names)."""
        if isinstance(name, str):
            return self.env.get_template(name)
        return self.env.select_template(list(name))

    def render(
        self,
        name: str | Sequence[str],
        context: Mapping[str, Any] | None = None,
        request: Request | None = None,
    ) -> str:
        """Render a template with the context processors' values under `context`.

        `"page.html#results"` renders only the block `results` of page.html, for
        partial page updates.
        """
        values = self.make_context(context, request)
        if isinstance(name, str) and "#" in name:
            name, _, block = name.partition("#")
            template = self.get_template(name)
            if block not in template.blocks:
                raise jinja2.TemplateNotFound(f"{name}#{block} (no block named {block!r})")
            return "".join(template.blocks[block](template.new_context(values)))
        return self.get_template(name).render(values)

    def make_context(
        self, context: Mapping[str, Any] | None, request: Request | None
    ) -> dict[str, Any]:
        """Merge the request, the context processors' output and `context`."""
        merged: dict[str, Any] = {}
        if request is not None:
            merged["request"] = request
            merged.update(csrf_context(request))
            for processor in self.context_processors:
                merged.update(processor(request))
        if context:
            merged.update(context)
        return merged


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """Template global: `{{ url("article", pk=1) }}` reverses a named URL pattern."""
    from core.urls import reverse

    return reverse(name, args or None, kwargs or None)


def static(path: str) -> str:
    """Template global: `{{ static("site.css") }}` is the URL of a static file."""
    return static_url(path)


@per_settings
def get_engine() -> TemplateEngine:
    """Return the engine of the current settings, built once."""
    config = settings.TEMPLATES
    dirs: list[str | Path] = list(config.get("DIRS", []))
    if config.get("APP_DIRS", True):
        dirs.extend(app.templates_dir for app in get_apps() if app.templates_dir.is_dir())
    dirs.append(resource_dir("templates"))
    return TemplateEngine(
        dirs,
        debug=settings.DEBUG,
        extensions=config.get("EXTENSIONS", []),
        context_processors=config.get("CONTEXT_PROCESSORS", []),
        options=config.get("OPTIONS"),
    )


def render_to_string(
    template_name: str | Sequence[str],
    context: Mapping[str, Any] | None = None,
    request: Request | None = None,
) -> str:
    """Render a template of the project's engine to a string."""
    return get_engine().render(template_name, context, request)


@per_settings
def framework_engine() -> jinja2.Environment:
    """Return an environment over Stoa's own templates only, for error and debug pages."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_dir("templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
