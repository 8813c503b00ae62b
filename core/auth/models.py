"""Users, groups and permissions: the models of the `core.auth` app.

List "core.auth" in INSTALLED_APPS and run makemigrations: the tables are auth_user,
auth_group, auth_permission and the association tables auth_user_groups,
auth_user_permissions and auth_group_permissions. The `auth_` prefix keeps them clear of
SQL's reserved words USER and GROUP, and of a project's own `User` model.

A project with its own user model subclasses `AbstractUser` and names it in
AUTH_USER_MODEL; it gets `<its table>_groups` and `<its table>_permissions` tables.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import Column, DateTime, ForeignKey, String, Table, select
from sqlalchemy.orm import (
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    object_session,
    relationship,
)

from core.auth import hashers
from orm.models import Model, table_name_for


def _now() -> datetime:
    return datetime.now(UTC)


class Permission(Model):
    """A permission, named `<app label>.<action>_<model>`: "blog.change_article"."""

    __tablename__ = "auth_permission"

    id: Mapped[int] = mapped_column(primary_key=True)
    codename: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255), default="")

    def __str__(self) -> str:
        return self.codename


group_permissions = Table(
    "auth_group_permissions",
    Model.metadata,
    Column("group_id", ForeignKey("auth_group.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", ForeignKey("auth_permission.id", ondelete="CASCADE"), primary_key=True),
)


class Group(Model):
    """A named set of permissions given to every user in it."""

    __tablename__ = "auth_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    permissions: Mapped[list[Permission]] = relationship(secondary=group_permissions)

    def __str__(self) -> str:
        return self.name


def _association(user_class: Any, suffix: str, column: str, target: str) -> Table:
    table = user_class.__dict__.get("__tablename__") or table_name_for(user_class.__name__)
    return Table(
        f"{table}_{suffix}",
        user_class.metadata,
        Column("user_id", ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True),
    )


class AbstractUser(Model):
    """The columns and behaviour of a user; subclass it for a project's own user model.

    class Member(AbstractUser):
        nickname: Mapped[str] = mapped_column(String(50), default="")

    AUTH_USER_MODEL = "accounts.models.Member"
    """

    __abstract__ = True

    # The column that identifies a user at login.
    USERNAME_FIELD: ClassVar[str] = "username"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    password: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    is_staff: Mapped[bool] = mapped_column(default=False)
    is_superuser: Mapped[bool] = mapped_column(default=False)
    last_login: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    date_joined: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # Raised to end every session of the user (logout with signed-cookie sessions).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @declared_attr
    def groups(cls) -> Mapped[list[Group]]:  # noqa: N805 (a declarative attribute)
        """The groups the user is in."""
        return relationship(secondary=_association(cls, "groups", "group_id", "auth_group"))

    @declared_attr
    def user_permissions(cls) -> Mapped[list[Permission]]:  # noqa: N805
        """The permissions given to the user directly (not through a group)."""
        table = _association(cls, "permissions", "permission_id", "auth_permission")
        return relationship(secondary=table)

    def __str__(self) -> str:
        return self.get_username()

    # Identity

    @property
    def is_authenticated(self) -> bool:
        """Always True: a user object is a logged-in (or at least identified) user."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Always False (see AnonymousUser)."""
        return False

    def get_username(self) -> str:
        """Return the value of the USERNAME_FIELD column."""
        return str(getattr(self, self.USERNAME_FIELD))

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Return `username` in Unicode NFKC form, so look-alike spellings are one name."""
        return unicodedata.normalize("NFKC", username)

    @classmethod
    def create_user(
        cls,
        username: str,
        password: str | None = None,
        *,
        session: Session | None = None,
        **fields: Any,
    ) -> Any:
        """Create, add and flush a user (in the current session unless given one)."""
        if not username:
            raise ValueError("A user needs a username.")
        user = cls(**{cls.USERNAME_FIELD: cls.normalize_username(username)}, **fields)
        user.set_password(password)
        if session is None:
            from orm import get_session

            session = get_session()
        session.add(user)
        session.flush()
        return user

    @classmethod
    def create_superuser(cls, username: str, password: str | None = None, **fields: Any) -> Any:
        """Create a user with is_staff and is_superuser set."""
        fields.update(is_staff=True, is_superuser=True)
        return cls.create_user(username, password, **fields)

    # Passwords

    def set_password(self, raw_password: str | None) -> None:
        """Store a hash of `raw_password` (None: an unusable password)."""
        self.password = hashers.make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        """Say whether `raw_password` is right; rehash it if the preferred hasher changed.

        The new hash is set on the object: the session it belongs to writes it on commit
        (the request's, when DatabaseMiddleware is on).
        """

        def setter(password: str) -> None:
            self.set_password(password)

        return hashers.check_password(raw_password, self.password, setter)

    def set_unusable_password(self) -> None:
        """Make every password check fail (for accounts that log in another way)."""
        self.set_password(None)

    def has_usable_password(self) -> bool:
        """Say whether a password can log this user in."""
        return hashers.is_password_usable(self.password)

    def get_session_auth_hash(self) -> str:
        """Return an HMAC of the password hash and session version, which sessions keep.

        A new password, or a raised `session_version`, voids every session holding the old.
        """
        return _salted_hmac(self._session_auth_value(), _secret_keys()[0])

    def get_session_auth_fallback_hashes(self) -> Iterator[str]:
        """Yield the session hash under each of SECRET_KEY_FALLBACKS (for key rotation)."""
        value = self._session_auth_value()
        for key in _secret_keys()[1:]:
            yield _salted_hmac(value, key)

    def _session_auth_value(self) -> str:
        # Version 0 hashes the password hash alone, as before the version existed, so
        # upgrading logs nobody out.
        version = self.session_version or 0
        return f"{self.password}\x00{version}" if version else self.password

    # Permissions

    def get_user_permissions(self) -> set[str]:
        """Return the codenames of the permissions given to the user directly."""
        if not self.is_active:
            return set()
        return {permission.codename for permission in self.user_permissions}

    def get_group_permissions(self) -> set[str]:
        """Return the codenames of the permissions the user has through groups."""
        if not self.is_active:
            return set()
        return {permission.codename for group in self.groups for permission in group.permissions}

    def get_all_permissions(self) -> set[str]:
        """Return every permission codename the user has (all of them for a superuser)."""
        if not self.is_active:
            return set()
        cached: set[str] | None = self.__dict__.get("_stoa_perm_cache")
        if cached is None:
            if self.is_superuser:
                cached = self._every_permission()
            else:
                cached = self.get_user_permissions() | self.get_group_permissions()
            self.__dict__["_stoa_perm_cache"] = cached
        return set(cached)

    def _every_permission(self) -> set[str]:
        session = object_session(self)
        if session is None:
            from orm import get_session

            session = get_session()
        return set(session.scalars(select(Permission.codename)))

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Say whether the user has the permission `perm` ("blog.change_article")."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return perm in self.get_all_permissions()

    def has_perms(self, perm_list: Iterable[str], obj: object = None) -> bool:
        """Say whether the user has every permission in `perm_list`."""
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        """Say whether the user has any permission of the app `app_label`."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions())


class User(AbstractUser):
    """The default user model (AUTH_USER_MODEL = "core.auth.models.User")."""

    __tablename__ = "auth_user"


class AnonymousUser:
    """The user of a request that is not logged in: no id, no permissions."""

    id = None
    pk = None
    username = ""
    email = ""
    is_active = False
    is_staff = False
    is_superuser = False
    last_login = None

    @property
    def is_authenticated(self) -> bool:
        """Always False."""
        return False

    @property
    def is_anonymous(self) -> bool:
        """Always True."""
        return True

    def __str__(self) -> str:
        return "AnonymousUser"

    def __repr__(self) -> str:
        return "<AnonymousUser>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AnonymousUser)

    def __hash__(self) -> int:
        return 1

    def get_username(self) -> str:
        """Return ""."""
        return self.username

    def check_password(self, raw_password: str) -> bool:
        """Always False."""
        return False

    def get_user_permissions(self) -> set[str]:
        """Return no permissions."""
        return set()

    def get_group_permissions(self) -> set[str]:
        """Return no permissions."""
        return set()

    def get_all_permissions(self) -> set[str]:
        """Return no permissions."""
        return set()

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Always False."""
        return False

    def has_perms(self, perm_list: Iterable[str], obj: object = None) -> bool:
        """Always False."""
        return False

    def has_module_perms(self, app_label: str) -> bool:
        """Always False."""
        return False


_SESSION_HASH_SALT = b"core.auth.models.AbstractUser.get_session_auth_hash"


def _secret_keys() -> list[str]:
    from core.conf import settings

    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _salted_hmac(value: str, secret: str) -> str:
    # The key is derived per purpose so this HMAC can never be replayed as another
    # signature made with the same SECRET_KEY.
    key = hashlib.sha256(_SESSION_HASH_SALT + secret.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


__all__ = ["AbstractUser", "AnonymousUser", "Group", "Permission", "User", "group_permissions"]
