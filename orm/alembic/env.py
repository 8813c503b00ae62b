"""Alembic's environment for every Stoa project: the engine and metadata come from code."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from orm.migrations.autogenerate import compare_options

config = context.config
metadata = config.attributes["metadata"]


def _options(dialect_name: str) -> dict[str, Any]:
    sqlite = dialect_name == "sqlite"
    return {
        "target_metadata": metadata,
        **compare_options(),
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        "render_as_batch": sqlite,
        # One transaction per migration: a failure keeps every earlier one applied.
        "transaction_per_migration": True,
        # Stoa's SQLite connections issue a real BEGIN, so their DDL is transactional too.
        "transactional_ddl": True if sqlite else None,
        "on_version_apply": config.attributes.get("on_version_apply_hook"),
    }


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = config.attributes["engine"]
    options = {k: v for k, v in _options(engine.dialect.name).items() if v is not None}
    options.pop("on_version_apply", None)
    context.configure(url=url, literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    shared = config.attributes.get("connection")
    if shared is not None:
        # A caller's connection, in a transaction it will commit or roll back itself.
        _run(shared)
        return
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        _run(connection)


def _run(connection: Connection) -> None:
    options = {k: v for k, v in _options(connection.dialect.name).items() if v is not None}
    if "on_version_apply" in options:
        hook = options.pop("on_version_apply")
        options["on_version_apply"] = lambda ctx, step, heads, run_args: hook(step)
    context.configure(connection=connection, **options)
    sqlite = connection.dialect.name == "sqlite"
    raw: Any = connection.connection.driver_connection
    if sqlite:
        # Batch migrations copy tables; enforcing foreign keys meanwhile would break them.
        # The pragma only takes effect outside a transaction, hence the driver connection.
        raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if sqlite:
            raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_offline()
else:
    run_online()
