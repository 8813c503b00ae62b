"""What `makemigrations` adds to Alembic's autogenerate: renames, rows that need a value, names.

Each function takes the `MigrationScript` that Alembic is about to render (from
`process_revision_directives`) and changes its operations in place.
"""

from __future__ import annotations

import ast
import datetime
import decimal
import enum
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import renderers
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import _repr_type
from alembic.operations import ops
from sqlalchemy import Column, MetaData

from orm.exceptions import MigrationError

VERSION_TABLE = "alembic_version"
# The longest name a migration gets from its description (Alembic's slug length).
NAME_LENGTH = 60

# Asks the user a yes/no question (the rename prompt); None means "never ask, say no".
Ask = Callable[[str], bool]
# Asks for a one-off value: (question, parse) -> the parsed value, or None to stop.
# `parse` turns the typed text into a value, or raises ValueError saying what is wrong.
AskValue = Callable[[str, Callable[[str], Any]], Any]


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Leave Alembic's own history table out of every comparison."""
    return not (type_ == "table" and name == VERSION_TABLE)


def compare_options() -> dict[str, Any]:
    """Return the comparison options that makemigrations, --check and `check` share."""
    return {
        "compare_type": True,
        "compare_server_default": True,
        "include_name": include_name,
    }


# -- renames -------------------------------------------------------------------------------


def detect_renames(script: Any, ask: Ask | None) -> None:
    """Turn "drop column a + add column b of the same type" into a rename, if confirmed."""
    renamed: dict[tuple[str, str], str] = {}
    for table_ops in script.upgrade_ops.ops:
        if not isinstance(table_ops, ops.ModifyTableOps):
            continue
        drops = [op for op in table_ops.ops if isinstance(op, ops.DropColumnOp)]
        adds = [op for op in table_ops.ops if isinstance(op, ops.AddColumnOp)]
        for drop in drops:
            old = drop.to_column()
            for add in adds:
                new = add.column
                if str(old.type) != str(new.type) or add not in table_ops.ops:
                    continue
                question = (
                    f"Was {table_ops.table_name}.{old.name} renamed to "
                    f"{table_ops.table_name}.{new.name} ({new.type})?"
                )
                if ask is None or not ask(question):
                    continue
                table_ops.ops.remove(add)
                index = table_ops.ops.index(drop)
                table_ops.ops[index] = ops.AlterColumnOp(
                    table_ops.table_name,
                    old.name,
                    schema=table_ops.schema,
                    modify_name=new.name,
                    existing_type=old.type,
                    existing_nullable=old.nullable,
                )
                renamed[(table_ops.table_name, old.name)] = new.name
                break
    if not renamed:
        return
    script.downgrade_ops = script.upgrade_ops.reverse()
    # Alembic's reverse keeps the old name; undoing a rename renames back.
    for table_ops in script.downgrade_ops.ops:
        for op in getattr(table_ops, "ops", []):
            key = (
                (table_ops.table_name, op.column_name)
                if isinstance(op, ops.AlterColumnOp)
                else None
            )
            if key in renamed and op.modify_name is None:
                op.column_name, op.modify_name = renamed[key], key[1]


# -- rows that need a value ----------------------------------------------------------------


class FillRowsOp(ops.MigrateOperation):
    """Set one column of the rows a table already has (all of them, or those holding NULL)."""

    def __init__(
        self,
        table_name: str,
        column: Column[Any],
        value: Any,
        *,
        schema: str | None,
        only_null: bool,
    ) -> None:
        self.table_name = table_name
        self.column_name = str(column.name)
        self.type = column.type
        self.value = value
        self.schema = schema
        self.only_null = only_null

    def reverse(self) -> FillRowsOp:
        # Undoing the schema change that needed the value is enough: the value goes with it.
        return self


@renderers.dispatch_for(FillRowsOp)
def _render_fill(context: AutogenContext, op: FillRowsOp) -> list[str]:
    literal = render_literal(op.value, context)
    schema = f", schema={op.schema!r}" if op.schema else ""
    # The column's type binds the value as the model would (a bool, a date, an enum).
    column = f"sa.column({op.column_name!r}, {_repr_type(op.type, context)})"
    table = f"sa.table({op.table_name!r}, {column}{schema})"
    statement = f"{table}.update()"
    if op.only_null:
        statement += f".where(sa.column({op.column_name!r}).is_(None))"
    which = "that hold NULL" if op.only_null else "that already exist"
    return [
        f"# Rows {which} get {literal} in {op.table_name}.{op.column_name}.",
        f"op.execute({statement}.values({{{op.column_name!r}: {literal}}}))",
    ]


