"""The dashboard's numbers, on every backend, against a small log whose answer is known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from tailored import Engine
from tailored.errors import InvalidInput

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=UTC)


def _event(user: str, kind: str, item: str | None, at: datetime, **context: Any) -> dict[str, Any]:
    return {"user_id": user, "type": kind, "item_id": item, "timestamp": at, "context": context}


@pytest.fixture
def clocked(engine: Engine) -> Engine:
    """The test engine, its clock stopped at NOW, with a small catalog and a week of events:
    21 events, 20 of them in the 7 days up to NOW."""
    fixed = Engine(engine.db, engine.settings, clock=lambda: NOW)
    fixed.items.upsert_many([{"id": i, "title": i.title()} for i in ("mug", "pan", "tent")])
    minus_two = timezone(timedelta(hours=-2))
    rows = [
        _event("ann", "view", "mug", _at(10, 9)),
        _event("ann", "view", "mug", _at(10, 10)),
        _event("bo", "view", "mug", datetime(2026, 3, 9, 23, 30, tzinfo=minus_two)),  # 10th UTC
        _event("bo", "purchase", "mug", _at(10, 11)),
        _event("cy", "view", "pan", _at(9, 12)),
        _event("cy", "view", "pan", _at(9, 12, 5)),
        _event("cy", "purchase", "pan", _at(9, 12, 10)),
        _event("di", "purchase", "pan", _at(9, 13)),
        _event("di", "view", "tent", _at(10, 7)),
        *[_event("ann", "impression", None, _at(10, 8, m), placement="home") for m in range(4)],
        *[_event("cy", "impression", None, _at(9, 11, m), placement="item") for m in range(2)],
        _event("ann", "click", "mug", _at(10, 8, 5), placement="home"),
        _event("cy", "click", "pan", _at(9, 11, 5), placement="item"),
        _event("di", "click", "tent", _at(10, 7, 1)),  # from no placement
        _event("ed", "view", "tent", _at(3, 23, 59, 59)),  # the day before the window
        _event("ed", "view", "tent", _at(4, 0)),  # the window's first instant
        _event("fi", "purchase", "gone", _at(8, 10)),  # an item not in the catalog
    ]
    result = fixed.events.record_many(rows)
    assert result.accepted == 21 and not result.rejected
    return fixed


def test_events_per_day_and_type_cover_every_day_of_the_window(clocked: Engine) -> None:
    overview = clocked.analytics.overview(days=7)
    assert overview.since == _at(4, 0) and overview.until == _at(11, 0)
    assert [(d.day, d.by_type) for d in overview.days] == [
        (date(2026, 3, 4), {"view": 1}),
        (date(2026, 3, 5), {}),
        (date(2026, 3, 6), {}),
        (date(2026, 3, 7), {}),
        (date(2026, 3, 8), {"purchase": 1}),
        (date(2026, 3, 9), {"click": 1, "impression": 2, "purchase": 2, "view": 2}),
        (date(2026, 3, 10), {"click": 2, "impression": 4, "purchase": 1, "view": 4}),
    ]
    assert overview.by_type == {"view": 7, "impression": 6, "purchase": 4, "click": 3}
    assert (overview.events, overview.active_users) == (20, 6)
    assert (overview.catalog_items, overview.users, overview.all_events) == (3, 6, 21)


def test_click_through_is_clicks_over_impressions_of_the_same_placement(clocked: Engine) -> None:
    placements = clocked.analytics.overview(days=7).placements
    assert [(p.placement, p.impressions, p.clicks, p.ctr) for p in placements] == [
        ("home", 4, 1, 0.25),
        ("item", 2, 1, 0.5),
    ]


def test_top_items_by_views_and_by_conversions(clocked: Engine) -> None:
    overview = clocked.analytics.overview(days=7)
    assert overview.conversions == 4  # the window's purchases
    assert [(i.item_id, i.title, i.views, i.conversions) for i in overview.top_viewed] == [
        ("mug", "Mug", 3, 1),
        ("pan", "Pan", 2, 2),  # ties on views: more purchases first
        ("tent", "Tent", 2, 0),
    ]
    assert [(i.item_id, i.title, i.views, i.conversions) for i in overview.top_converted] == [
        ("pan", "Pan", 2, 2),
        ("mug", "Mug", 3, 1),
        ("gone", None, 0, 1),  # deleted from the catalog: no title
    ]
    assert [i.item_id for i in clocked.analytics.overview(days=7, top=1).top_viewed] == ["mug"]


def test_the_window_ends_today_and_counts_new_events_at_once(clocked: Engine) -> None:
    today = clocked.analytics.overview(days=1)
    assert [d.day for d in today.days] == [date(2026, 3, 10)]
    assert today.events == 11 and [p.placement for p in today.placements] == ["home"]
    clocked.events.record(_event("gus", "impression", None, _at(10, 11, 30), placement="new"))
    again = clocked.analytics.overview(days=1)
    assert again.events == 12 and again.days[-1].by_type["impression"] == 5
    assert [(p.placement, p.impressions, p.ctr) for p in again.placements][-1] == ("new", 1, 0.0)


def test_an_empty_store_gives_zeros_not_errors(engine: Engine) -> None:
    overview = engine.analytics.overview(days=3)
    assert [d.total for d in overview.days] == [0, 0, 0]
    assert overview.placements == () and overview.top_viewed == () and overview.events == 0


BAD_WINDOWS = [("days", {"days": 0}), ("days", {"days": 367}), ("top", {"top": 0}),
               ("top", {"top": 101})]  # fmt: skip


@pytest.mark.parametrize(("field", "options"), BAD_WINDOWS)
def test_bad_windows_are_refused_naming_the_field(
    engine: Engine, field: str, options: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput) as raised:
        engine.analytics.overview(**options)
    assert raised.value.field == field
