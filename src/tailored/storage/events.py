"""Event-log queries: append, read, summarise, re-attribute on merge."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, RowMapping, func, select, update

from tailored.domain.events import Event, EventType
from tailored.domain.profiles import ActivitySummary
from tailored.storage.tables import event_types, events
from tailored.storage.upsert import chunks, insert_new


def insert_events(conn: Connection, batch: Sequence[Event]) -> int:
    """Append events whose event_id is new; return how many were inserted."""
    rows = [
        {
            "event_id": e.event_id,
            "user_id": e.user_id,
            "item_id": e.item_id,
            "type": e.type,
            "value": e.value,
            "context": e.context,
            "timestamp": e.timestamp,
            "received_at": e.received_at,
        }
        for e in batch
    ]
    return insert_new(conn, events, rows, keys=("event_id",))


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
    return [(row["seq"], _event(row)) for row in conn.execute(query).mappings()]


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
        earliest, latest = _utc(earliest), _utc(latest)
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


def move_events(conn: Connection, from_user: str, to_user: str) -> int:
    result = conn.execute(
        update(events).where(events.c.user_id == from_user).values(user_id=to_user)
    )
    return int(result.rowcount)


def list_event_types(conn: Connection) -> list[EventType]:
    query = select(event_types).order_by(event_types.c.name)
    return [
        EventType(row["name"], row["requires_item"], row["requires_value"], row["description"])
        for row in conn.execute(query).mappings()
    ]


def insert_event_type(conn: Connection, event_type: EventType, *, now: datetime) -> bool:
    row = {
        "name": event_type.name,
        "requires_item": event_type.requires_item,
        "requires_value": event_type.requires_value,
        "description": event_type.description,
        "created_at": now,
    }
    return insert_new(conn, event_types, [row], keys=("name",)) == 1


def _utc(value: datetime | str) -> datetime:
    # Aggregates bypass the column type on SQLite: naive UTC datetimes or ISO text come back.
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _event(row: RowMapping) -> Event:
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
