"""Dialect-specific INSERT ... ON CONFLICT, written once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Table, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite

T = TypeVar("T")


def _insert(conn: Connection, table: Table) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert rows; where `keys` already exist, overwrite the `update` columns."""
    if not rows:
        return
    statement = _insert(conn, table)
    rows = _in_key_order(rows, keys)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
    )
    conn.execute(statement, rows)


def insert_new(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]], *, keys: Sequence[str]
) -> int:
    """Insert rows whose `keys` are new, skip the rest; return how many were inserted.

    Runs as the driver's executemany (one prepared statement), whose row count both
    sqlite3 and psycopg report exactly, even with ON CONFLICT DO NOTHING.
    """
    if not rows:
        return 0
    statement = (
        _insert(conn, table)
        .on_conflict_do_nothing(index_elements=list(keys))
        .execution_options(preserve_rowcount=True)
    )
    count = conn.execute(statement, _in_key_order(rows, keys)).rowcount
    if count < 0:
        raise RuntimeError("the database driver did not report how many rows were inserted")
    return int(count)


def _in_key_order(
    rows: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> list[Mapping[str, Any]]:
    # Key order is lock order: concurrent transactions writing overlapping keys then wait
    # for each other instead of deadlocking (PostgreSQL would abort one of them).
    return sorted(rows, key=lambda row: tuple(row[key] for key in keys))


def member_of(
    conn: Connection, column: ColumnElement[Any], values: Sequence[Any]
) -> Iterator[ColumnElement[bool]]:
    """Conditions `column IN values`, as few as the backend allows; run one query each.

    PostgreSQL takes the whole list as one array parameter (``= ANY(%s)``): a thousand
    separate placeholders cost the driver more than the query. SQLite gets IN lists of
    at most 500, under its bound-parameter limit.
    """
    if not values:
        return
    if conn.dialect.name == "postgresql":
        yield column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
        return
    for part in chunks(values, 500):
        yield column.in_(part)


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Slices of at most `size`, to stay under bound-parameter limits."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
