"""Password hashing: encoded hashes that name their algorithm, checked in constant time.

    encoded = make_password("correct horse")   # "argon2$argon2id$v=19$..." or
                                               # "pbkdf2_sha256$1000000$<salt>$<hash>"
    check_password("correct horse", encoded)   # True

PASSWORD_HASHERS lists hasher classes, preferred first: the first one whose library is
installed hashes new passwords; every listed one verifies the hashes it made, so old
hashes keep working and are upgraded on the next successful login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import importlib.util
import secrets
import string
from collections.abc import Callable
from typing import Any

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.utils import import_string

# An unusable password starts with this, which no hasher's algorithm name does.
UNUSABLE_PASSWORD_PREFIX = "!"  # noqa: S105 (a marker, not a password)
UNUSABLE_PASSWORD_SUFFIX_LENGTH = 40
_SALT_ALPHABET = string.ascii_letters + string.digits


def random_string(length: int) -> str:
    """Return a random string of letters and digits from the system's CSPRNG."""
    return "".join(secrets.choice(_SALT_ALPHABET) for _ in range(length))


class BasePasswordHasher:
    """The interface of a hasher; subclasses set `algorithm` and implement the methods."""

    algorithm = ""
    # The module a hasher needs beyond the standard library (None: none).
    library: str | None = None
    # 22 characters of 62 give more than 128 bits of salt.
    salt_length = 22

    @classmethod
    def is_available(cls) -> bool:
        """Say whether the hasher's library is installed."""
        return cls.library is None or importlib.util.find_spec(cls.library) is not None

    def salt(self) -> str:
        """Return a new random salt."""
        return random_string(self.salt_length)

    def encode(self, password: str, salt: str) -> str:
        """Hash `password` with `salt` and return the encoded hash."""
        raise NotImplementedError

    def verify(self, password: str, encoded: str) -> bool:
        """Say whether `password` matches `encoded`, in time independent of where they differ."""
        raise NotImplementedError

    def decode(self, encoded: str) -> dict[str, Any]:
        """Return the parts of an encoded hash (algorithm, salt, parameters)."""
        raise NotImplementedError

    def must_update(self, encoded: str) -> bool:
        """Say whether `encoded` was made with other parameters than the current ones."""
        return False

    def harden_runtime(self, password: str, encoded: str) -> None:
        """Spend the work a check at the current parameters would take beyond `encoded`'s.

        A failed check against an old, cheaper hash would otherwise be measurably faster
        than one against a current hash.
        """


class PBKDF2PasswordHasher(BasePasswordHasher):
    """PBKDF2 with HMAC-SHA256 (hashlib.pbkdf2_hmac): `pbkdf2_sha256$<iterations>$<salt>$<hash>`."""

    algorithm = "pbkdf2_sha256"
    iterations = 1_000_000
    digest = "sha256"

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        """Hash `password` with `salt` at `iterations` (default: the class's)."""
        if not salt or "$" in salt:
            raise ValueError("A PBKDF2 salt must be non-empty and free of '$'.")
        iterations = iterations or self.iterations
        derived = hashlib.pbkdf2_hmac(self.digest, password.encode(), salt.encode(), iterations)
        encoded_hash = base64.b64encode(derived).decode("ascii")
        return f"{self.algorithm}${iterations}${salt}${encoded_hash}"

    def decode(self, encoded: str) -> dict[str, Any]:
        """Split an encoded hash into algorithm, iterations, salt and hash."""
        parts = encoded.split("$", 3)
        if len(parts) != 4:
            raise ValueError(f"Not a {self.algorithm} hash.")
        algorithm, iterations, salt, hashed = parts
        if algorithm != self.algorithm:
            raise ValueError(f"Not a {self.algorithm} hash.")
        return {
            "algorithm": algorithm,
            "iterations": int(iterations),
            "salt": salt,
            "hash": hashed,
        }

    def verify(self, password: str, encoded: str) -> bool:
        """Re-hash `password` like `encoded` was; compare the two in constant time."""
        try:
            decoded = self.decode(encoded)
        except ValueError:
            return False
        if decoded["iterations"] < 1:
            return False
        candidate = self.encode(password, decoded["salt"], decoded["iterations"])
        return hmac.compare_digest(encoded.encode(), candidate.encode())

    def must_update(self, encoded: str) -> bool:
        """Say whether `encoded` used another iteration count than `iterations`."""
        try:
            return bool(self.decode(encoded)["iterations"] != self.iterations)
        except ValueError:
            return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        """Run the iterations that `encoded` has fewer than the current count."""
        try:
            decoded = self.decode(encoded)
        except ValueError:
            return
        extra = self.iterations - decoded["iterations"]
        if extra > 0:
            self.encode(password, decoded["salt"], extra)