def render_literal(value: Any, context: AutogenContext | None = None) -> str:
    """Return Python source for `value` that a migration can hold; ValueError if none."""
    namespace: dict[str, Any] = {"datetime": datetime, "decimal": decimal, "__builtins__": {}}
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} has no literal form")
    if isinstance(value, decimal.Decimal):
        text = f"decimal.Decimal({str(value)!r})"
    elif isinstance(value, bool | int | float | str | bytes | datetime.date | datetime.time):
        text = repr(value)
    else:
        raise ValueError(f"{type(value).__name__} values cannot be written into a migration")
    try:
        same = eval(text, namespace) == value  # noqa: S307 - our own repr, no builtins
    except Exception:  # noqa: BLE001 - any failure means "not a literal"
        same = False
    if not same:
        raise ValueError(f"{value!r} cannot be written into a migration")
    if context is not None:
        for module in ("datetime", "decimal"):
            if text.startswith(f"{module}."):
                context.imports.add(f"import {module}")
    return text


def parse_value_for(column: Column[Any]) -> Callable[[str], Any]:
    """Return a parser of a typed one-off value for `column` (a Python literal)."""

    def parse(text: str) -> Any:
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            raise ValueError(
                f"{text.strip()!r} is not a Python literal: write it as in Python, "
                f"e.g. 0, 'draft', True."
            ) from None
        if value is None:
            raise ValueError("the column is NOT NULL: None cannot fill it")
        expected = _python_type(column)
        if expected is not None and not _fits(value, expected):
            raise ValueError(f"{column.name} holds {expected.__name__} values, not {value!r}")
        render_literal(value)
        return value

    return parse


def _python_type(column: Column[Any]) -> type | None:
    if isinstance(column.type, sa.Enum):
        return str
    try:
        python_type: type = column.type.python_type
    except NotImplementedError:
        return None
    return python_type


def _fits(value: Any, expected: type) -> bool:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return True
    if expected is decimal.Decimal and isinstance(value, int | float):
        return not isinstance(value, bool)
    if expected is int and isinstance(value, bool):
        return False
    return isinstance(value, expected)


def model_default(column: Column[Any]) -> tuple[bool, Any]:
    """Return (True, value) when the model gives `column` a scalar default the rows can take."""
    default = column.default
    if default is None or not getattr(default, "is_scalar", False):
        return False, None
    value = default.arg  # type: ignore[attr-defined]
    if isinstance(value, enum.Enum) and isinstance(column.type, sa.Enum):
        value = _enum_database_value(column.type, value)
    try:
        render_literal(value)
    except ValueError:
        return False, None
    return True, value


def _enum_database_value(type_: sa.Enum, member: enum.Enum) -> Any:
    # SQLAlchemy stores an enum member by name unless values_callable says otherwise.
    if type_.enum_class is not None and type_.values_callable is not None:
        members = list(type_.enum_class)
        return type_.values_callable(type_.enum_class)[members.index(member)]
    return member.name


def fill_existing_rows(script: Any, metadata: MetaData, ask_value: AskValue | None) -> None:
    """Give a value to the rows a NOT NULL column reaches: a new one, or one losing NULL.

    A new NOT NULL column without a server default is added as nullable, the rows are set
    to the model's scalar default (or to a one-off value the user types), and the column
    is then made NOT NULL: the migration runs on a table that has rows, on every backend.
    """
    upgrade: list[Any] = []
    for table_ops in script.upgrade_ops.ops:
        if not isinstance(table_ops, ops.ModifyTableOps):
            upgrade.append(table_ops)
            continue
        upgrade.extend(_fill_table(table_ops, metadata, ask_value))
    script.upgrade_ops.ops[:] = upgrade


def _fill_table(
    table_ops: ops.ModifyTableOps, metadata: MetaData, ask_value: AskValue | None
) -> list[Any]:
    before: list[Any] = []
    fills: list[FillRowsOp] = []
    after: list[Any] = []
    name, schema = table_ops.table_name, table_ops.schema
    for op in table_ops.ops:
        if isinstance(op, ops.AddColumnOp) and _needs_rows_filled(op.column):
            value = _value_for(op.column, name, ask_value, new=True)
            nullable = op.column._copy()
            nullable.nullable = True
            before.append(ops.AddColumnOp(name, nullable, schema=schema))
            fills.append(FillRowsOp(name, op.column, value, schema=schema, only_null=False))
            after.append(
                ops.AlterColumnOp(
                    name,
                    op.column.name,
                    schema=schema,
                    modify_nullable=False,
                    existing_type=op.column.type,
                    existing_nullable=True,
                )
            )
        elif isinstance(op, ops.AlterColumnOp) and _loses_null(op):
            column = _model_column(metadata, name, schema, op.column_name)
            if column is None:
                before.append(op)
                continue
            value = _value_for(column, name, ask_value, new=False)
            fills.append(FillRowsOp(name, column, value, schema=schema, only_null=True))
            after.append(op)
        else:
            before.append(op)
    if not fills:
        return [table_ops]
    result: list[Any] = []
    if before:
        result.append(ops.ModifyTableOps(name, before, schema=schema))
    result.extend(fills)
    result.append(ops.ModifyTableOps(name, after, schema=schema))
    return result


