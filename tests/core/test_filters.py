"""The template filters Stoa adds: date, pluralize, linebreaks, linebreaksbr."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from core.filters import date, linebreaks, linebreaksbr, pluralize


def test_date_formats_a_date() -> None:
    assert date(dt.date(2026, 11, 21), "%d %B %Y") == "21 November 2026"


def test_date_formats_an_iso_string() -> None:
    assert date("2026-11-21T10:30:00", "%H:%M") == "10:30"


def test_date_of_none_is_empty() -> None:
    assert date(None) == ""


def test_date_leaves_text_that_is_not_a_date() -> None:
    assert date("soon") == "soon"


@pytest.mark.parametrize(("count", "expected"), [(0, "s"), (1, ""), (2, "s"), ([1], ""), ([], "s")])
def test_pluralize_default_suffix(count: object, expected: str) -> None:
    assert pluralize(count) == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "y"), (3, "ies")])
def test_pluralize_irregular_suffixes(count: int, expected: str) -> None:
    assert pluralize(count, "y,ies") == expected


def test_pluralize_of_garbage_is_empty() -> None:
    assert pluralize("many") == ""


def test_linebreaks_makes_paragraphs_and_breaks() -> None:
    assert linebreaks("one\ntwo\n\nthree") == "<p>one<br>two</p>\n\n<p>three</p>"


def test_linebreaks_escapes_html() -> None:
    result = linebreaks("<script>alert(1)</script>")

    assert isinstance(result, Markup)
    assert "<script>" not in result
    assert "&lt;script&gt;" in result


def test_linebreaksbr_escapes_and_breaks() -> None:
    assert linebreaksbr("a<b\nc") == "a&lt;b<br>c"
