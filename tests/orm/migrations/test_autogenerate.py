"""The pieces makemigrations adds to autogenerate: literals, one-off values, defaults, names."""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import ops

from orm.migrations.autogenerate import (
    describe,
    model_default,
    parse_value_for,
    render_literal,
)


class Colour(enum.Enum):
    RED = "r"
    BLUE = "b"


@pytest.mark.parametrize(
    ("value", "source"),
    [
        (False, "False"),
        (7, "7"),
        (1.5, "1.5"),
        ("it's", '"it\'s"'),
        (decimal.Decimal("1.10"), "decimal.Decimal('1.10')"),
        (datetime.date(2026, 12, 3), "datetime.date(2026, 12, 3)"),
        (
            datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC),
            "datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)",
        ),
    ],
)
def test_render_literal_writes_python_that_evaluates_to_the_value(value: Any, source: str) -> None:
    assert render_literal(value) == source


@pytest.mark.parametrize("value", [float("nan"), object(), [1, 2], Colour.RED])
def test_render_literal_refuses_what_a_migration_cannot_hold(value: Any) -> None:
    with pytest.raises(ValueError, match=r"migration|literal"):
        render_literal(value)


def column(type_: Any, **options: Any) -> sa.Column[Any]:
    return sa.Column("c", type_, **options)


def test_parse_value_takes_a_literal_of_the_columns_type() -> None:
    assert parse_value_for(column(sa.Integer()))(" 7 ") == 7
    assert parse_value_for(column(sa.Numeric()))("2") == 2
    assert parse_value_for(column(sa.String(10)))("'draft'") == "draft"


@pytest.mark.parametrize(
    ("type_", "typed", "message"),
    [
        (sa.Integer(), "draft", "not a Python literal"),
        (sa.Integer(), "'7'", "holds int values"),
        (sa.Integer(), "True", "holds int values"),
        (sa.Boolean(), "None", "NOT NULL"),
        (sa.String(10), "__import__('os')", "not a Python literal"),
    ],
)
def test_parse_value_refuses_with_a_reason(type_: Any, typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value_for(column(type_))(typed)


def test_model_default_gives_a_scalar_default() -> None:
    assert model_default(column(sa.Boolean(), default=False)) == (True, False)
    assert model_default(column(sa.Integer(), default=0)) == (True, 0)


def test_model_default_has_none_for_a_callable_or_missing_default() -> None:
    assert model_default(column(sa.DateTime(), default=datetime.datetime.now)) == (False, None)
    assert model_default(column(sa.Integer())) == (False, None)


def test_model_default_stores_an_enum_member_as_the_database_does() -> None:
    by_name = column(sa.Enum(Colour), default=Colour.BLUE)
    by_value = column(
        sa.Enum(Colour, values_callable=lambda e: [m.value for m in e]), default=Colour.BLUE
    )

    assert model_default(by_name) == (True, "BLUE")
    assert model_default(by_value) == (True, "b")


def test_describe_groups_the_columns_of_one_table() -> None:
    upgrade = ops.UpgradeOps(
        [
            ops.ModifyTableOps(
                "article",
                [
                    ops.AddColumnOp("article", sa.Column("published", sa.Boolean())),
                    ops.AddColumnOp("article", sa.Column("views", sa.Integer())),
                ],
            ),
            ops.CreateTableOp("tag", [sa.Column("id", sa.Integer(), primary_key=True)]),
        ]
    )

    assert describe(upgrade, first=False) == "add article published views and create tag"


def test_describe_stays_short_and_ends_on_a_whole_word() -> None:
    tables = [ops.CreateTableOp(f"table_number_{n}", []) for n in range(10)]

    name = describe(ops.UpgradeOps(tables), first=False)

    assert len(name) <= 60
    assert name == "create table_number_0 and create table_number_1 and more"
