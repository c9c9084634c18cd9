"""What an event type means is data: a business's own types count wherever built-ins do.

A custom `wishlist_add` with a weight is an interaction in training, in serving history
and in trending; a `subscription_start` registered as a conversion is hidden by
exclude_purchased and counted by the dashboard; a `return` registered as negative hides
the item. Changing a type's meaning changes what counts, with nothing redeployed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tailored import Engine
from tailored.config import PlacementSettings, Settings
from tailored.engine.events import EventTypes
from tailored.errors import ConfigurationError, Conflict, InvalidInput

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _at(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


def _clocked(engine: Engine, **settings: Any) -> Engine:
    """The test engine's database with the clock stopped at NOW (and other settings)."""
    return Engine(engine.db, engine.settings.model_copy(update=settings), clock=lambda: NOW)


def _record(engine: Engine, *rows: tuple[str, str, str | None, float]) -> None:
    result = engine.events.record_many(
        [
            {"user_id": user, "type": kind, "item_id": item, "timestamp": _at(days_ago)}
            | ({"value": 4.0} if kind == "rate" else {})  # a rating needs its value
            for user, kind, item, days_ago in rows
        ]
    )
    assert not result.rejected, result.rejected


def _items(engine: Engine, *ids: str) -> None:
    assert not engine.items.upsert_many([{"id": i, "title": i.title()} for i in ids]).rejected


def _weights(engine: Engine) -> dict[tuple[str, str], float]:
    data = engine.training.interactions()
    return {
        (data.users.id_of(u), data.items.id_of(i)): float(w)
        for u, i, w in zip(data.user, data.item, data.weight, strict=True)
    }


def _browsing(engine: Engine) -> None:
    """Twelve shoppers who view tent, stove and lamp, or pan, knife and mug."""
    _items(engine, "tent", "stove", "lamp", "pan", "knife", "mug", "boots")
    _record(
        engine,
        *[
            (f"s{u}", "view", item, 5 - k / 10)
            for u in range(12)
            for k, item in enumerate(
                ("tent", "stove", "lamp") if u % 2 == 0 else ("pan", "knife", "mug")
            )
        ],
    )


def test_a_custom_signal_counts_in_training_serving_and_its_reasons(
    engine: Engine, tmp_path: Path
) -> None:
    # About what a custom type's weight does, not about ages: decay is off here so the
    # sums read plainly (the default decay has its own tests, below and in
    # test_weighting_defaults.py).
    shop = _clocked(engine, recommend_model="item_knn", interaction_half_life_days=None)
    _browsing(shop)
    shop.event_types.register(
        "wishlist_add", requires_item=True, weight=2.0, phrase="saved {item} for later"
    )
    _record(shop, ("ann", "wishlist_add", "tent", 1), ("ann", "wishlist_add", "tent", 0.5))

    assert _weights(shop)[("ann", "tent")] == 2.0 + 2.0  # two saves add up
    assert shop.recommendations.interactions("ann").weight.tolist() == [4.0]
    shop.training.train("item_knn", tune=False, models_dir=tmp_path)
    answer = shop.recommendations.for_user("ann", n=2)
    assert answer.personalized
    assert {i.item_id for i in answer.items} == {"stove", "lamp"}
    assert {i.reason.text for i in answer.items} == {"because you saved Tent for later"}
    assert "tent" not in {i.item_id for i in answer.items}  # seen: not offered again

    shop.event_types.update("wishlist_add", {"weight": 0})  # no longer an interaction
    assert ("ann", "tent") not in _weights(shop)
    assert len(shop.recommendations.interactions("ann")) == 0
    assert not shop.recommendations.for_user("ann", n=2).personalized


def test_a_custom_signal_counts_in_trending(engine: Engine) -> None:
    shop = _clocked(engine)
    _items(shop, "mug", "pan")
    shop.event_types.register("wishlist_add", requires_item=True, weight=2.0)
    _record(
        shop,
        *[(f"v{u}", "view", "mug", 1) for u in range(3)],
        *[(f"w{u}", "wishlist_add", "pan", 1) for u in range(2)],
    )

    def top() -> str:
        return shop.recommendations.for_user("someone-new", n=1).items[0].item_id

    assert top() == "pan"  # 2 saves x 2 outweigh 3 views x 1
    shop.event_types.update("wishlist_add", {"weight": 1.0})
    assert top() == "mug"


def test_a_custom_conversion_is_hidden_by_exclude_purchased_and_counted(engine: Engine) -> None:
    placements = {"again": PlacementSettings(exclude_seen=False, exclude_purchased=True)}
    shop = _clocked(engine, placements=placements)
    _items(shop, "plan-pro", "plan-basic", "mug")
    shop.event_types.register(
        "subscription_start", requires_item=True, weight=4.0, meaning="conversion"
    )
    _record(
        shop,
        ("ann", "view", "plan-basic", 2),
        ("ann", "subscription_start", "plan-pro", 1),
        ("bo", "subscription_start", "plan-pro", 1),
        ("bo", "purchase", "mug", 1),
    )

    offered = {i.item_id for i in shop.recommendations.for_user("ann", placement="again").items}
    assert offered == {"plan-basic", "mug"}  # seen is fine here, subscribed to is not

    overview = shop.analytics.overview(days=7)
    assert overview.conversions == 3
    assert [(i.item_id, i.conversions) for i in overview.top_converted] == [
        ("plan-pro", 2),
        ("mug", 1),
    ]


