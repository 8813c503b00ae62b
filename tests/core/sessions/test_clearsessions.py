"""The clearsessions command."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from core.management.commands.clearsessions import Command
from core.sessions.backends.db import Session
from core.sessions.base import now
from tests.core.sessions.conftest import Site
from tests.helpers import call_command


def test_it_deletes_the_expired_rows_of_the_database_backend(db_site: Site) -> None:
    db_site.client()  # configures the site's database
    assert db_site.engine is not None
    with OrmSession(db_site.engine) as db:
        db.add(Session(session_key="o" * 43, data="{}", expire_date=now() - timedelta(days=1)))
        db.add(Session(session_key="n" * 43, data="{}", expire_date=now() + timedelta(days=1)))
        db.commit()
    out = _run()
    assert out == "Deleted 1 expired session(s).\n"
    with OrmSession(db_site.engine) as db:
        assert db.scalars(select(Session.session_key)).all() == ["n" * 43]


def test_it_does_nothing_for_backends_that_expire_on_their_own(settings: Any) -> None:
    settings.SESSION_ENGINE = "core.sessions.backends.signed_cookies"
    assert "Nothing to clear" in _run()


def test_it_has_help() -> None:
    result = call_command("clearsessions", "--help")
    assert result.code == 0
    assert "expired sessions" in result.out


def _run() -> str:
    import io

    out = io.StringIO()
    Command(stdout=out).handle()
    return out.getvalue()
