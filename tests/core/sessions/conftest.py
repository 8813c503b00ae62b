"""A site per session backend: real SessionMiddleware, real storage, a cookie-keeping Client.

The database backend runs on a SQLite file and, where TEST_DATABASE_URL names one, on
PostgreSQL; the Redis backend runs where a Redis answers on SESSION_REDIS_URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine

import core.sessions.backends.redis as redis_backend
from core.handlers import WSGIHandler
from core.sessions.backends.db import Session
from core.testing import Client
from orm.models import Model
from orm.session import create_database_engine
from tests.dbfixtures import dispose_configured, isolate_orm, postgresql_url

__all__ = ["postgresql_url"]

SESSION_MIDDLEWARE = "core.middleware.sessions.SessionMiddleware"
ENGINES = {
    "signed_cookies": "core.sessions.backends.signed_cookies",
    "db-sqlite": "core.sessions.backends.db",
    "db-postgresql": "core.sessions.backends.db",
    "redis": "core.sessions.backends.redis",
}
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_or_skip() -> None:
    """Skip the test unless a Redis server answers on REDIS_URL."""
    try:
        import redis
    except ImportError:
        pytest.skip("the redis package is not installed (pip install 'stoa[redis]')")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable on {REDIS_URL}: {exc}")


@dataclass
class Site:
    """The settings of a test site and a way to build a client for it."""

    settings: Any
    backend: str
    engine: Engine | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    def client(self, **overrides: Any) -> Client:
        """Apply `overrides` to the settings, then return a Client of a fresh application."""
        for name, value in overrides.items():
            setattr(self.settings, name, value)
        return Client(WSGIHandler())

    @property
    def server_side(self) -> bool:
        """Whether the backend keeps sessions on the server (so keys can be looked up)."""
        return self.backend != "signed_cookies"


def database_site(site: Site, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point `site` at a database with the session table (created here, dropped after)."""
    isolate_orm(monkeypatch)
    site.settings.DATABASES = {"default": url}
    engine = site.engine = create_database_engine(url)
    tables = [Model.metadata.tables[Session.__tablename__]]
    Model.metadata.drop_all(engine, tables=tables)
    Model.metadata.create_all(engine, tables=tables)

    def drop() -> None:
        dispose_configured()
        Model.metadata.drop_all(engine, tables=tables)
        engine.dispose()

    site.cleanups.append(drop)


def redis_site(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point `site` at Redis, under a key prefix of its own (deleted after)."""
    redis_or_skip()
    site.settings.SESSION_REDIS_URL = REDIS_URL
    prefix = f"stoa:test:{secrets.token_hex(6)}:"
    monkeypatch.setattr(redis_backend, "KEY_PREFIX", prefix)

    def forget() -> None:
        client = redis_backend.get_client()
        for name in client.scan_iter(f"{prefix}*"):
            client.delete(name)

    site.cleanups.append(forget)


def make_site(
    backend: str, settings: Any, tmp_path: Any, request: pytest.FixtureRequest, monkeypatch: Any
) -> Site:
    """Set up the settings of a site on `backend`; the caller runs `site.cleanups`."""
    settings.ROOT_URLCONF = "tests.core.sessions.urls"
    settings.MIDDLEWARE = [SESSION_MIDDLEWARE]
    settings.SESSION_ENGINE = ENGINES[backend]
    site = Site(settings, backend)
    if backend == "db-sqlite":
        database_site(site, f"sqlite:///{tmp_path / 'sessions.sqlite3'}", monkeypatch)
    elif backend == "db-postgresql":
        database_site(site, request.getfixturevalue("postgresql_url"), monkeypatch)
    elif backend == "redis":
        redis_site(site, monkeypatch)
    return site


@pytest.fixture(params=list(ENGINES))
def site(
    request: pytest.FixtureRequest, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Site]:
    """A site on each session backend in turn."""
    built = make_site(request.param, settings, tmp_path, request, monkeypatch)
    try:
        yield built
    finally:
        for cleanup in reversed(built.cleanups):
            cleanup()


@pytest.fixture(params=["db-sqlite", "db-postgresql"])
def db_site(
    request: pytest.FixtureRequest, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Site]:
    """A site on the database backend, on SQLite and on PostgreSQL."""
    built = make_site(request.param, settings, tmp_path, request, monkeypatch)
    try:
        yield built
    finally:
        for cleanup in reversed(built.cleanups):
            cleanup()
