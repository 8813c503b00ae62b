"""core.auth.hashers: formats, verification, upgrades, constant-time comparison."""

from __future__ import annotations

import hmac
from typing import Any
from unittest import mock

import pytest

from core.auth import hashers
from core.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    identify_hasher,
    is_password_usable,
    make_password,
    must_update,
)

STRONGER = "tests.core.auth.hashers.StrongerPBKDF2PasswordHasher"
FAST_ARGON2 = "tests.core.auth.hashers.FastArgon2PasswordHasher"


def test_pbkdf2_hash_names_algorithm_iterations_and_salt() -> None:
    algorithm, iterations, salt, digest = make_password("secret").split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", "100")
    assert len(salt) == 22
    assert len(digest) == 44  # 32 bytes of SHA-256, base64


def test_the_default_pbkdf2_runs_a_million_iterations() -> None:
    assert PBKDF2PasswordHasher.iterations == 1_000_000
    # Encode with a tiny count, to check the default one is what goes into the hash.
    with mock.patch("hashlib.pbkdf2_hmac", return_value=b"x" * 32) as pbkdf2:
        encoded = PBKDF2PasswordHasher().encode("secret", "salt")
    assert pbkdf2.call_args.args[3] == 1_000_000
    assert encoded.startswith("pbkdf2_sha256$1000000$salt$")


def test_the_right_password_verifies() -> None:
    assert check_password("secret", make_password("secret"))


def test_a_wrong_password_does_not() -> None:
    assert not check_password("Secret", make_password("secret"))


def test_two_hashes_of_one_password_differ_by_salt() -> None:
    assert make_password("secret") != make_password("secret")


def test_the_comparison_is_constant_time() -> None:
    encoded = make_password("secret")
    with mock.patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert check_password("secret", encoded)
    compare.assert_called_once()


def test_an_unusable_password_never_matches() -> None:
    encoded = make_password(None)
    assert not is_password_usable(encoded)
    assert not check_password("", encoded)
    assert not check_password("!", encoded)


@pytest.mark.parametrize("encoded", ["", "plain", "md5$abc$def", "pbkdf2_sha256$x$y", None])
def test_a_malformed_or_unknown_hash_never_matches(encoded: str | None) -> None:
    assert not check_password("plain", encoded)


def test_an_unknown_algorithm_is_not_identified() -> None:
    with pytest.raises(ValueError, match="Unknown password hashing algorithm"):
        identify_hasher("md5$abc$def")


def test_raising_the_iterations_asks_for_a_rehash_on_check(settings: Any) -> None:
    encoded = make_password("secret")
    settings.PASSWORD_HASHERS = [STRONGER]
    assert must_update(encoded)
    updated: list[str] = []
    assert check_password("secret", encoded, setter=updated.append)
    assert updated == ["secret"]


def test_no_rehash_after_a_wrong_password(settings: Any) -> None:
    encoded = make_password("secret")
    settings.PASSWORD_HASHERS = [STRONGER]
    updated: list[str] = []
    assert not check_password("wrong", encoded, setter=updated.append)
    assert updated == []


def test_a_check_against_an_older_count_runs_the_missing_iterations(settings: Any) -> None:
    encoded = make_password("secret")
    settings.PASSWORD_HASHERS = [STRONGER]
    with mock.patch.object(PBKDF2PasswordHasher, "harden_runtime") as harden:
        check_password("wrong", encoded)
    harden.assert_called_once_with("wrong", encoded)


def test_an_unknown_user_costs_a_hash_of_the_preferred_hasher() -> None:
    with mock.patch.object(hashers, "make_password", wraps=make_password) as hashing:
        hashers.hash_dummy("guess")
    hashing.assert_called_once_with("guess")


def test_the_first_available_hasher_hashes_new_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = [
        "tests.core.auth.test_hashers.MissingLibraryHasher",
        "tests.core.auth.hashers.FastPBKDF2PasswordHasher",
    ]
    assert make_password("secret").startswith("pbkdf2_sha256$100$")


class MissingLibraryHasher(PBKDF2PasswordHasher):
    algorithm = "missing"
    library = "no_such_module_for_stoa_tests"


def test_argon2_hashes_name_argon2id(settings: Any) -> None:
    pytest.importorskip("argon2", reason="argon2-cffi is not installed")
    settings.PASSWORD_HASHERS = [FAST_ARGON2]
    encoded = make_password("secret")
    assert encoded.startswith("argon2$argon2id$v=19$m=64,t=1,p=1$")
    assert check_password("secret", encoded)
    assert not check_password("wrong", encoded)


def test_pbkdf2_hashes_still_verify_and_upgrade_to_argon2(settings: Any) -> None:
    pytest.importorskip("argon2", reason="argon2-cffi is not installed")
    old = make_password("secret")
    settings.PASSWORD_HASHERS = [FAST_ARGON2, "tests.core.auth.hashers.FastPBKDF2PasswordHasher"]
    updated: list[str] = []
    assert check_password("secret", old, setter=updated.append)
    assert updated == ["secret"]
    assert make_password("secret").startswith("argon2$")


def test_argon2_cost_changes_ask_for_a_rehash(settings: Any) -> None:
    pytest.importorskip("argon2", reason="argon2-cffi is not installed")
    settings.PASSWORD_HASHERS = [FAST_ARGON2]
    encoded = make_password("secret")
    assert not must_update(encoded)
    settings.PASSWORD_HASHERS = ["tests.core.auth.test_hashers.CostlierArgon2"]
    assert must_update(encoded)


class CostlierArgon2(hashers.Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 64
    parallelism = 1
