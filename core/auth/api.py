"""Log users in and out: `authenticate()`, `login()`, `logout()`, `get_user()`.

    user = authenticate(request, username=..., password=...)
    if user is not None:
        login(request, user)

The session keeps the user's id and an HMAC of the password hash and of the user's
session version: changing the password (or deactivating the user) ends every other
session of that user, and so does `end_sessions()`, which raises the version. Logging
out ends the session in storage; with signed cookies, which have no storage, it ends
the user's sessions through the version.
"""

from __future__ import annotations

import hmac
import importlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session, object_session

from core.conf import settings
from core.exceptions import ImproperlyConfigured
from core.utils import import_string

if TYPE_CHECKING:
    from core.auth.models import AnonymousUser
    from core.http import Request

SESSION_KEY = "_auth_user_id"
HASH_SESSION_KEY = "_auth_user_hash"


def get_user_model() -> Any:
    """Return the user model named by AUTH_USER_MODEL."""
    path = settings.AUTH_USER_MODEL
    model = import_string(path, setting="AUTH_USER_MODEL")
    if not isinstance(model, type) or not hasattr(model, "__table__"):
        raise ImproperlyConfigured(
            f"AUTH_USER_MODEL is {path!r}, which is not a model: name a concrete subclass "
            f"of core.auth.models.AbstractUser."
        )
    module = model.__module__
    if not any(module == app or module.startswith(f"{app}.") for app in settings.INSTALLED_APPS):
        app = module.removesuffix(".models")
        raise ImproperlyConfigured(
            f"AUTH_USER_MODEL is {path!r}, but its app {app!r} is not in INSTALLED_APPS: "
            f"add it, then run makemigrations and migrate."
        )
    return model


def _get_session() -> Session:
    from orm import get_session

    return get_session()


