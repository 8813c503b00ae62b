"""`TemplateResponse`: a response whose template is rendered as late as possible.

Middleware may still change `context_data` or `template_name`. It is rendered by the
database middleware, inside the request's transaction (so lazy relationship loads in
templates work), or else by the handler just before the response is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.http import Request, Response
from core.templating import get_engine


class TemplateResponse(Response):
    """Render `template_name` with `context_data` when `render()` is first called."""

    def __init__(
        self,
        request: Request,
        template_name: str | Sequence[str],
        context: dict[str, Any] | None = None,
        *,
        status: int = 200,
        content_type: str | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(status=status, content_type=content_type or "text/html")
        for name, value in headers or ():
            self.headers.add(name, value)
        # Not `request`: WebOb's Response has an attribute of that name.
        self.template_request = request
        self.template_name = template_name
        self.context_data: dict[str, Any] = dict(context or {})
        self.is_rendered = False

    def render(self) -> TemplateResponse:
        """Render the template into the body, once."""
        if not self.is_rendered:
            text = get_engine().render(self.template_name, self.context_data, self.template_request)
            self.set_body(text.encode(self.charset or "UTF-8"))
            self.is_rendered = True
        return self


def render_if_needed(response: object) -> None:
    """Render `response` if it is a TemplateResponse not rendered yet."""
    if isinstance(response, TemplateResponse) and not response.is_rendered:
        response.render()
