"""core.signing: tokens that round-trip, and every way one is refused."""

from __future__ import annotations

from typing import Any

import pytest
from itsdangerous import TimestampSigner

from core import signing
from core.exceptions import ImproperlyConfigured

OLD_KEY = "old-secret-key-0123456789-0123456789-0123456789"
NEW_KEY = "a-new-key-0123456789-0123456789"


def test_a_token_round_trips(settings: Any) -> None:
    token = signing.dumps({"user": 7, "tags": ["a"]}, salt="test")
    assert signing.loads(token, salt="test") == {"user": 7, "tags": ["a"]}


def test_a_token_is_url_safe(settings: Any) -> None:
    token = signing.dumps({"text": "?&=/+ é" * 20}, salt="test")
    assert all(c.isalnum() or c in "-_." for c in token)


def test_a_compressed_token_round_trips_and_is_shorter(settings: Any) -> None:
    data = {"text": "repeat " * 200}
    compressed = signing.dumps(data, salt="test", compress=True)
    assert len(compressed) < len(signing.dumps(data, salt="test"))
    assert signing.loads(compressed, salt="test") == data


def test_another_salt_is_refused(settings: Any) -> None:
    token = signing.dumps("x", salt="purpose.one")
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="purpose.two")


def test_a_tampered_token_is_refused(settings: Any) -> None:
    token = signing.dumps({"admin": False}, salt="test")
    forged = signing.dumps({"admin": True}, salt="test").split(".")[0] + token[token.index(".") :]
    with pytest.raises(signing.BadSignature):
        signing.loads(forged, salt="test")


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "é.é.é", "." * 50, b"\xff\xfe"])
def test_garbage_is_a_bad_signature(settings: Any, garbage: Any) -> None:
    with pytest.raises(signing.BadSignature):
        signing.loads(garbage, salt="test")


def test_an_old_token_is_expired(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    token = signing.dumps("x", salt="test")
    now = TimestampSigner.get_timestamp(TimestampSigner("k"))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now + 61)
    with pytest.raises(signing.SignatureExpired):
        signing.loads(token, salt="test", max_age=60)


def test_an_expired_token_is_also_a_bad_signature() -> None:
    assert issubclass(signing.SignatureExpired, signing.BadSignature)


def test_a_young_token_is_accepted_with_max_age(settings: Any) -> None:
    assert signing.loads(signing.dumps("x", salt="test"), salt="test", max_age=60) == "x"


def test_a_token_of_a_fallback_key_verifies(settings: Any) -> None:
    settings.SECRET_KEY = OLD_KEY
    token = signing.dumps("x", salt="test")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = (
        "a-new-key-0123456789-0123456789",
        [OLD_KEY],
    )
    assert signing.loads(token, salt="test") == "x"


def test_new_tokens_are_signed_with_the_current_key(settings: Any) -> None:
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    token = signing.dumps("x", salt="test")
    settings.SECRET_KEY_FALLBACKS = []
    assert signing.loads(token, salt="test") == "x"


def test_a_token_of_another_key_is_refused(settings: Any) -> None:
    settings.SECRET_KEY = OLD_KEY
    token = signing.dumps("x", salt="test")
    settings.SECRET_KEY = NEW_KEY
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="test")


def test_an_empty_secret_key_is_reported(settings: Any) -> None:
    settings.SECRET_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        signing.dumps("x", salt="test")
