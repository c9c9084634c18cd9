"""Engagement analytics for the console's dashboard: what happened over the last days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from tailored.domain.analytics import ItemActivity, Overview, click_through, daily_counts
from tailored.engine.events import EventTypes
from tailored.errors import InvalidInput
from tailored.storage import analytics as store
from tailored.storage import events as event_store
from tailored.storage import items as item_store
from tailored.storage import users as user_store
from tailored.storage.database import Database

MAX_DAYS = 366
MAX_TOP = 100


class Analytics:
    """`engine.analytics`: events per day and type, click-through per placement and the
    top items over the last `days` days (UTC, today included).

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.events.record_many([
    ...     {"user_id": "u1", "type": "impression", "context": {"placement": "home"}},
    ...     {"user_id": "u1", "type": "click", "item_id": "mug",
    ...      "context": {"placement": "home"}},
    ...     {"user_id": "u1", "type": "purchase", "item_id": "mug"},
    ... ])
    >>> overview = engine.analytics.overview(days=7)
    >>> overview.events, overview.days[-1].by_type
    (3, {'click': 1, 'impression': 1, 'purchase': 1})
    >>> [(p.placement, p.ctr) for p in overview.placements]
    [('home', 1.0)]
    >>> [(i.item_id, i.conversions) for i in overview.top_converted]
    [('mug', 1)]
    >>> engine.close()
    """

    def __init__(self, db: Database, types: EventTypes, *, now: Callable[[], datetime]) -> None:
        self._db = db
        self._types = types
        self._now = now

    def overview(self, *, days: int = 14, top: int = 10) -> Overview:
        """The dashboard's numbers, read in one consistent snapshot."""
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise InvalidInput("days", f"must be a whole number from 1 to {MAX_DAYS}")
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
            raise InvalidInput("top", f"must be a whole number from 1 to {MAX_TOP}")
        today = self._now().astimezone(UTC).date()
        first = today - timedelta(days=days - 1)
        since = datetime.combine(first, time(), tzinfo=UTC)
        until = datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)
        window = (since, until)
        meanings = self._types.meanings()  # before the read below: it may read too
        exposures, clicks = meanings.named("exposure"), meanings.named("click")
        views, conversions = meanings.named("view"), meanings.named("conversion")
        with self._db.reading() as conn:
            per_day = store.counts_per_day(conn, window)
            per_placement = store.counts_per_placement(conn, window, types=exposures + clicks)
            meant = {"views": views, "conversions": conversions}
            viewed = store.top_items(conn, window, **meant, by="views", limit=top)
            converted = store.top_items(conn, window, **meant, by="conversions", limit=top)
            events, active_users = store.window_totals(conn, window)
            titles = {
                item.id: item.title
                for item in item_store.get_items(
                    conn, list({row[0] for row in (*viewed, *converted)})
                ).values()
            }
            catalog_items = item_store.count_items(conn)
            users = user_store.count_users(conn)
            all_events = event_store.count_events(conn)

        def activity(rows: list[tuple[str, int, int]]) -> tuple[ItemActivity, ...]:
            return tuple(ItemActivity(i, titles.get(i), v, p) for i, v, p in rows)

        return Overview(
            since=since,
            until=until,
            days=daily_counts(per_day, first=first, days=days),
            placements=click_through(per_placement, exposures=exposures, clicks=clicks),
            top_viewed=activity(viewed),
            top_converted=activity(converted),
            conversion_types=conversions,
            events=events,
            active_users=active_users,
            catalog_items=catalog_items,
            users=users,
            all_events=all_events,
        )


__all__ = ["MAX_DAYS", "MAX_TOP", "Analytics"]