def test_a_negative_type_hides_the_item_and_is_never_an_interaction(engine: Engine) -> None:
    shop = _clocked(engine)
    _items(shop, "boots", "socks", "mug", "pan")
    shop.event_types.register("return", requires_item=True, meaning="negative")
    _record(
        shop,
        *[(f"v{u}", "view", item, 1) for u in range(3) for item in ("boots", "socks", "mug")],
        ("ann", "view", "pan", 2),
        ("ann", "return", "boots", 1),
        ("ann", "dismiss", "socks", 1),  # the built-in negative
    )

    offered = [i.item_id for i in shop.recommendations.for_user("ann", n=4).items]
    assert offered == ["mug"]  # boots returned, socks dismissed, pan seen
    assert {item for user, item in _weights(shop) if user == "ann"} == {"pan"}
    assert [i.item_id for i in shop.recommendations.for_user("bo", n=4).items][:3] == [
        "boots",
        "mug",
        "socks",
    ]
    with pytest.raises(InvalidInput) as error:
        shop.event_types.update("return", {"weight": 1.0})
    assert error.value.field == "weight"
    with pytest.raises(InvalidInput) as error:
        shop.event_types.update("return", {"requires_item": False})  # rules never change
    assert error.value.field == "requires_item"


def test_custom_exposures_and_clicks_make_click_through(engine: Engine) -> None:
    shop = _clocked(engine)
    shop.event_types.register("banner_shown", meaning="exposure")
    shop.event_types.register("banner_tap", meaning="click")
    assert not shop.events.record_many(
        [
            *[{"user_id": "ann", "type": "banner_shown", "timestamp": _at(1),
               "context": {"placement": "hero"}}] * 4,
            {"user_id": "ann", "type": "banner_tap", "timestamp": _at(1),
             "context": {"placement": "hero"}},
            {"user_id": "ann", "type": "impression", "timestamp": _at(1),
             "context": {"placement": "home"}},
            {"user_id": "ann", "type": "click", "item_id": "mug", "timestamp": _at(1),
             "context": {"placement": "home"}},
        ]
    ).rejected  # fmt: skip

    placements = shop.analytics.overview(days=7).placements
    assert [(p.placement, p.impressions, p.clicks, p.ctr) for p in placements] == [
        ("hero", 4, 1, 0.25),
        ("home", 1, 1, 1.0),
    ]


@pytest.mark.parametrize(
    "decay",
    [{}, {"interaction_half_life_days": 14.0}],
    ids=["default settings", "14-day half-life"],
)
def test_training_and_serving_give_the_same_events_the_same_weights(
    engine: Engine, decay: dict[str, float]
) -> None:
    # The default settings as users get them (weights, half-life), and a half-life a
    # shop would set: serving once aged events to the request time and training to the
    # newest event, which gave the same history other weights.
    shop = _clocked(engine, **decay)
    assert shop.settings.event_weights == Settings().event_weights
    assert shop.settings.interaction_half_life_days == decay.get(
        "interaction_half_life_days", Settings().interaction_half_life_days
    )
    _browsing(shop)
    _record(
        shop,
        ("ann", "view", "tent", 20),
        ("ann", "add_to_cart", "tent", 9),
        ("ann", "purchase", "tent", 8.5),
        ("ann", "like", "lamp", 3),
        ("ann", "share", "lamp", 2.25),
        ("ann", "rate", "mug", 1.5),
        ("ann", "view", "stove", 1),
        ("ann", "dismiss", "pan", 1),
        ("ann", "remove_from_cart", "stove", 0.5),
        ("ann", "search", None, 0.25),
    )

    trained = _weights(shop)
    served = shop.recommendations.interactions("ann")
    by_item = {
        served.items.id_of(i): float(w) for i, w in zip(served.item, served.weight, strict=True)
    }
    assert by_item.keys() == {item for user, item in trained if user == "ann"}
    # Training ages from the newest event (ann's view of the stove, a day before NOW),
    # serving from the request (NOW): one factor apart, so every event keeps its share.
    half_life = shop.settings.interaction_half_life_days
    assert half_life is not None  # decay is on by default
    factor = 0.5 ** (1 / half_life)
    for item, weight in by_item.items():
        assert weight == pytest.approx(trained[("ann", item)] * factor, rel=1e-9)
    assert trained[("ann", "stove")] == pytest.approx(1.0)  # the newest, not aged
    # older events count less, by the same rule on both paths
    assert by_item["tent"] < (1.0 + 3.0 + 5.0) * factor
    assert by_item["lamp"] < (2.0 + 2.0) * factor


def test_settings_override_builtin_weights_only(engine: Engine) -> None:
    shop = _clocked(engine, event_weights={"view": 0.5, "purchase": 0.0})
    assert shop.event_types.known()["view"].weight == 0.5
    assert shop.event_types.meanings().weights.keys() == {
        "view", "click", "add_to_cart", "rate", "like", "share",
    }  # fmt: skip
    _items(shop, "mug")
    _record(shop, ("ann", "view", "mug", 1), ("ann", "purchase", "mug", 1))
    assert _weights(shop) == {("ann", "mug"): 0.5}

    with pytest.raises(ConfigurationError, match="event_weights: 'wishlist_add' is not a built-in"):
        _clocked(engine, event_weights={"wishlist_add": 2.0})
    with pytest.raises(Conflict, match="TAILORED_EVENT_WEIGHTS"):
        shop.event_types.update("view", {"weight": 2.0})


def test_another_workers_change_is_seen_within_the_cache_time(engine: Engine) -> None:
    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()
    other = EventTypes(engine.db, now=lambda: NOW, cache_seconds=30, clock=clock)
    engine.event_types.register("wishlist_add", requires_item=True, weight=2.0)
    assert other.known()["wishlist_add"].weight == 2.0
    engine.event_types.update("wishlist_add", {"weight": 3.0})
    clock.now = 29
    assert other.known()["wishlist_add"].weight == 2.0  # cached
    clock.now = 30
    assert other.known()["wishlist_add"].weight == 3.0
    assert other.meanings().weights["wishlist_add"] == 3.0
