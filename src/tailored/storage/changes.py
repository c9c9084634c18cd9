"""The streams reactions follow, read by position: the event log and the item changes.

Read in `(txid, seq)` order, and on PostgreSQL only rows of transactions older than
every transaction still running (`pg_snapshot_xmin`): a row yet to commit can only come
after what was read (see `domain/reactions.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Table,
    delete,
    func,
    insert,
    literal_column,
    select,
    tuple_,
)

from tailored.domain.catalog import Item
from tailored.domain.events import Event
from tailored.domain.prices import price_of
from tailored.domain.reactions import START, ItemChange, Position, Stream
from tailored.storage.events import row_to_event
from tailored.storage.tables import events, item_changes, items
from tailored.storage.upsert import member_of

Record = Event | ItemChange

_TABLES: dict[Stream, Table] = {"events": events, "item_changes": item_changes}

# The oldest transaction still running; rows of older transactions have all committed.
_OLDEST_RUNNING = literal_column(
    "pg_snapshot_xmin(pg_current_snapshot())::text::bigint", type_=BigInteger
)


def record_item_changes(
    conn: Connection, written: Sequence[Item], *, deleted: bool, now: datetime
) -> None:
    """Log a write of `written` items (call it before writing them: each change keeps
    the availability and price the item had)."""
    ids = [item.id for item in written]
    before: dict[str, tuple[bool, float | None]] = {}
    for among in member_of(conn, items.c.id, ids):
        query = select(items.c.id, items.c.available, items.c.attributes).where(among)
        for row in conn.execute(query):
            before[row.id] = (bool(row.available), price_of(row.attributes or {}))
    rows = [
        {
            "item_id": item_id,
            "deleted": deleted,
            "available_before": before[item_id][0] if item_id in before else None,
            "price_before": before[item_id][1] if item_id in before else None,
            "changed_at": now,
        }
        for item_id in ids
    ]
    if rows:
        conn.execute(insert(item_changes), rows)


def read_after(
    conn: Connection, stream: Stream, after: Position, limit: int
) -> list[tuple[Position, Record]]:
    """Up to `limit` committed records after `after`, in order."""
    table = _TABLES[stream]
    query = (
        select(table)
        .where(tuple_(table.c.txid, table.c.seq) > tuple_(after.txid, after.seq))
        .order_by(table.c.txid, table.c.seq)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.where(table.c.txid < _OLDEST_RUNNING)
    return [(Position(row["txid"], row["seq"]), _record(stream, row)) for row in
            conn.execute(query).mappings()]  # fmt: skip


def latest_item_changes(conn: Connection, item_ids: Sequence[str]) -> dict[str, ItemChange]:
    """Each item's latest committed change, whether readable in order yet or not: the one
    that wrote the item as it is now (both commit together)."""
    latest: dict[str, ItemChange] = {}
    order = (item_changes.c.item_id, item_changes.c.txid.desc(), item_changes.c.seq.desc())
    for among in member_of(conn, item_changes.c.item_id, item_ids):
        for row in conn.execute(select(item_changes).where(among).order_by(*order)).mappings():
            change = _record("item_changes", row)
            assert isinstance(change, ItemChange)
            latest.setdefault(change.item_id, change)
    return latest


def read_at(conn: Connection, stream: Stream, position: Position) -> Record | None:
    """The record at `position`, or None when it is gone (erased, or pruned)."""
    table = _TABLES[stream]
    at = (table.c.txid == position.txid) & (table.c.seq == position.seq)
    row = conn.execute(select(table).where(at)).mappings().first()
    return _record(stream, row) if row is not None else None


def end_of(conn: Connection, stream: Stream) -> Position:
    """The position of the last record that a reader could read now (START if none)."""
    table = _TABLES[stream]
    query = select(table.c.txid, table.c.seq).order_by(table.c.txid.desc(), table.c.seq.desc())
    if conn.dialect.name == "postgresql":
        query = query.where(table.c.txid < _OLDEST_RUNNING)
    row = conn.execute(query.limit(1)).first()
    return Position(row.txid, row.seq) if row is not None else START


def count_after(conn: Connection, stream: Stream, after: Position) -> int:
    """How many committed records come after `after` (what a consumer has yet to do)."""
    table = _TABLES[stream]
    beyond = tuple_(table.c.txid, table.c.seq) > tuple_(after.txid, after.seq)
    return int(conn.execute(select(func.count()).select_from(table).where(beyond)).scalar_one())


def any_after(conn: Connection, stream: Stream, after: Position) -> bool:
    """Whether a committed record comes after `after` (readable now or not)."""
    table = _TABLES[stream]
    beyond = tuple_(table.c.txid, table.c.seq) > tuple_(after.txid, after.seq)
    return conn.execute(select(table.c.seq).where(beyond).limit(1)).first() is not None


def prune_item_changes(conn: Connection, upto: Position) -> int:
    """Delete the item changes at or before `upto` (every consumer has passed them)."""
    done: ColumnElement[bool] = tuple_(item_changes.c.txid, item_changes.c.seq) <= tuple_(
        upto.txid, upto.seq
    )
    return int(conn.execute(delete(item_changes).where(done)).rowcount)


def _record(stream: Stream, row: Any) -> Record:
    if stream == "events":
        return row_to_event(row)
    return ItemChange(
        item_id=row["item_id"],
        deleted=bool(row["deleted"]),
        changed_at=row["changed_at"],
        available_before=row["available_before"],
        price_before=row["price_before"],
    )
