"""core.sessions.base.SessionBase: a lazily loaded mapping that tracks access and changes."""

from __future__ import annotations

from typing import Any

import pytest

from core.sessions.backends.signed_cookies import SessionStore
from core.sessions.base import is_valid_key, new_session_key


@pytest.fixture
def session(settings: Any) -> SessionStore:
    return SessionStore()


def test_a_new_session_is_neither_accessed_nor_modified(session: SessionStore) -> None:
    assert (session.accessed, session.modified) == (False, False)
    assert session.is_empty()


def test_reading_marks_accessed_not_modified(session: SessionStore) -> None:
    assert session.get("a") is None
    assert (session.accessed, session.modified) == (True, False)


def test_writing_marks_modified(session: SessionStore) -> None:
    session["a"] = 1
    assert session.modified
    assert dict(session) == {"a": 1}


def test_the_mapping_methods_work(session: SessionStore) -> None:
    session.update({"a": 1, "b": 2})
    assert "a" in session
    assert len(session) == 2
    assert sorted(session.keys()) == ["a", "b"]
    assert sorted(session.items()) == [("a", 1), ("b", 2)]
    assert session.setdefault("a", 9) == 1
    assert session.setdefault("c", 3) == 3
    assert session.pop("b") == 2
    assert session.pop("missing", "x") == "x"
    del session["c"]
    assert dict(session) == {"a": 1}


def test_pop_of_a_missing_key_does_not_mark_modified(session: SessionStore) -> None:
    session.pop("missing", None)
    assert not session.modified


def test_clear_empties_and_marks_modified(session: SessionStore) -> None:
    session["a"] = 1
    session.modified = False
    session.clear()
    assert session.modified
    assert len(session) == 0


def test_data_is_loaded_only_on_first_access(settings: Any) -> None:
    loads: list[str] = []

    class Counting(SessionStore):
        def load(self) -> dict[str, Any]:
            loads.append("load")
            return {"a": 1}

    session = Counting("some-key")
    assert loads == []
    assert session["a"] == 1
    assert session.get("a") == 1
    assert loads == ["load"]


def test_flush_empties_and_drops_the_key(session: SessionStore) -> None:
    session["a"] = 1
    session.save()
    session.flush()
    assert session.session_key is None
    assert session.is_empty()


def test_the_expiry_age_is_the_cookie_age(settings: Any, session: SessionStore) -> None:
    settings.SESSION_COOKIE_AGE = 42
    assert session.get_expiry_age() == 42


def test_new_keys_are_valid_and_distinct() -> None:
    keys = {new_session_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(is_valid_key(key) for key in keys)


@pytest.mark.parametrize("key", [None, "", "short", "A" * 42, "A" * 44, "A" * 42 + "!", 7])
def test_keys_of_another_shape_are_invalid(key: object) -> None:
    assert not is_valid_key(key)
