"""Check that every implementation answers the same bodies with TechEmpower's headers.

    bench/.venv/bin/python bench/verify.py [--only stoa_full,raw] [--db sqlite|postgres]

In-process (this command, and tests/bench/test_verify.py), each implementation's WSGI
callable is called directly, in a process of its own: Content-Type, Content-Length and
the bodies are checked there. Date and Server are the server's to add (gunicorn adds
both to every response, as TechEmpower's WSGI entries rely on), so they are checked
only over HTTP, by `bench/run.py` against each gunicorn before it is timed; in-process
they are reported as left to the server, not as failures.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common import ADDED_FORTUNE, FORTUNES, IMPLEMENTATIONS, SQLITE_PATH, database_url

# (scenario, query string, rows expected) for every request verified.
CHECKS: list[tuple[str, str, int]] = [
    ("plaintext", "", 0),
    ("json", "", 0),
    ("db", "", 1),
    ("queries", "n=20", 20),
    ("queries", "", 1),
    ("queries", "n=0", 1),
    ("queries", "n=foo", 1),
    ("queries", "n=501", 500),
    ("fortunes", "", 0),
    ("updates", "n=20", 20),
    ("updates", "n=foo", 1),
    ("updates", "n=0", 1),
]

CONTENT_TYPES = {
    "plaintext": "text/plain",
    "json": "application/json",
    "db": "application/json",
    "queries": "application/json",
    "fortunes": "text/html",
    "updates": "application/json",
}


class _Tokens(HTMLParser):
    """Flatten HTML to (kind, value) tokens: tags, and text unescaped with whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("start", tag))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text:
            self.tokens.append(("text", text))


def html_tokens(html: str) -> list[tuple[str, str]]:
    """Return the tokens of `html`, the same for any whitespace and any escaping style."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def expected_fortunes_html() -> str:
    """Return TechEmpower's fortunes page, as the reference answer to compare tokens with."""
    from html import escape

    rows = sorted([*FORTUNES, (0, ADDED_FORTUNE)], key=lambda row: row[1])
    cells = "".join(f"<tr><td>{i}</td><td>{escape(message)}</td></tr>" for i, message in rows)
    return (
        "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
        f"<tr><th>id</th><th>message</th></tr>{cells}</table></body></html>"
    )


EXPECTED_FORTUNES = html_tokens(expected_fortunes_html())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _world_problems(item: Any) -> list[str]:
    if not isinstance(item, dict) or set(item) != {"id", "randomNumber"}:
        return [f"a world must be {{'id': int, 'randomNumber': int}}, got {item!r}"]
    if not all(_is_int(item[key]) and 1 <= item[key] <= 10_000 for key in item):
        return [f"id and randomNumber must be integers in 1..10000, got {item!r}"]
    return []


def body_problems(scenario: str, rows: int, body: bytes) -> list[str]:
    """Return what is wrong with `body` as the answer of `scenario` (empty if nothing)."""
    if scenario == "plaintext":
        return [] if body == b"Hello, World!" else [f"body {body[:80]!r} != b'Hello, World!'"]
    if scenario == "fortunes":
        text = body.decode("utf-8", "replace")
        problems = [] if "<script>" not in text else ["the <script> fortune is not escaped"]
        if html_tokens(text) != EXPECTED_FORTUNES:
            problems.append("the fortunes table differs from TechEmpower's (12 rows + 1, sorted)")
        return problems
    try:
        data = json.loads(body)
    except ValueError:
        return [f"body is not JSON: {body[:80]!r}"]
    if scenario == "json":
        return [] if data == {"message": "Hello, World!"} else [f"json body {data!r}"]
    if scenario == "db":
        return _world_problems(data)
    if not isinstance(data, list) or len(data) != rows:
        got = len(data) if isinstance(data, list) else type(data).__name__
        return [f"expected a list of {rows} worlds, got {got}"]
    return [problem for item in data for problem in _world_problems(item)][:3]


