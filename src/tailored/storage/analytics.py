"""Dashboard queries: counts of events over a time window, grouped by day and type, by
placement, by item. They scan the window's events (the event log keeps one secondary
index, for ingest speed); the engine shapes the counts into `domain.analytics` values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    case,
    func,
    literal_column,
    select,
)

from tailored.storage.tables import events

Window = tuple[datetime, datetime]  # [since, until), aware UTC

# Group by the first two selected columns by position: an expression with bound
# parameters (the JSON key, the time zone) repeated in GROUP BY would bind new ones,
# which PostgreSQL does not recognise as the same expression.
_FIRST_TWO: tuple[ColumnElement[Any], ...] = (literal_column("1"), literal_column("2"))


def _in(window: Window) -> ColumnElement[bool]:
    since, until = window
    return and_(events.c.timestamp >= since, events.c.timestamp < until)


def _day(conn: Connection) -> ColumnElement[str]:
    """The event's UTC day as 'YYYY-MM-DD' text on every backend."""
    if conn.dialect.name == "postgresql":
        utc = func.timezone("UTC", events.c.timestamp)
        return func.to_char(utc, "YYYY-MM-DD", type_=String())
    # SQLite stores UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text.
    return func.substr(events.c.timestamp, 1, 10, type_=String())


def _placement() -> ColumnElement[str]:
    """context.placement as text: `context ->> 'placement'` on PostgreSQL,
    `json_extract(context, '$."placement"')` on SQLite."""
    return events.c.context["placement"].as_string()


def counts_per_day(conn: Connection, window: Window) -> list[tuple[str, str, int]]:
    """(day, type, events) for the window's events."""
    day = _day(conn).label("day")
    query = (
        select(day, events.c.type, func.count())
        .where(_in(window))
        .group_by(*_FIRST_TWO)
        .order_by(day, events.c.type)
    )
    return [(str(d), str(kind), int(n)) for d, kind, n in conn.execute(query)]


def counts_per_placement(
    conn: Connection, window: Window, *, types: Sequence[str]
) -> list[tuple[str, str, int]]:
    """(placement, type, events) for the window's events of `types` (the exposures and
    clicks) that name one."""
    placement = _placement().label("placement")
    query = (
        select(placement, events.c.type, func.count())
        .where(_in(window), events.c.type.in_(list(types)), placement.is_not(None))
        .group_by(*_FIRST_TWO)
    )
    return [(str(p), str(kind), int(n)) for p, kind, n in conn.execute(query)]


def top_items(
    conn: Connection,
    window: Window,
    *,
    views: Sequence[str],
    conversions: Sequence[str],
    by: Literal["views", "conversions"],
    limit: int,
) -> list[tuple[str, int, int]]:
    """(item id, views, conversions) of the `limit` items with the most `by` events in
    the window, ties broken by the other count, then by id; `views` and `conversions`
    name the event types that count as each."""
    viewed = func.sum(case((events.c.type.in_(list(views)), 1), else_=0)).label("views")
    converted = func.sum(case((events.c.type.in_(list(conversions)), 1), else_=0)).label(
        "conversions"
    )
    first, second = (viewed, converted) if by == "views" else (converted, viewed)
    query = (
        select(events.c.item_id, viewed, converted)
        .where(
            _in(window),
            events.c.item_id.is_not(None),
            events.c.type.in_([*views, *conversions]),
        )
        .group_by(events.c.item_id)
        .having(first > 0)
        .order_by(first.desc(), second.desc(), events.c.item_id)
        .limit(limit)
    )
    return [(str(item), int(v), int(p)) for item, v, p in conn.execute(query)]


def window_totals(conn: Connection, window: Window) -> tuple[int, int]:
    """(events, distinct users) in the window."""
    query = select(func.count(), func.count(events.c.user_id.distinct())).where(_in(window))
    total, users = conn.execute(query).one()
    return int(total), int(users)


__all__ = [
    "Window",
    "counts_per_day",
    "counts_per_placement",
    "top_items",
    "window_totals",
]