def _needs_rows_filled(column: Column[Any]) -> bool:
    return not (
        column.nullable
        or column.primary_key
        or column.server_default is not None
        or column.computed is not None
        or column.identity is not None
    )


def _loses_null(op: ops.AlterColumnOp) -> bool:
    return (
        op.modify_nullable is False
        and op.existing_nullable is not False
        and op.modify_server_default in (False, None)
        and op.existing_server_default in (False, None)
    )


def _model_column(
    metadata: MetaData, table: str, schema: str | None, column: str
) -> Column[Any] | None:
    found = metadata.tables.get(f"{schema}.{table}" if schema else table)
    return found.c.get(column) if found is not None else None


def _value_for(column: Column[Any], table: str, ask_value: AskValue | None, *, new: bool) -> Any:
    has_default, value = model_default(column)
    if has_default:
        return value
    where = f"{table}.{column.name}"
    situation = (
        f"{where} is a new NOT NULL column without a default, and rows that already exist "
        f"need a value"
        if new
        else f"{where} becomes NOT NULL without a default, and rows that hold NULL need a value"
    )
    fix = (
        "give it a default in the model (mapped_column(default=...)) or make it nullable, "
        "then run makemigrations again"
    )
    if ask_value is None:
        raise MigrationError(
            f"{situation}: {fix}, or run makemigrations without --noinput to type a one-off value."
        )
    answer = ask_value(
        f"{situation}.\nType a one-off value for them (a Python literal such as 0, '' or "
        f"False), or nothing to stop: ",
        parse_value_for(column),
    )
    if answer is None:
        raise MigrationError(f"Stopped: {fix}.")
    return answer


# -- describing changes --------------------------------------------------------------------


def summarize(diffs: list[Any]) -> list[str]:
    """Describe autogenerate's differences, one short line each: "add_column article.extra"."""
    words = []
    for diff in diffs:
        item = diff[0] if isinstance(diff, list) and diff else diff
        if not isinstance(item, tuple) or not item:
            continue
        kind, *rest = item
        table = next((part for part in rest if isinstance(part, str)), "")
        named = next((str(part.name) for part in rest if getattr(part, "name", None)), "")
        if not named and isinstance(diff, list) and len(item) > 3 and isinstance(item[3], str):
            named = item[3]  # modify_* entries: (kind, schema, table, column, ...)
        target = f"{table}.{named}" if table and named and named != table else named or table
        words.append(f"{kind} {target}".strip())
    return words


def describe(upgrade_ops: Any, *, first: bool) -> str:
    """Name a migration after what it does: "add article published rank"."""
    if first:
        return "initial"
    phrases: list[list[str]] = []
    for verb, table, detail in _changes(upgrade_ops):
        last = phrases[-1] if phrases else None
        if last is not None and last[:2] == [verb, table] and detail:
            last.append(detail)
        else:
            phrases.append([verb, table] + ([detail] if detail else []))
    said = [re.sub(r"\s+", " ", " ".join(words)) for words in phrases]
    said = list(dict.fromkeys(said)) or ["auto"]
    text = said[0] if len(said[0]) <= NAME_LENGTH else said[0][:NAME_LENGTH].rsplit(" ", 1)[0]
    for index, phrase in enumerate(said[1:], start=1):
        more = " and more" if index < len(said) - 1 else ""
        if len(f"{text} and {phrase}{more}") > NAME_LENGTH:
            return f"{text} and more"
        text = f"{text} and {phrase}"
    return text


def _changes(upgrade_ops: Any) -> Iterator[tuple[str, str, str]]:
    for op in upgrade_ops.ops:
        if isinstance(op, ops.CreateTableOp):
            yield "create", op.table_name, ""
        elif isinstance(op, ops.DropTableOp):
            yield "drop", op.table_name, ""
        elif isinstance(op, ops.ModifyTableOps):
            for sub in op.ops:
                if isinstance(sub, ops.AddColumnOp):
                    yield "add", op.table_name, str(sub.column.name)
                elif isinstance(sub, ops.DropColumnOp):
                    yield "remove", op.table_name, sub.column_name
                elif isinstance(sub, ops.AlterColumnOp) and sub.modify_name:
                    yield "rename", op.table_name, sub.column_name
                elif isinstance(sub, ops.AlterColumnOp):
                    yield "alter", op.table_name, sub.column_name
                else:
                    yield "alter", op.table_name, ""


def refuse_dropping_everything(script: Any, metadata: MetaData) -> None:
    """Stop a migration that would drop every table because no model was imported."""
    drops = [op for op in script.upgrade_ops.ops if isinstance(op, ops.DropTableOp)]
    if drops and not metadata.tables:
        names = ", ".join(op.table_name for op in drops[:5])
        raise MigrationError(
            f"This migration would drop every table ({names}...) because no model is "
            f"known: check INSTALLED_APPS and that each app's models are importable. "
            f"Pass --force if you really mean it."
        )
