"""The interaction weights and decay users get without configuring anything: purchase >
add_to_cart > click > view, and older events counting less, in training and in serving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tailored import Engine, Settings
from tailored.domain.events import BUILTIN_EVENT_TYPES

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_the_funnel_orders_the_builtin_weights() -> None:
    weight = {name: t.weight for name, t in BUILTIN_EVENT_TYPES.items()}
    assert weight["purchase"] > weight["add_to_cart"] > weight["click"] > weight["view"] > 0


def test_decay_is_on_by_default_with_the_measured_half_life() -> None:
    # Chosen on validation splits of ml-100k and Online Retail (benchmarks/decay.py,
    # docs/research/defaults.md); None would mean a year-old view counts like today's.
    assert Settings().interaction_half_life_days == 60.0
    assert Settings(interaction_half_life_days=None).interaction_half_life_days is None


@pytest.mark.parametrize("value", ["off", "null", "none", ""])
def test_the_environment_can_turn_decay_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TAILORED_INTERACTION_HALF_LIFE_DAYS", value)
    assert Settings().interaction_half_life_days is None
    monkeypatch.setenv("TAILORED_INTERACTION_HALF_LIFE_DAYS", "14")
    assert Settings().interaction_half_life_days == 14.0


def _old_and_recent_views(engine: Engine, *, old: datetime, recent: datetime) -> None:
    rows = [
        {"user_id": "u", "item_id": "old", "type": "view", "timestamp": old},
        {"user_id": "u", "item_id": "recent", "type": "view", "timestamp": recent},
    ]
    assert not engine.events.record_many(rows).rejected


def _weights(data: object) -> dict[str, float]:
    items, item, weight = data.items, data.item, data.weight  # type: ignore[attr-defined]
    return {items.id_of(i): float(w) for i, w in zip(item, weight, strict=True)}


def test_training_weighs_an_old_event_below_a_recent_one_by_default(engine: Engine) -> None:
    half_life = engine.settings.interaction_half_life_days
    assert half_life is not None  # the tests' engine runs the defaults
    recent = datetime.now(UTC) - timedelta(days=1)
    _old_and_recent_views(engine, old=recent - timedelta(days=2 * half_life), recent=recent)
    weights = _weights(engine.training.interactions())
    assert weights["recent"] == pytest.approx(1.0)  # aged from the newest event
    assert weights["old"] == pytest.approx(0.25)  # two half-lives older


def test_serving_weighs_an_old_event_below_a_recent_one_by_default(engine: Engine) -> None:
    half_life = engine.settings.interaction_half_life_days
    assert half_life is not None
    now = datetime.now(UTC)
    _old_and_recent_views(engine, old=now - timedelta(days=3 * half_life), recent=now)
    weights = _weights(engine.recommendations.interactions("u"))
    assert weights["old"] == pytest.approx(weights["recent"] / 8, rel=1e-3)


@pytest.mark.parametrize("decay", [True, False])
def test_a_recent_interest_outranks_an_old_one_in_recommendations(
    engine: Engine, database_url: str, tmp_path: Path, decay: bool
) -> None:
    """A stove always viewed with a tent, a knife with a pan only half the time; the
    shopper viewed a tent long ago and a pan today. Without decay the stove wins (the
    stronger pattern); with the default decay the knife, the recent interest's."""
    half_life = engine.settings.interaction_half_life_days
    assert half_life is not None
    now = datetime.now(UTC)
    rows = []
    for u in range(8):
        for item in ("tent", "stove"):
            rows.append({"user_id": f"a{u}", "item_id": item, "type": "view", "timestamp": now})
        for item in ("pan", "knife"):
            rows.append({"user_id": f"b{u}", "item_id": item, "type": "view", "timestamp": now})
        rows.append({"user_id": f"c{u}", "item_id": "pan", "type": "view", "timestamp": now})
    old = now - timedelta(days=4 * half_life)
    rows.append({"user_id": "me", "item_id": "tent", "type": "view", "timestamp": old})
    rows.append({"user_id": "me", "item_id": "pan", "type": "view", "timestamp": now})
    assert not engine.events.record_many(rows).rejected
    engine.items.upsert_many([{"id": i, "title": i} for i in ("tent", "stove", "pan", "knife")])
    engine.training.train("item_knn", tune=False, models_dir=tmp_path)
    changes: dict[str, object] = {"recommend_model": "item_knn"}  # it reads the weights
    if not decay:  # the control: what the same data gave before decay was on
        changes["interaction_half_life_days"] = None
    settings = engine.settings.model_copy(update=changes)
    with Engine.open(database_url, settings=settings) as serving:
        top = serving.recommendations.for_user("me", n=1).items[0].item_id
    assert top == ("knife" if decay else "stove")
