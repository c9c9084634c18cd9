"""Event-log queries: append, read, summarise (a merge moves events as the table
declares, see `storage/merging.py`)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, RowMapping, func, select, update

from tailored.domain.events import Event, EventType
from tailored.domain.profiles import ActivitySummary
from tailored.storage.columns import as_utc, sqlite_timestamp
from tailored.storage.tables import event_types, events
from tailored.storage.upsert import chunks, insert_new

_EVENT_COLUMNS = (
    "event_id",
    "user_id",
    "item_id",
    "type",
    "value",
    "context",
    "timestamp",
    "received_at",
)
_INCOMING = "tailored_incoming_events"


EventRow = tuple[Any, ...]  # one event encoded for the driver, columns as _EVENT_COLUMNS


def encode_events(backend: str, batch: Sequence[Event]) -> list[EventRow]:
    """Events as the driver takes them: JSON as text, timestamps as SQLite text or as
    datetimes for PostgreSQL. Pure: callers do it before taking the write lock."""
    stamp = _memo(sqlite_timestamp) if backend == "sqlite" else _same
    return [
        (
            e.event_id,
            e.user_id,
            e.item_id,
            e.type,
            e.value,
            orjson.dumps(e.context).decode(),
            stamp(e.timestamp),
            stamp(e.received_at),
        )
        for e in batch
    ]


_COPY_FROM_ROWS = 50
_event_id = operator.itemgetter(0)


def insert_events(conn: Connection, rows: Sequence[EventRow]) -> int:
    """Append encoded events whose event_id is new; return how many were inserted.

    The hot path of ingestion, so it speaks to the driver directly: one prepared
    statement run with executemany, except for larger batches on PostgreSQL: a COPY into
    a temporary table, then one INSERT ... SELECT (COPY is its fast path for many rows,
    but costs more round trips than a few single-row inserts).
    """
    if not rows:
        return 0
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in _EVENT_COLUMNS)
    if conn.dialect.name == "postgresql" and len(rows) >= _COPY_FROM_ROWS:
        count = _copy_then_insert(conn, rows, columns)
    else:
        marker = "%s" if conn.dialect.name == "postgresql" else "?"
        sql = (
            f"INSERT INTO {quote(events.name)} ({columns}) "
            f"VALUES ({', '.join([marker] * len(_EVENT_COLUMNS))}) "
            "ON CONFLICT (event_id) DO NOTHING"
        )
        # Event id order is lock order for concurrent PostgreSQL writers (see upsert.py).
        ordered = sorted(rows, key=_event_id) if conn.dialect.name == "postgresql" else list(rows)
        options = {"preserve_rowcount": True}
        count = conn.exec_driver_sql(sql, ordered, execution_options=options).rowcount
    if count < 0:
        raise RuntimeError("the database driver did not report how many rows were inserted")
    return int(count)


def _copy_then_insert(conn: Connection, rows: Sequence[EventRow], columns: str) -> int:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if not conn.info.get(_INCOMING):  # once per pooled connection
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {_INCOMING} "
                f"(LIKE {events.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            conn.info[_INCOMING] = True
        with cursor.copy(f"COPY {_INCOMING} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Key order is lock order: concurrent batches that share event ids (retries)
        # wait for each other instead of deadlocking.
        cursor.execute(
            f"INSERT INTO {events.name} ({columns}) SELECT {columns} FROM {_INCOMING} "
            "ORDER BY event_id ON CONFLICT (event_id) DO NOTHING"
        )
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _same(value: Any) -> Any:
    return value


def _memo(encode: Callable[[datetime | None], str | None]) -> Callable[[datetime | None], Any]:
    """`encode` remembering its last argument: a batch shares one received_at object."""
    last: list[Any] = [object(), None]

    def remembered(moment: datetime | None) -> str | None:
        if moment is not last[0]:
            last[0], last[1] = moment, encode(moment)
        return last[1]

    return remembered


def query_events(
    conn: Connection,
    *,
    user_id: str | None = None,
    item_id: str | None = None,
    types: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    after_seq: int | None = None,
    limit: int = 100,
    newest_first: bool = False,
) -> list[tuple[int, Event]]:
    """Events with their sequence number (the pagination key), in arrival order."""
    order = events.c.seq.desc() if newest_first else events.c.seq
    query = select(events).order_by(order).limit(limit)
    if user_id is not None:
        query = query.where(events.c.user_id == user_id)
    if item_id is not None:
        query = query.where(events.c.item_id == item_id)
    if types:
        query = query.where(events.c.type.in_(list(types)))
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    if until is not None:
        query = query.where(events.c.timestamp < until)
    if after_seq is not None:
        query = query.where(events.c.seq < after_seq if newest_first else events.c.seq > after_seq)
    return [(row["seq"], row_to_event(row)) for row in conn.execute(query).mappings()]


def count_events(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def has_event_ids(conn: Connection, event_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(list(event_ids), 500):
        query = select(events.c.event_id).where(events.c.event_id.in_(part))
        found.update(conn.execute(query).scalars())
    return found


def activity_summary(conn: Connection, user_id: str, *, recent: int = 10) -> ActivitySummary:
    by_type_query = (
        select(
            events.c.type, func.count(), func.min(events.c.timestamp), func.max(events.c.timestamp)
        )
        .where(events.c.user_id == user_id)
        .group_by(events.c.type)
    )
    by_type: dict[str, int] = {}
    first: datetime | None = None
    last: datetime | None = None
    for event_type, count, earliest, latest in conn.execute(by_type_query):
        by_type[event_type] = int(count)
        earliest, latest = as_utc(earliest), as_utc(latest)
        first = earliest if first is None or earliest < first else first
        last = latest if last is None or latest > last else last
    recent_query = (
        select(events.c.item_id)
        .where(events.c.user_id == user_id, events.c.item_id.is_not(None))
        .order_by(events.c.timestamp.desc(), events.c.seq.desc())
        .limit(recent * 5)
    )
    recent_items = tuple(dict.fromkeys(conn.execute(recent_query).scalars()))[:recent]
    return ActivitySummary(
        events_total=sum(by_type.values()),
        by_type=dict(sorted(by_type.items())),
        first_event_at=first,
        last_event_at=last,
        recent_items=recent_items,
    )


def list_event_types(conn: Connection) -> list[EventType]:
    """The custom (registered) event types, by name."""
    query = select(event_types).order_by(event_types.c.name)
    return [_event_type(row) for row in conn.execute(query).mappings()]


def insert_event_type(conn: Connection, event_type: EventType, *, now: datetime) -> bool:
    row = {
        "name": event_type.name,
        "requires_item": event_type.requires_item,
        "requires_value": event_type.requires_value,
        "description": event_type.description,
        "created_at": now,
        **_meaning(event_type),
    }
    return insert_new(conn, event_types, [row], keys=("name",)) == 1


def update_event_type(conn: Connection, event_type: EventType) -> bool:
    """Store a custom type's new meaning and description (its rules never change)."""
    result = conn.execute(
        update(event_types)
        .where(event_types.c.name == event_type.name)
        .values(description=event_type.description, **_meaning(event_type))
    )
    return bool(result.rowcount)


def _meaning(event_type: EventType) -> dict[str, Any]:
    return {
        "weight": event_type.weight,
        "meaning": event_type.meaning,
        "phrase": event_type.phrase,
    }


def _event_type(row: RowMapping) -> EventType:
    return EventType(
        row["name"],
        requires_item=row["requires_item"],
        requires_value=row["requires_value"],
        description=row["description"],
        weight=float(row["weight"]),
        meaning=row["meaning"],
        phrase=row["phrase"],
    )


def row_to_event(row: RowMapping) -> Event:
    return Event(
        event_id=row["event_id"],
        user_id=row["user_id"],
        item_id=row["item_id"],
        type=row["type"],
        value=row["value"],
        context=row["context"],
        timestamp=row["timestamp"],
        received_at=row["received_at"],
    )
