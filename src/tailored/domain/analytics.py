"""Engagement over a window of days, as plain values: events per day and type,
click-through per placement, the most viewed and most converted items.

The storage layer hands over counts; the functions here shape them (every day of the
window present, click-through as clicks over exposures of the same placement). Which
event types are exposures, clicks, views and conversions is what the types mean
(`tailored.domain.events.EventMeanings`), given by the caller.

>>> from datetime import date
>>> days = daily_counts([("2026-03-02", "view", 4)], first=date(2026, 3, 1), days=2)
>>> [(d.day.isoformat(), d.total) for d in days]
[('2026-03-01', 0), ('2026-03-02', 4)]
>>> [(p.placement, p.ctr) for p in click_through([("home", "impression", 4),
...                                                ("home", "click", 1)],
...                                               exposures={"impression"}, clicks={"click"})]
[('home', 0.25)]
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class DayCount:
    """The events of one day (UTC), per type.

    >>> DayCount(date(2026, 3, 1), {"view": 3, "purchase": 1}).total
    4
    """

    day: date
    by_type: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


@dataclass(frozen=True, slots=True)
class PlacementClicks:
    """A placement's impressions (times it was shown: exposure events) and the clicks
    that came from it (click events).

    >>> PlacementClicks("home", impressions=8, clicks=2).ctr
    0.25
    >>> PlacementClicks("email", impressions=0, clicks=3).ctr is None
    True
    """

    placement: str
    impressions: int
    clicks: int

    @property
    def ctr(self) -> float | None:
        """Clicks over impressions; None when the placement was never shown (clicks
        recorded without impressions have no rate)."""
        return self.clicks / self.impressions if self.impressions else None


@dataclass(frozen=True, slots=True)
class ItemActivity:
    """How often an item was viewed (view events) and converted (conversion events:
    bought, or whatever the business counts as one) in the window; `title` is None for
    an item no longer in the catalog.

    >>> ItemActivity("sku-1", "Mug", views=10, conversions=2).item_id
    'sku-1'
    """

    item_id: str
    title: str | None
    views: int
    conversions: int


@dataclass(frozen=True, slots=True)
class Overview:
    """What the console's dashboard shows: the window [since, until) in UTC, its events
    per day and type, click-through per placement, top items, and totals (`events`,
    `conversions` and `active_users` within the window; `catalog_items`, `users`,
    `all_events` overall). `conversion_types` are the types that count as conversions.

    >>> start = datetime(2026, 3, 1)
    >>> overview = Overview(since=start, until=start + timedelta(days=1),
    ...                     days=(DayCount(start.date(), {"view": 3, "purchase": 1}),),
    ...                     conversion_types=("purchase", "subscription_start"))
    >>> overview.by_type, overview.types, overview.conversions
    ({'view': 3, 'purchase': 1}, ('purchase', 'view'), 1)
    """

    since: datetime
    until: datetime
    days: tuple[DayCount, ...] = ()
    placements: tuple[PlacementClicks, ...] = ()
    top_viewed: tuple[ItemActivity, ...] = ()
    top_converted: tuple[ItemActivity, ...] = ()
    conversion_types: tuple[str, ...] = ()
    events: int = 0
    active_users: int = 0
    catalog_items: int = 0
    users: int = 0
    all_events: int = 0

    @property
    def by_type(self) -> dict[str, int]:
        """Events in the window per type, the most frequent first."""
        totals: dict[str, int] = {}
        for day in self.days:
            for kind, count in day.by_type.items():
                totals[kind] = totals.get(kind, 0) + count
        return dict(sorted(totals.items(), key=lambda pair: (-pair[1], pair[0])))

    @property
    def types(self) -> tuple[str, ...]:
        """The event types seen in the window, by name."""
        return tuple(sorted(self.by_type))

    @property
    def conversions(self) -> int:
        """Events in the window of a type that counts as a conversion."""
        by_type = self.by_type
        return sum(by_type.get(kind, 0) for kind in self.conversion_types)


def daily_counts(
    rows: Iterable[tuple[str, str, int]], *, first: date, days: int
) -> tuple[DayCount, ...]:
    """(day as YYYY-MM-DD, type, count) rows as one `DayCount` per day from `first`, days
    without events included (a chart needs them); rows outside the window are ignored.

    >>> [d.by_type for d in daily_counts([("2026-03-01", "view", 2),
    ...                                   ("2026-03-01", "like", 1)],
    ...                                  first=date(2026, 3, 1), days=1)]
    [{'like': 1, 'view': 2}]
    """
    counted: dict[date, dict[str, int]] = {}
    for day, kind, count in rows:
        moment = date.fromisoformat(day)
        per_type = counted.setdefault(moment, {})
        per_type[kind] = per_type.get(kind, 0) + int(count)
    window = (first + timedelta(days=offset) for offset in range(days))
    return tuple(DayCount(day, dict(sorted(counted.get(day, {}).items()))) for day in window)


def click_through(
    rows: Iterable[tuple[str, str, int]],
    *,
    exposures: Collection[str],
    clicks: Collection[str],
) -> tuple[PlacementClicks, ...]:
    """(placement, event type, count) rows as click-through per placement, the most
    shown first (then by name): events of the `exposures` types count as impressions,
    those of the `clicks` types as clicks; other event types are ignored.

    >>> [(p.placement, p.impressions, p.clicks) for p in click_through(
    ...     [("item", "impression", 2), ("home", "impression", 5), ("email", "tap", 1)],
    ...     exposures={"impression"}, clicks={"click", "tap"})]
    [('home', 5, 0), ('item', 2, 0), ('email', 0, 1)]
    """
    shown: dict[str, int] = {}
    clicked: dict[str, int] = {}
    for placement, kind, count in rows:
        if kind in exposures:
            shown[placement] = shown.get(placement, 0) + int(count)
        elif kind in clicks:
            clicked[placement] = clicked.get(placement, 0) + int(count)
    names = sorted(shown.keys() | clicked.keys(), key=lambda name: (-shown.get(name, 0), name))
    return tuple(PlacementClicks(name, shown.get(name, 0), clicked.get(name, 0)) for name in names)


__all__ = [
    "DayCount",
    "ItemActivity",
    "Overview",
    "PlacementClicks",
    "click_through",
    "daily_counts",
]
