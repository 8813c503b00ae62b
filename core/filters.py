"""Template filters Stoa adds to Jinja2's own: dates, plurals, line breaks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from markupsafe import Markup, escape

_PARAGRAPHS = re.compile(r"\n{2,}")


def date(value: Any, format: str = "%Y-%m-%d") -> str:  # noqa: A002 (the filter's argument)
    """`{{ article.published | date("%d %B %Y") }}`: format a date or datetime (strftime)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.strftime(format)
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value).strftime(format)
        except ValueError:
            return value
    return str(value)


def pluralize(value: Any, suffixes: str = "s") -> str:
    """`{{ n }} item{{ n | pluralize }}`; `{{ n | pluralize("y,ies") }}` for irregular words."""
    singular, _, plural = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    try:
        count = len(value) if isinstance(value, list | tuple | set | dict) else float(value)
    except (TypeError, ValueError):
        return ""
    return singular if count == 1 else plural


def linebreaks(value: Any) -> Markup:
    """Turn text into HTML paragraphs: blank lines split paragraphs, newlines become <br>."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Markup("")
    paragraphs = _PARAGRAPHS.split(text)
    html = "\n\n".join(
        "<p>" + str(escape(part)).replace("\n", "<br>") + "</p>" for part in paragraphs
    )
    return Markup(html)  # noqa: S704 (every piece of text was escaped above)


def linebreaksbr(value: Any) -> Markup:
    """Escape text and turn its newlines into <br>."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return Markup(str(escape(text)).replace("\n", "<br>"))  # noqa: S704 (escaped above)


FILTERS = {
    "date": date,
    "pluralize": pluralize,
    "linebreaks": linebreaks,
    "linebreaksbr": linebreaksbr,
}
