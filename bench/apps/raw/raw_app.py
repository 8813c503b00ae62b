"""The limit: a plain PEP 3333 callable on sqlite3 or psycopg and Jinja2, nothing else.

    gunicorn raw_app:application        DATABASE_URL=sqlite:///path or postgresql://...

Date and Server are the server's to add (gunicorn does), as for every framework here.
"""

import json
import os
import sqlite3
from pathlib import Path
from random import randint
from urllib.parse import parse_qs, urlsplit

import jinja2

DATABASE_URL = os.environ["DATABASE_URL"]
IS_SQLITE = DATABASE_URL.startswith("sqlite")
if IS_SQLITE:
    SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = ?"
    UPDATE_WORLD = "UPDATE world SET randomnumber = ? WHERE id = ?"
else:
    SELECT_WORLD = "SELECT id, randomnumber FROM world WHERE id = %s"
    UPDATE_WORLD = "UPDATE world SET randomnumber = %s WHERE id = %s"

templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
)
fortunes_template = templates.get_template("fortunes.html")

_connection = None  # one per process: opened on the first request, after gunicorn's fork


def connection():
    global _connection
    if _connection is None:
        if IS_SQLITE:
            _connection = sqlite3.connect(urlsplit(DATABASE_URL).path, isolation_level=None)
        else:
            import psycopg

            url = DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
            _connection = psycopg.connect(url, autocommit=True)
    return _connection


def query_count(environ):
    values = parse_qs(environ.get("QUERY_STRING", "")).get("n", ["1"])
    try:
        return min(max(int(values[0]), 1), 500)
    except ValueError:
        return 1


def respond(start_response, body, content_type):
    start_response(
        "200 OK",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]


def plaintext(environ, start_response):
    return respond(start_response, b"Hello, World!", "text/plain")


def json_view(environ, start_response):
    body = json.dumps({"message": "Hello, World!"}).encode()
    return respond(start_response, body, "application/json")


def read_worlds(cursor, count):
    rows = []
    for _ in range(count):
        cursor.execute(SELECT_WORLD, (randint(1, 10000),))
        world_id, number = cursor.fetchone()
        rows.append({"id": world_id, "randomNumber": number})
    return rows


def db(environ, start_response):
    row = read_worlds(connection().cursor(), 1)[0]
    return respond(start_response, json.dumps(row).encode(), "application/json")


def queries(environ, start_response):
    rows = read_worlds(connection().cursor(), query_count(environ))
    return respond(start_response, json.dumps(rows).encode(), "application/json")


def fortunes(environ, start_response):
    rows = connection().cursor().execute("SELECT id, message FROM fortune").fetchall()
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=lambda row: row[1])
    body = fortunes_template.render(fortunes=rows).encode()
    return respond(start_response, body, "text/html; charset=utf-8")


def updates(environ, start_response):
    conn = connection()
    count = query_count(environ)
    if IS_SQLITE:
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        rows = read_worlds(cursor, count)
        for row in rows:
            row["randomNumber"] = randint(1, 10000)
        cursor.executemany(UPDATE_WORLD, [(r["randomNumber"], r["id"]) for r in rows])
        cursor.execute("COMMIT")
    else:
        with conn.transaction(), conn.cursor() as cursor:
            rows = read_worlds(cursor, count)
            for row in rows:
                row["randomNumber"] = randint(1, 10000)
            # Sorted by id, so that concurrent workers lock rows in the same order.
            pairs = sorted(((r["randomNumber"], r["id"]) for r in rows), key=lambda p: p[1])
            cursor.executemany(UPDATE_WORLD, pairs)
    return respond(start_response, json.dumps(rows).encode(), "application/json")


ROUTES = {
    "/plaintext": plaintext,
    "/json": json_view,
    "/db": db,
    "/queries": queries,
    "/fortunes": fortunes,
    "/updates": updates,
}


def application(environ, start_response):
    view = ROUTES.get(environ.get("PATH_INFO", ""))
    if view is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"Not Found"]
    return view(environ, start_response)
