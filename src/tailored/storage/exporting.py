"""Reading everything stored about a user, in pages of bounded size, for an export.

What belongs to a user comes from the ownership registry (`storage/ownership.py`): each
`Owned` entry names its rows (`rows_of`) and the kind of data they are in an export
(`export`). Rows are read in keyset order, a page at a time, so an export of a user with
millions of events holds one page in memory. The key of a page is the rest of an index
that starts with the owning column, then the primary key (events: `(timestamp, seq)`,
served by the `(user_id, timestamp)` index), or else the primary key alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Float,
    Integer,
    Table,
    and_,
    exists,
    or_,
    select,
)

from tailored.storage.columns import UTCDateTime
from tailored.storage.ownership import Owned, registry
from tailored.storage.tables import metadata

Position = tuple[Any, ...]  # the key values of the last row of a page


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of data in an export (`name`: "events", "consents", ...): the registry
    entries whose rows it gathers, and the columns its rows have."""

    name: str
    entries: tuple[Owned, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.entries[0].table.columns)

    @property
    def column_types(self) -> tuple[str, ...]:
        """What each column holds, in words (for a reader of the export)."""
        return tuple(_in_words(column) for column in self.entries[0].table.columns)


def kinds() -> tuple[Kind, ...]:
    """Every kind of user data the schema holds, in the registry's (dependency) order."""
    grouped: dict[str, list[Owned]] = {}
    for entry in registry(metadata):
        grouped.setdefault(entry.export, []).append(entry)
    return tuple(Kind(name, tuple(entries)) for name, entries in grouped.items())


def order_of(entry: Owned) -> tuple[Column[Any], ...]:
    """The columns a page of `entry`'s rows is ordered and keyed by (unique together)."""
    table: Table = entry.table
    primary = list(table.primary_key.columns)
    if entry.parent is None:
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            leading, *rest = index.columns
            if leading is entry.column and rest:
                return tuple(rest) + tuple(c for c in primary if c not in rest)
    return tuple(primary)


def page(
    conn: Connection, entry: Owned, user_id: str, *, after: Position | None, limit: int
) -> list[dict[str, Any]]:
    """At most `limit` of `user_id`'s rows of `entry`, after the row at `after` (None:
    from the first), as column -> value."""
    key = order_of(entry)
    query = select(entry.table).where(entry.rows_of(user_id))
    if after is not None:
        query = query.where(_after(key, after))
    query = query.order_by(*key).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]


def position(entry: Owned, row: dict[str, Any]) -> Position:
    """The key of `row`, to read the page after it."""
    return tuple(row[column.name] for column in order_of(entry))


def holds_anything(conn: Connection, user_id: str, among: Sequence[Kind]) -> bool:
    """Whether any row of these kinds belongs to `user_id`."""
    return any(
        conn.execute(select(exists().where(entry.rows_of(user_id)))).scalar()
        for kind in among
        for entry in kind.entries
    )


def _in_words(column: Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        words = "date and time (UTC, ISO 8601)"
    elif isinstance(kind, JSON):
        words = "JSON"
    elif isinstance(kind, Boolean):
        words = "true or false"
    elif isinstance(kind, Integer):
        words = "whole number"
    elif isinstance(kind, Float):
        words = "number"
    else:
        words = "text"
    return words if not column.nullable else f"{words}, or empty"


def _after(key: Sequence[Column[Any]], values: Position) -> ColumnElement[bool]:
    """Rows whose key comes after `values`, spelled out (a row-value comparison is not
    used by every index): (a > x) or (a = x and b > y) ...; the first column's lower
    bound comes first so an index on it bounds the scan."""
    alternatives = [
        and_(*(c == v for c, v in zip(key[:i], values[:i], strict=True)), key[i] > values[i])
        for i in range(len(key))
    ]
    return and_(key[0] >= values[0], or_(*alternatives))


__all__ = ["Kind", "Position", "holds_anything", "kinds", "order_of", "page", "position"]