def header_problems(
    scenario: str, headers: list[tuple[str, str]], body: bytes, *, server: bool
) -> list[str]:
    """Return what is missing from TechEmpower's required headers.

    `server`: the response came over HTTP from gunicorn, so Date and Server must be there
    and chunked Transfer-Encoding may stand in for Content-Length (TechEmpower accepts it).
    """
    found = {name.lower(): value for name, value in headers}
    problems = []
    content_type = found.get("content-type", "")
    if not content_type.lower().startswith(CONTENT_TYPES[scenario]):
        problems.append(f"Content-Type {content_type!r} is not {CONTENT_TYPES[scenario]}")
    if scenario == "fortunes" and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(f"Content-Type {content_type!r} names no charset=utf-8")
    length = found.get("content-length")
    chunked = "chunked" in found.get("transfer-encoding", "").lower()
    if length is None and not (server and chunked):
        problems.append("no Content-Length")
    elif length is not None and int(length) != len(body):
        problems.append(f"Content-Length {length} != {len(body)} bytes of body")
    if server:
        problems += [
            f"no {name} header" for name in ("Date", "Server") if name.lower() not in found
        ]
    return problems


def stored_numbers(db_url: str, ids: list[int]) -> dict[int, int]:
    """Read randomnumber of `ids` straight from the database (to check that updates wrote)."""
    if db_url.startswith("sqlite"):
        with sqlite3.connect(urlsplit(db_url).path) as conn:
            rows = [
                conn.execute("SELECT id, randomnumber FROM world WHERE id = ?", (i,)).fetchone()
                for i in ids
            ]
        return dict(rows)
    import psycopg

    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        result = conn.execute("SELECT id, randomnumber FROM world WHERE id = ANY(%s)", (ids,))
        return dict(result.fetchall())


def update_problems(db_url: str, body: bytes) -> list[str]:
    """Check that the numbers an updates response shows are the ones now stored."""
    data = json.loads(body)
    counts: dict[int, int] = {}
    for item in data:
        counts[item["id"]] = counts.get(item["id"], 0) + 1
    # An id drawn twice may legitimately show an older value once: check the others.
    shown = {item["id"]: item["randomNumber"] for item in data if counts[item["id"]] == 1}
    stored = stored_numbers(db_url, list(shown))
    wrong = [i for i, number in shown.items() if stored.get(i) != number]
    return [f"updates did not write rows {wrong[:5]}"] if wrong else []


def check(
    scenario: str,
    query: str,
    rows: int,
    status: str,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    server: bool,
    db_url: str,
) -> list[str]:
    """Return every problem of one response (empty: it is right)."""
    if not status.startswith("200"):
        return [f"status {status}: {body[:200]!r}"]
    problems = header_problems(scenario, headers, body, server=server)
    problems += body_problems(scenario, rows, body)
    if scenario == "updates" and not problems:
        problems += update_problems(db_url, body)
    return problems


def run_inprocess(names: list[str], db_url: str, stoa_dirs: dict[str, Path]) -> dict[str, Any]:
    """Verify each implementation in a process of its own; return the harness's results."""
    from harness import run_harness

    return {name: run_harness(name, "verify", db_url, stoa_dirs) for name in names}


def summarise(results: dict[str, Any]) -> tuple[bool, list[str]]:
    """Return whether everything passed, and one line per implementation."""
    ok = True
    lines = []
    for name, result in results.items():
        failures = {key: value for key, value in result["checks"].items() if value}
        ok = ok and not failures
        lines.append(f"{name}: " + ("ok" if not failures else json.dumps(failures)))
    return ok, lines


def main() -> None:
    from stoa_project import make_project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(IMPLEMENTATIONS))
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--sqlite", type=Path, default=SQLITE_PATH)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    names = [name for name in args.only.split(",") if name]
    with tempfile.TemporaryDirectory(prefix="stoa-bench-") as tmp:
        stoa_dirs = {
            name: make_project(Path(tmp) / name, minimal=bool(IMPLEMENTATIONS[name].stoa_minimal))
            for name in names
            if IMPLEMENTATIONS[name].stoa_minimal is not None
        }
        results = run_inprocess(names, database_url(args.db, args.sqlite), stoa_dirs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    ok, lines = summarise(results)
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