class Argon2PasswordHasher(BasePasswordHasher):
    """Argon2id through argon2-cffi (`pip install 'stoa[argon2]'`): `argon2$argon2id$v=19$...`.

    The parameters are argon2-cffi's defaults (RFC 9106's low-memory profile); raise
    them in a subclass listed in PASSWORD_HASHERS, and hashes are upgraded on login.
    """

    algorithm = "argon2"
    library = "argon2"
    time_cost = 3
    memory_cost = 65536  # KiB
    parallelism = 4

    def _hasher(self) -> Any:
        try:
            argon2 = importlib.import_module("argon2")
        except ImportError:
            raise ImproperlyConfigured(
                "An Argon2 password hash needs argon2-cffi: pip install 'stoa[argon2]' "
                "(or argon2-cffi), or take Argon2PasswordHasher out of PASSWORD_HASHERS."
            ) from None
        return argon2.PasswordHasher(
            time_cost=self.time_cost,
            memory_cost=self.memory_cost,
            parallelism=self.parallelism,
            type=argon2.Type.ID,
        )

    def encode(self, password: str, salt: str) -> str:
        """Hash `password` (argon2-cffi draws its own random salt; `salt` is unused)."""
        hashed: str = self._hasher().hash(password)
        return self.algorithm + hashed

    def decode(self, encoded: str) -> dict[str, Any]:
        """Split an encoded hash into its variety, version, parameters, salt and hash."""
        algorithm, rest = encoded.split("$", 1)
        if algorithm != self.algorithm:
            raise ValueError(f"Not an {self.algorithm} hash.")
        variety, version, params, salt, hashed = rest.lstrip("$").split("$")
        parameters = dict(item.split("=", 1) for item in params.split(","))
        return {
            "algorithm": algorithm,
            "variety": variety,
            "version": version,
            "memory_cost": int(parameters["m"]),
            "time_cost": int(parameters["t"]),
            "parallelism": int(parameters["p"]),
            "salt": salt,
            "hash": hashed,
        }

    def verify(self, password: str, encoded: str) -> bool:
        """Check `password` with argon2-cffi (its comparison is constant-time)."""
        argon2 = importlib.import_module("argon2")
        algorithm, _, rest = encoded.partition("$")
        if algorithm != self.algorithm:
            return False
        try:
            return bool(self._hasher().verify("$" + rest, password))
        except argon2.exceptions.VerificationError:
            return False
        except argon2.exceptions.InvalidHashError:
            return False

    def must_update(self, encoded: str) -> bool:
        """Say whether `encoded` is not Argon2id or used other cost parameters."""
        try:
            decoded = self.decode(encoded)
        except (ValueError, KeyError):
            return True
        current = (self.time_cost, self.memory_cost, self.parallelism)
        used = (decoded["time_cost"], decoded["memory_cost"], decoded["parallelism"])
        return decoded["variety"] != "argon2id" or used != current


_hasher_cache: dict[tuple[str, ...], list[BasePasswordHasher]] = {}


def get_hashers() -> list[BasePasswordHasher]:
    """Return an instance of each hasher in PASSWORD_HASHERS, in order."""
    paths = tuple(settings.PASSWORD_HASHERS)
    hashers = _hasher_cache.get(paths)
    if hashers is None:
        if not paths:
            raise ImproperlyConfigured("PASSWORD_HASHERS is empty: list at least one hasher.")
        hashers = []
        for path in paths:
            hasher_class = import_string(path, setting="PASSWORD_HASHERS")
            hasher = hasher_class()
            if not getattr(hasher, "algorithm", ""):
                raise ImproperlyConfigured(
                    f"The hasher {path!r} (listed in PASSWORD_HASHERS) has no algorithm name."
                )
            hashers.append(hasher)
        _hasher_cache[paths] = hashers
    return hashers


