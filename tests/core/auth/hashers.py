"""Cheap hashers for tests: the default 1,000,000 iterations would take seconds per login."""

from core.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 at 100 iterations: same format, verifies the same hashes."""

    iterations = 100


class StrongerPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 at 200 iterations: stands for a raised default."""

    iterations = 200


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with tiny costs (argon2-cffi must be installed to use it)."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
