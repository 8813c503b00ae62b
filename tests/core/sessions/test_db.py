"""core.sessions.backends.db: the table, transactions beside the request's, concurrent logout."""

from __future__ import annotations

import importlib
import json
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from core.apps import populate
from core.handlers import WSGIHandler
from core.sessions.backends.db import Session, SessionStore
from core.sessions.base import now
from core.testing import Client
from tests.core.sessions.conftest import SESSION_MIDDLEWARE, Site

DATABASE_MIDDLEWARE = "core.middleware.db.DatabaseMiddleware"


def stored(site: Site, key: str) -> dict[str, object] | None:
    """Return the data stored under `key`, read over a connection of its own."""
    assert site.engine is not None
    with OrmSession(site.engine) as db:
        row = db.get(Session, key)
        return None if row is None else row.get_decoded()


def test_the_data_is_stored_as_json_under_the_cookie_key(db_site: Site) -> None:
    client = db_site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    assert stored(db_site, client.cookies["sessionid"]) == {"colour": "blue"}


def test_the_row_expires_after_the_cookie_age(db_site: Site) -> None:
    client = db_site.client(SESSION_COOKIE_AGE=600)
    client.get("/set/", {"key": "colour", "value": "blue"})
    assert db_site.engine is not None
    with OrmSession(db_site.engine) as db:
        row = db.get(Session, client.cookies["sessionid"])
        assert row is not None
        left = row.expire_date - now()
    assert timedelta(seconds=590) < left <= timedelta(seconds=600)


def test_login_inside_the_request_transaction_does_not_wait_for_a_lock(db_site: Site) -> None:
    db_site.settings.MIDDLEWARE = [SESSION_MIDDLEWARE, DATABASE_MIDDLEWARE]
    client = Client(WSGIHandler())
    client.get("/set/", {"key": "colour", "value": "blue"})
    old_key = client.cookies["sessionid"]
    response = client.post("/login/")
    assert response.status_code == 200
    assert client.cookies["sessionid"] != old_key
    assert stored(db_site, old_key) is None
    assert stored(db_site, client.cookies["sessionid"]) == {"colour": "blue", "user": "ada"}


def test_a_session_deleted_meanwhile_is_not_brought_back(db_site: Site) -> None:
    client = db_site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    key = client.cookies["sessionid"]
    response = client.get("/race/")
    assert response.status_code == 400
    assert stored(db_site, key) is None


def test_a_corrupt_row_is_an_anonymous_visitor(db_site: Site) -> None:
    client = db_site.client()
    client.get("/set/", {"key": "colour", "value": "blue"})
    assert db_site.engine is not None
    with OrmSession(db_site.engine) as db:
        row = db.get(Session, client.cookies["sessionid"])
        assert row is not None
        row.data = "[not json"
        db.commit()
    response = client.get("/get/", {"key": "colour"})
    assert response.status_code == 200
    assert response.text == "(none)"


def test_clear_expired_deletes_only_expired_rows(db_site: Site) -> None:
    db_site.client()
    assert db_site.engine is not None
    with OrmSession(db_site.engine) as db:
        db.add(Session(session_key="o" * 43, data="{}", expire_date=now() - timedelta(seconds=1)))
        db.add(Session(session_key="n" * 43, data="{}", expire_date=now() + timedelta(days=1)))
        db.commit()
    assert SessionStore.clear_expired() == 1
    with OrmSession(db_site.engine) as db:
        assert db.scalars(select(Session.session_key)).all() == ["n" * 43]


def test_the_plugins_test_database_works(settings: object, db: OrmSession) -> None:
    settings.ROOT_URLCONF = "tests.core.sessions.urls"  # type: ignore[attr-defined]
    settings.MIDDLEWARE = [SESSION_MIDDLEWARE]  # type: ignore[attr-defined]
    settings.SESSION_ENGINE = "core.sessions.backends.db"  # type: ignore[attr-defined]
    client = Client(WSGIHandler())
    client.get("/set/", {"key": "colour", "value": "blue"})
    assert client.get("/get/", {"key": "colour"}).text == "blue"
    row = db.get(Session, client.cookies["sessionid"])
    assert row is not None
    assert json.loads(row.data) == {"colour": "blue"}
    assert db.scalar(select(func.count()).select_from(Session)) == 1


def test_core_sessions_is_an_app_whose_models_hold_the_table() -> None:
    (app,) = populate(["core.sessions"])
    assert app.label == "sessions"
    assert importlib.import_module("core.sessions.models").Session.__tablename__ == "stoa_session"
