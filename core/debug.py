"""Technical error pages, shown only with DEBUG on: tried URL patterns, tracebacks, locals."""

from __future__ import annotations

import linecache
import re
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any

from webob import Response as WebObResponse

from core.conf import settings
from core.http import Request, Response
from core.templating import framework_engine
from core.urls import URLResolver
from core.utils import qualified_name

HIDDEN_SETTING = re.compile(r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|PRIVATE|CREDENTIAL", re.I)
HIDDEN_HEADERS = {
    "HTTP_COOKIE",
    "HTTP_AUTHORIZATION",
    "HTTP_PROXY_AUTHORIZATION",
    "HTTP_X_CSRFTOKEN",
}
URL_PASSWORD = re.compile(r"(?<=://)([^:/@]*):[^@/]*@")
MASK = "********************"
REPR_LIMIT = 4096


def mask(name: str, value: Any) -> Any:
    """Hide values whose names look secret, and passwords inside URLs."""
    if HIDDEN_SETTING.search(name):
        return MASK
    if isinstance(value, str):
        return URL_PASSWORD.sub(rf"\1:{MASK}@", value)
    if isinstance(value, dict):
        return {key: mask(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask(name, item) for item in value)
    return value


def safe_repr(value: Any) -> str:
    """Return a bounded repr that never raises."""
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 (a broken __repr__ must not break the page)
        text = f"<unprintable {type(value).__name__}: {type(exc).__name__}>"
    if len(text) > REPR_LIMIT:
        text = text[:REPR_LIMIT] + f"… ({len(text)} characters)"
    return text


@dataclass
class Frame:
    """One frame of a traceback, with its source context and local variables."""

    filename: str
    lineno: int
    function: str
    context: list[tuple[int, str]]
    variables: list[tuple[str, str]] = field(default_factory=list)
    is_framework: bool = False


def collect_frames(exc: BaseException) -> list[Frame]:
    """Return the frames of `exc` and its chained causes, outermost first."""
    frames: list[Frame] = []
    seen: set[int] = set()
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    for item in reversed(chain):
        tb = item.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            lineno = tb.tb_lineno
            start = max(1, lineno - 5)
            context = [
                (number, linecache.getline(code.co_filename, number).rstrip("\n"))
                for number in range(start, lineno + 6)
            ]
            variables = [
                (name, MASK if HIDDEN_SETTING.search(name) else safe_repr(mask(name, value)))
                for name, value in sorted(tb.tb_frame.f_locals.items())
            ]
            frames.append(
                Frame(
                    code.co_filename,
                    lineno,
                    code.co_name,
                    [(number, line) for number, line in context if line or number <= lineno],
                    variables,
                    "/core/" in code.co_filename.replace("\\", "/"),
                )
            )
            tb = tb.tb_next
    return frames


def _request_info(request: Request | None) -> dict[str, Any]:
    if request is None:
        return {}
    environ = request.environ
    headers = [
        (key, MASK if key in HIDDEN_HEADERS else safe_repr(value))
        for key, value in sorted(environ.items())
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
    ]
    return {
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "headers": headers,
    }


def _settings_info() -> list[tuple[str, str]]:
    try:
        values = settings.as_dict()
    except Exception as exc:  # noqa: BLE001 (broken settings are what we may be reporting)
        return [("(settings)", f"could not be loaded: {type(exc).__name__}: {exc}")]
    return [(name, safe_repr(mask(name, value))) for name, value in sorted(values.items())]


def render_page(template: str, status: int, context: dict[str, Any]) -> Response:
    """Render one of Stoa's technical templates; fall back to plain text if that fails."""
    try:
        body = framework_engine().get_template(template).render(context)
        return Response(body, status=status)
    except Exception:  # noqa: BLE001
        text = "".join(traceback.format_exception(*sys.exc_info()))
        response = Response(text, status=status)
        response.content_type = "text/plain"
        return response


def technical_500_response(request: Request | None, exc: BaseException) -> Response:
    """Return the 500 page with the traceback, local variables, request and settings."""
    return render_page(
        "stoa/technical_500.html",
        500,
        {
            "exception_type": type(exc).__name__,
            "exception_value": str(exc),
            "frames": collect_frames(exc),
            "request": _request_info(request),
            "settings": _settings_info(),
            "python": sys.version.split()[0],
            "traceback_text": "".join(traceback.format_exception(exc)),
            "template_error": _template_error(exc),
        },
    )


def _template_error(exc: BaseException) -> dict[str, Any] | None:
    """Describe where a template syntax error is: the template's name, line and text."""
    from jinja2 import TemplateSyntaxError

    if not isinstance(exc, TemplateSyntaxError):
        return None
    line = ""
    if exc.source is not None and exc.lineno:
        lines = exc.source.splitlines()
        line = lines[exc.lineno - 1] if exc.lineno <= len(lines) else ""
    return {"name": exc.name or exc.filename or "?", "lineno": exc.lineno, "line": line}


def technical_404_response(
    request: Request, exc: Exception, resolver: URLResolver | WebObResponse | None
) -> Response:
    """Return the 404 page listing the URL patterns that were tried."""
    patterns: list[tuple[str, str, str]] = []
    if isinstance(resolver, URLResolver):
        for route, pattern, namespaces in resolver.walk():
            name = ":".join([*namespaces, pattern.name]) if pattern.name else ""
            patterns.append((route, name, qualified_name(pattern.callback)))
    raised_by = request.resolver_match.view_path if request.resolver_match else ""
    return render_page(
        "stoa/technical_404.html",
        404,
        {
            "path": _request_info(request)["path"],
            "patterns": patterns,
            "raised_by": raised_by,
            "reason": str(exc) if raised_by else "",
            "urlconf": _safe_setting("ROOT_URLCONF"),
        },
    )


def technical_error_response(request: Request, status: int, title: str, exc: Exception) -> Response:
    """Return a 4xx page that says what was wrong with the request."""
    return render_page(
        "stoa/technical_error.html",
        status,
        {"status": status, "title": title, "reason": str(exc), "kind": type(exc).__name__},
    )


def _safe_setting(name: str) -> str:
    try:
        return str(getattr(settings, name))
    except Exception:  # noqa: BLE001
        return ""
