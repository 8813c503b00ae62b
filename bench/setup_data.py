"""Create the World (10,000 rows) and Fortune tables: in SQLite, and in PostgreSQL if it answers.

    bench/.venv/bin/python bench/setup_data.py [--sqlite PATH] [--no-postgres]

Tables and columns are TechEmpower's: world(id, randomnumber), fortune(id, message).
Every run recreates them, so the updates scenario of an earlier run leaves no trace.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
from pathlib import Path

from common import FORTUNES, POSTGRES_DB, SQLITE_PATH, WORLD_ROWS, postgres_answers

SCHEMA = [
    "DROP TABLE IF EXISTS world",
    "DROP TABLE IF EXISTS fortune",
    "CREATE TABLE world (id integer PRIMARY KEY, randomnumber integer NOT NULL DEFAULT 0)",
    "CREATE TABLE fortune (id integer PRIMARY KEY, message varchar(2048) NOT NULL)",
]


def world_rows(seed: int = 6) -> list[tuple[int, int]]:
    """Return the World rows: ids 1..10000 with a random number 1..10000 each."""
    rng = random.Random(seed)
    return [(i, rng.randint(1, 10_000)) for i in range(1, WORLD_ROWS + 1)]


def create_sqlite(path: Path = SQLITE_PATH) -> Path:
    """Create (or recreate) the SQLite database at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        for statement in SCHEMA:
            conn.execute(statement)
        conn.executemany("INSERT INTO world (id, randomnumber) VALUES (?, ?)", world_rows())
        conn.executemany("INSERT INTO fortune (id, message) VALUES (?, ?)", FORTUNES)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path


def create_postgres() -> bool:
    """Create the stoa_bench database if needed and fill it; False if PostgreSQL is absent."""
    if not postgres_answers():
        return False
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (POSTGRES_DB,))
        if exists.fetchone() is None:
            conn.execute(f"CREATE DATABASE {POSTGRES_DB}")
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={POSTGRES_DB}") as conn:
        for statement in SCHEMA:
            conn.execute(statement)
        with conn.cursor() as cur:
            with cur.copy("COPY world (id, randomnumber) FROM STDIN") as copy:
                for row in world_rows():
                    copy.write_row(row)
            cur.executemany("INSERT INTO fortune (id, message) VALUES (%s, %s)", FORTUNES)
        conn.execute("ANALYZE world")
        conn.execute("ANALYZE fortune")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=Path, default=SQLITE_PATH, help="the SQLite file")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    print(f"SQLite: {create_sqlite(args.sqlite)}")
    if not args.no_postgres:
        done = create_postgres()
        print(f"PostgreSQL: {POSTGRES_DB}" if done else "PostgreSQL: not answering, skipped")


if __name__ == "__main__":
    main()
