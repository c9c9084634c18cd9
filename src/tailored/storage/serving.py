"""The reads serving needs: the catalog as rows, item activity counts, one user's recent
interactions and the facts that gate personalization."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    bindparam,
    case,
    func,
    select,
)

from tailored.storage.columns import as_utc
from tailored.storage.tables import consents, events, items, users

READ_CHUNK = 20_000


def catalog_rows(conn: Connection) -> Iterator[tuple[str, str, list[str], dict[str, Any], bool]]:
    """Every item in id order: (id, title, categories, attributes, available)."""
    query = select(
        items.c.id, items.c.title, items.c.categories, items.c.attributes, items.c.available
    ).order_by(items.c.id)
    result = conn.execution_options(yield_per=READ_CHUNK).execute(query)
    for row in result:
        yield row[0], row[1], list(row[2]), row[3], bool(row[4])


def catalog_stamp(conn: Connection) -> tuple[int, str | None]:
    """(count, newest update): changes whenever an item is added, changed or removed."""
    count, newest = conn.execute(select(func.count(), func.max(items.c.updated_at))).one()
    return int(count), None if newest is None else str(newest)


def newest_event_time(conn: Connection, types: Sequence[str]) -> datetime | None:
    query = select(func.max(events.c.timestamp)).where(
        events.c.item_id.is_not(None), events.c.type.in_(list(types))
    )
    found = conn.execute(query).scalar_one_or_none()
    return as_utc(found) if found is not None else None


def item_activity(
    conn: Connection, types: Sequence[str], *, recent_since: datetime
) -> Iterator[tuple[str, str, int, int]]:
    """(item, type, all events, events since `recent_since`) for every item with events."""
    recent = func.sum(case((events.c.timestamp >= recent_since, 1), else_=0))
    query = (
        select(events.c.item_id, events.c.type, func.count(), recent)
        .where(events.c.item_id.is_not(None), events.c.type.in_(list(types)))
        .group_by(events.c.item_id, events.c.type)
    )
    for item_id, kind, total, since in conn.execute(query):
        yield str(item_id), str(kind), int(total), int(since or 0)


def _history_query(seconds: ColumnElement[Any]) -> Select[Any]:
    return (
        select(events.c.item_id, events.c.type, seconds)
        .where(
            events.c.user_id == bindparam("user_id"),
            events.c.item_id.is_not(None),
            events.c.type.in_(bindparam("types", expanding=True)),
        )
        .order_by(events.c.timestamp.desc(), events.c.seq.desc())
        .limit(bindparam("limit"))
    )


# Built once: these run on every recommendation request, and building a statement costs
# about as much as running it. Times come back as unix seconds computed by the database:
# a datetime object per row would cost more than the rest of the row.
_HISTORY = {
    "sqlite": _history_query((func.julianday(events.c.timestamp) - 2440587.5) * 86400.0),
    "postgresql": _history_query(func.extract("epoch", events.c.timestamp)),
}
_USER: BindParameter[str] = bindparam("user_id")
_USER_STATE = select(
    select(users.c.preferences).where(users.c.id == _USER).scalar_subquery(),
    select(consents.c.granted)
    .where(consents.c.user_id == _USER, consents.c.purpose == bindparam("purpose"))
    .scalar_subquery(),
    # Both read only the (user_id, timestamp) index: together they change whenever the
    # user's events do (a new one, a late one, a merge, an erasure).
    select(func.count()).select_from(events).where(events.c.user_id == _USER).scalar_subquery(),
    select(func.max(events.c.timestamp)).where(events.c.user_id == _USER).scalar_subquery(),
)


@dataclass(frozen=True, slots=True)
class UserState:
    """What gates and shapes one user's recommendations, read in one round trip: their
    decision for a purpose (None: never decided, or an unknown user), their preferences,
    and a fingerprint of their events."""

    granted: bool | None
    preferences: dict[str, Any]
    events: int
    newest: datetime | None


def user_history(
    conn: Connection, user_id: str, types: Sequence[str], *, limit: int
) -> list[tuple[str, str, float]]:
    """The user's latest `limit` interactions (item, type, unix seconds), oldest first."""
    params = {"user_id": user_id, "types": list(types), "limit": limit}
    found = conn.execute(_HISTORY[conn.dialect.name], params)
    rows = [(str(row[0]), str(row[1]), float(row[2])) for row in found]
    rows.reverse()
    return rows


def user_state(conn: Connection, user_id: str, purpose: str) -> UserState:
    params = {"user_id": user_id, "purpose": purpose}
    preferences, granted, count, newest = conn.execute(_USER_STATE, params).one()
    return UserState(
        granted=None if granted is None else bool(granted),
        preferences=dict(preferences or {}),
        events=int(count),
        newest=newest,
    )


__all__ = [
    "UserState",
    "catalog_rows",
    "catalog_stamp",
    "item_activity",
    "newest_event_time",
    "user_history",
    "user_state",
]