def authenticate(request: Request | None, username: str | None, password: str | None) -> Any:
    """Return the active user with this username and password, or None.

    An unknown username costs the same password hashing as a wrong password, so the
    time taken does not tell whether a username exists. Inactive users are refused.
    """
    if username is None or password is None:
        return None
    model = get_user_model()
    column = getattr(model, model.USERNAME_FIELD)
    query = select(model).where(column == model.normalize_username(username))
    user = _get_session().scalars(query).first()
    if user is None:
        from core.auth.hashers import hash_dummy

        hash_dummy(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def login(request: Request, user: Any) -> None:
    """Log `user` in: a new session key, the user's id and hash in it, a new CSRF secret."""
    user = unwrap_user(user)
    session = request.session
    if SESSION_KEY in session and (
        str(session[SESSION_KEY]) != _pk_string(user)
        or not _hash_matches(user, session.get(HASH_SESSION_KEY))
    ):
        # Someone else's session (or a stale one of this user): nothing of it may carry over.
        session.flush()
    # A new key defeats session fixation: a key planted before login is worthless after.
    session.cycle_key()
    session[SESSION_KEY] = _pk_string(user)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    _rotate_csrf_token(request)
    request.user = user
    _update_last_login(user)


def logout(request: Request) -> None:
    """End the session on the server and make the request's user anonymous.

    A backend that keeps sessions (database, Redis) deletes this one. Signed cookies keep
    nothing to delete, so the user's session version is raised instead: every copy of a
    cookie of this user, this browser's or another's, is anonymous afterwards.
    """
    from core.auth.models import AnonymousUser

    session = request.session
    if not session.revocable and SESSION_KEY in session:
        user = unwrap_user(getattr(request, "user", None) or get_user(request))
        if getattr(user, "is_authenticated", False):
            end_sessions(user)
    session.flush()
    request.user = AnonymousUser()


def end_sessions(user: Any) -> None:
    """End every session of `user`, whatever the backend: raise its session version.

    The sessions keep a hash of the version (see `get_session_auth_hash()`), which no
    longer matches when the user is next loaded from them. The change is written with
    the user's session (the request's, committed with a successful response) or, for a
    user loaded elsewhere, at once.
    """
    user = unwrap_user(user)
    model = type(user)
    # In SQL, so that concurrent logouts each raise it.
    raised = model.session_version + 1
    session = object_session(user)
    if session is not None:
        user.session_version = raised
        session.flush()  # read back (expired) on next use, never as the expression
        return
    from orm.session import session_scope

    pk = inspect(model).primary_key[0]
    with session_scope() as own:
        own.execute(update(model).where(pk == getattr(user, pk.key)).values(session_version=raised))
    user.session_version = (user.session_version or 0) + 1


def get_user(request: Request) -> Any:
    """Return the user the request's session belongs to, or an AnonymousUser.

    A session whose user is gone, inactive, or whose password changed since login is
    flushed.
    """
    from core.auth.models import AnonymousUser

    session = request.session
    raw_id = session.get(SESSION_KEY)
    if raw_id is None:
        return AnonymousUser()
    user = load_user(raw_id)
    session_hash = session.get(HASH_SESSION_KEY)
    if user is None or not user.is_active or not _hash_matches(user, session_hash):
        session.flush()
        return AnonymousUser()
    current = user.get_session_auth_hash()
    if not hmac.compare_digest(str(session_hash), current):
        # Verified with a fallback SECRET_KEY: move the session to the current key.
        session[HASH_SESSION_KEY] = current
    return user


def load_user(raw_id: object) -> Any:
    """Return the user with primary key `raw_id` (as stored in a session), or None.

    In a request (DatabaseMiddleware) the request's session loads it; elsewhere a short
    session of its own does, which also loads the permissions before it closes.
    """
    from orm.models import coerce_for_column
    from orm.session import current_scope, session_scope

    model = get_user_model()
    pk_column = inspect(model).primary_key[0]
    try:
        pk = coerce_for_column(pk_column, raw_id)
    except ValueError:
        return None
    if current_scope().request:
        return current_scope().session.get(model, pk)
    with session_scope(commit=False, immediate=False) as session:
        user = session.get(model, pk)
        if user is not None and user.is_active and hasattr(user, "get_all_permissions"):
            user.get_all_permissions()  # fills the cache while a session is there
        return user


def update_session_auth_hash(request: Request, user: Any) -> None:
    """Keep `user` logged in on this request's session after a password change.

    Other sessions of the user, which hold the old hash, are logged out.
    """
    request.session.cycle_key()
    current = getattr(request, "user", None)
    if getattr(current, "id", None) is not None and _pk_string(current) == _pk_string(user):
        request.session[HASH_SESSION_KEY] = user.get_session_auth_hash()


def unwrap_user(user: Any) -> Any:
    """Return the user behind request.user's lazy stand-in (or `user` itself)."""
    from core.middleware.auth import LazyUser

    # type(), not isinstance(): the stand-in reports the user's class to isinstance().
    return user.resolve() if type(user) is LazyUser else user


def _pk_string(user: Any) -> str:
    user = unwrap_user(user)
    pk = inspect(type(user)).primary_key[0].key
    value = getattr(user, pk)
    if value is None:
        raise ValueError(f"{user!r} has no primary key yet: add it to a session and flush first.")
    return str(value)


def _hash_matches(user: Any, session_hash: object) -> bool:
    if not isinstance(session_hash, str) or not session_hash:
        return False
    candidates = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hashes()]
    # Compare with every candidate, so the time does not tell which one matched.
    matches = [hmac.compare_digest(session_hash, candidate) for candidate in candidates]
    return any(matches)


def _rotate_csrf_token(request: Request) -> None:
    try:
        csrf = importlib.import_module("core.csrf")
    except ModuleNotFoundError as exc:
        if exc.name != "core.csrf":
            raise
        return
    csrf.rotate_token(request)


def _update_last_login(user: Any) -> None:
    if not hasattr(user, "last_login"):
        return
    now = datetime.now(UTC)
    if object_session(user) is not None:
        user.last_login = now
        return
    # A user loaded elsewhere (a closed session): write the column directly.
    from orm.session import session_scope

    model = type(user)
    pk = inspect(model).primary_key[0]
    with session_scope() as session:
        session.execute(update(model).where(pk == getattr(user, pk.key)).values(last_login=now))
    user.last_login = now


def anonymous_user() -> AnonymousUser:
    """Return a new AnonymousUser."""
    from core.auth.models import AnonymousUser

    return AnonymousUser()


__all__ = [
    "HASH_SESSION_KEY",
    "SESSION_KEY",
    "anonymous_user",
    "authenticate",
    "end_sessions",
    "get_user",
    "get_user_model",
    "load_user",
    "login",
    "logout",
    "unwrap_user",
    "update_session_auth_hash",
]