def get_hasher(algorithm: str = "default") -> BasePasswordHasher:
    """Return the preferred hasher ("default"), or the listed one named `algorithm`."""
    hashers = get_hashers()
    if algorithm == "default":
        for hasher in hashers:
            if hasher.is_available():
                return hasher
        names = ", ".join(type(hasher).__name__ for hasher in hashers)
        raise ImproperlyConfigured(
            f"None of the PASSWORD_HASHERS can run here ({names}): install their libraries, "
            f"or add 'core.auth.hashers.PBKDF2PasswordHasher'."
        )
    for hasher in hashers:
        if hasher.algorithm == algorithm:
            return hasher
    raise ValueError(
        f"Unknown password hashing algorithm {algorithm!r}: is it in PASSWORD_HASHERS?"
    )


def identify_hasher(encoded: str) -> BasePasswordHasher:
    """Return the hasher that made `encoded` (ValueError if none of the listed ones did)."""
    if not encoded or not is_password_usable(encoded) or "$" not in encoded:
        raise ValueError("Not a password hash.")
    return get_hasher(encoded.split("$", 1)[0])


def is_password_usable(encoded: str | None) -> bool:
    """Say whether `encoded` can match a password (False for set_unusable_password())."""
    return encoded is not None and not encoded.startswith(UNUSABLE_PASSWORD_PREFIX)


def make_password(
    password: str | None, salt: str | None = None, hasher: str | BasePasswordHasher = "default"
) -> str:
    """Hash `password` with the preferred hasher; None gives an unusable password."""
    if password is None:
        return UNUSABLE_PASSWORD_PREFIX + random_string(UNUSABLE_PASSWORD_SUFFIX_LENGTH)
    if not isinstance(password, str):
        raise TypeError(f"A password must be a str, not {type(password).__name__}.")
    chosen = get_hasher(hasher) if isinstance(hasher, str) else hasher
    return chosen.encode(password, salt or chosen.salt())


def hash_dummy(password: str) -> None:
    """Hash `password` with the preferred hasher and throw the result away.

    Checking the password of a user that does not exist does this, so that it costs
    what checking a real user's does and timing does not tell which usernames exist.
    """
    make_password(password)


def check_password(
    password: str | None,
    encoded: str | None,
    setter: Callable[[str], None] | None = None,
    preferred: str = "default",
) -> bool:
    """Say whether `password` matches `encoded`; call `setter(password)` if it must be rehashed.

    A hash made by another hasher than the preferred one, or with other parameters,
    is upgraded through `setter` after a successful check.
    """
    if password is None or not is_password_usable(encoded):
        hash_dummy(password or "")
        return False
    assert encoded is not None  # is_password_usable() said so
    preferred_hasher = get_hasher(preferred)
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        hash_dummy(password)
        return False
    hasher_changed = hasher.algorithm != preferred_hasher.algorithm
    must_update = hasher_changed or preferred_hasher.must_update(encoded)
    is_correct = hasher.verify(password, encoded)
    # Close the gap between a check against an old, cheaper hash and a current one.
    if not is_correct and not hasher_changed and must_update:
        preferred_hasher.harden_runtime(password, encoded)
    if setter is not None and is_correct and must_update:
        setter(password)
    return is_correct


def must_update(encoded: str) -> bool:
    """Say whether `encoded` should be rehashed with the preferred hasher and parameters."""
    try:
        hasher = identify_hasher(encoded)
    except ValueError:
        return False
    preferred = get_hasher()
    return hasher.algorithm != preferred.algorithm or preferred.must_update(encoded)


__all__ = [
    "UNUSABLE_PASSWORD_PREFIX",
    "Argon2PasswordHasher",
    "BasePasswordHasher",
    "PBKDF2PasswordHasher",
    "check_password",
    "get_hasher",
    "get_hashers",
    "hash_dummy",
    "identify_hasher",
    "is_password_usable",
    "make_password",
    "must_update",
]
