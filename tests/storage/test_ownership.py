"""Every table that holds a user's data declares how (storage/ownership.py), so a merge,
an export or an erasure cannot forget one: checked on the real schema, and shown to
fail on throwaway schemas that forget."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from tailored.storage import tables
from tailored.storage.merging import fold_rule
from tailored.storage.ownership import (
    Erase,
    Fold,
    Merge,
    PartOf,
    Role,
    UserData,
    declaration,
    not_user_data,
    problems,
    registry,
    user_columns,
    user_data,
)


def test_every_table_of_the_schema_that_holds_user_data_declares_how() -> None:
    assert problems(tables.metadata) == []
    holding = {table.name for table in tables.metadata.sorted_tables if user_columns(table)}
    # The detection sees the schema's user columns (else the check above proves nothing).
    assert {"users", "events", "user_merges", "consents", "lists", "designs"} <= holding
    assert all(isinstance(declaration(tables.metadata.tables[n]), UserData) for n in holding)


def _schema(*columns: Column[object], info: dict[str, object] | None = None) -> MetaData:
    """A throwaway schema: `users`, `carts` owned by a user, and `t` with `columns`."""
    metadata = MetaData()
    Table("users", metadata, Column("id", String(8), primary_key=True),
          info=user_data(Role("id", merge=Fold.FILL_GAPS, export="profile")))  # fmt: skip
    Table("carts", metadata, Column("id", Integer, primary_key=True),
          Column("user_id", String(8), nullable=False),
          info=user_data(Role("user_id", merge=Merge.MOVE, export="carts")))  # fmt: skip
    Table("t", metadata, Column("id", Integer, primary_key=True), *columns, info=info or {})
    return metadata


@pytest.mark.parametrize(
    "column",
    [
        Column("user_id", String(8)),
        Column("anonymous_id", String(8)),
        Column("owner", String(8)),
        Column("owner_id", String(8)),
        Column("shared_with_user_id", String(8)),
        Column("shopper", String(8), ForeignKey("users.id")),  # any name, by foreign key
    ],
    ids=lambda column: column.name,
)
def test_a_table_with_a_user_column_and_no_declaration_is_named(column: Column[object]) -> None:
    metadata = _schema(column)

    assert problems(metadata) == [
        f"table 't' holds user ids in {column.name!r} but does not say so: declare "
        f"info=user_data(Role({column.name!r}, merge=..., export=...)) "
        "(see tailored.storage.ownership)"
    ]
    with pytest.raises(ValueError, match=f"'t' holds user ids in '{column.name}'"):
        registry(metadata)  # a merge refuses to run rather than leave rows behind


def test_a_table_that_refers_to_a_users_row_and_says_nothing_is_named() -> None:
    metadata = _schema(Column("cart_id", Integer, ForeignKey("carts.id")))

    assert problems(metadata) == [
        "table 't' refers to user data in 'carts' (column 'cart_id') but does not say so: "
        "declare info=user_data(PartOf('cart_id', export=...)) (see tailored.storage.ownership)"
    ]


def test_declaring_only_some_of_the_user_columns_is_not_enough() -> None:
    metadata = _schema(
        Column("user_id", String(8)),
        Column("shared_with_user_id", String(8)),
        info=user_data(Role("user_id", merge=Merge.MOVE, export="ts")),
    )

    [problem] = problems(metadata)
    assert "'shared_with_user_id'" in problem and "does not name" in problem


def test_a_table_declared_not_user_data_cannot_hold_user_ids() -> None:
    metadata = _schema(Column("owner", String(8)), info=not_user_data("just settings"))

    [problem] = problems(metadata)
    assert "'owner'" in problem and "declared not user data" in problem


@pytest.mark.parametrize(
    ("columns", "way", "expected"),
    [
        ((Column("user_id", String(8)),), Role("buyer", merge=Merge.MOVE, export="ts"),
         "declares column 'buyer', which it does not have"),
        ((Column("user_id", String(8), nullable=False),),
         Role("user_id", merge=Merge.MOVE, export="ts", erase=Erase.ANONYMIZE),
         "anonymizes 'user_id' on erasure, which cannot be NULL"),
        ((Column("note", String(8)),), PartOf("note", export="ts"),
         "does not refer by foreign key to a table that holds user data"),
    ],
)  # fmt: skip
def test_a_declaration_its_columns_do_not_bear_out_is_named(
    columns: tuple[Column[object], ...], way: Role | PartOf, expected: str
) -> None:
    metadata = _schema(*columns, info=user_data(way))

    assert any(expected in problem for problem in problems(metadata)), problems(metadata)


def test_the_registry_lists_rows_owned_directly_and_through_a_parent_parents_first() -> None:
    metadata = _schema(
        Column("cart_id", Integer, ForeignKey("carts.id")),
        info=user_data(PartOf("cart_id", export="cart_lines")),
    )

    entries = registry(metadata)

    found = [(e.table.name, e.column.name, e.export) for e in entries]
    assert sorted(found) == [("carts", "user_id", "carts"), ("t", "cart_id", "cart_lines"),
                             ("users", "id", "profile")]  # fmt: skip
    cart, line = (next(e for e in entries if e.table.name == name) for name in ("carts", "t"))
    assert entries.index(cart) < entries.index(line) and line.parent is cart
    assert (line.merge, line.erase) == (Merge.MOVE, Erase.DELETE)  # those of its cart


def test_the_schema_registry_puts_every_parent_before_the_rows_that_are_part_of_it() -> None:
    entries = registry(tables.metadata)

    for index, entry in enumerate(entries):
        if entry.parent is not None:
            assert entry.parent in entries[:index], entry.table.name
    parts = {e.table.name: e.parent.table.name for e in entries if e.parent is not None}
    assert parts == {"list_entries": "lists", "saved_order_lines": "saved_orders",
                     "design_picks": "designs"}  # fmt: skip


def test_each_fold_rule_is_declared_by_the_one_table_it_is_written_for() -> None:
    folds = [(e.merge, e.table) for e in registry(tables.metadata)
             if e.parent is None and isinstance(e.merge, Fold)]  # fmt: skip

    assert sorted(fold.name for fold, _ in folds) == sorted(fold.name for fold in Fold)
    for fold, table in folds:
        assert fold_rule(fold)[0] is table, (fold, table.name)


def test_user_data_needs_a_way_and_not_user_data_a_reason() -> None:
    with pytest.raises(ValueError, match="at least one"):
        user_data()
    with pytest.raises(ValueError, match="reason"):
        not_user_data(" ")
