"""The ranking pipeline gives exactly the lists the ranking gave before it existed.

`ranking_before_pipeline.json` holds the answers of the ranking chain as it was before
the pipeline (`ranking/pipeline.py`) replaced it, recorded on the store below for every
variant of the placement settings: the same requests must give the same items, scores,
reasons, boosts and notices, on every backend. The file is a record of that code: do not
regenerate it unless a change of the ranking is meant (and then say so in the commit).
Re-recorded once for reasons only (the same items and scores): pairs viewed together say
so instead of "bought together", a filler outside the list's category is "popular this
week", not "popular in <category> this week", and an item without activity is "from our
<category> range", not "new in <category>" (which it need not be).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tailored import Engine
from tailored.config import Settings
from tailored.domain.recommendations import Context, Filters, RecommendationList

RECORD = Path(__file__).parent / "ranking_before_pipeline.json"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
WINTER = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 20, 19, 0, tzinfo=UTC)
CATEGORIES = ("tents", "stoves", "shoes", "socks", "kitchen", "books")
BRANDS = ("Acme", "Zeta", "Chef", "Nord")

# Every shape of TAILORED_PLACEMENTS the ranking reads, alone and together.
VARIANTS: dict[str, dict[str, Any]] = {
    "none": {},
    "default_only": {"default": {"diversity": 0.5}},
    "diversity_light": {"home": {"diversity": 0.3}},
    "diversity_strong": {"home": {"diversity": 0.9}},
    "boost_category": {"home": {"boosts": [{"category": "books", "factor": 1.5}]}},
    "boost_attribute": {
        "home": {"boosts": [{"attribute": "brand", "value": "Zeta", "factor": 2.0}]}
    },
    "boost_items": {"home": {"boosts": [{"items": ["i07", "i31", "i44"], "factor": 3.0}]}},
    "demote": {"home": {"boosts": [{"category": "kitchen", "factor": 0.5}]}},
    "boost_winter": {
        "home": {"boosts": [{"category": "socks", "factor": 4.0, "when": {"season": "winter"}}]}
    },
    "boost_combined": {
        "home": {
            "boosts": [
                {"category": "shoes", "attribute": "brand", "value": "Acme", "factor": 2.5},
                {"items": ["i02", "i13"], "category": "tents", "factor": 1.2},
                {"category": "books", "factor": 3.0, "when": {"device": "mobile"}},
            ]
        }
    },
    "keep_seen": {"home": {"exclude_seen": False}},
    "keep_purchased": {"home": {"exclude_purchased": False}},
    "keep_both": {"home": {"exclude_seen": False, "exclude_purchased": False}},
    "no_preferences": {"home": {"preference_weight": 0}},
    "strong_preferences": {"home": {"preference_weight": 2.5}},
    "everything": {
        "home": {
            "diversity": 0.4,
            "exclude_seen": False,
            "preference_weight": 0.5,
            "boosts": [
                {"category": "stoves", "factor": 1.8},
                {"attribute": "brand", "value": "Nord", "factor": 0.7},
            ],
        },
        "default": {"diversity": 0.2, "boosts": [{"category": "tents", "factor": 2.0}]},
    },
}
MODELS = ("item_knn", "ease")  # ease scores go negative: the other normalisation
# The weighting the record was made with: this test is about the pipeline giving the
# ranking chain's answers, not about weights, so it keeps the settings of that time
# (events did not decay then; the default decay has its own tests).
RECORDED_WITH: dict[str, Any] = {"interaction_half_life_days": None}


def _items() -> list[dict[str, Any]]:
    rng = np.random.default_rng(11)
    rows: list[dict[str, Any]] = []
    for n in range(48):
        category = CATEGORIES[n % len(CATEGORIES)]
        extra = [CATEGORIES[(n + 1) % len(CATEGORIES)]] if n % 7 == 0 else []
        rows.append(
            {
                "id": f"i{n:02d}",
                "title": f"Item {n}",
                "categories": [category, *extra],
                "attributes": {
                    "brand": BRANDS[int(rng.integers(len(BRANDS)))],
                    "price": float(rng.integers(5, 200)),
                },
                "available": n % 13 != 5,
            }
        )
    return rows


def _events() -> list[dict[str, Any]]:
    """120 shoppers who each mostly stay within two categories; every third buys."""
    rng = np.random.default_rng(7)
    start = NOW - timedelta(days=20)
    rows: list[dict[str, Any]] = []
    for u in range(120):
        liked = rng.choice(len(CATEGORIES), size=2, replace=False)
        for step in range(int(rng.integers(3, 9))):
            category = int(liked[0] if rng.random() < 0.7 else liked[1])
            if rng.random() < 0.1:
                category = int(rng.integers(len(CATEGORIES)))
            item = category + len(CATEGORIES) * int(rng.integers(7))  # never i42-i47
            at = start + timedelta(hours=int(u) * 3 + step, minutes=int(rng.integers(60)))
            kind = "purchase" if step % 3 == 2 else "view"
            rows.append(
                {
                    "event_id": f"e{u}-{step}",
                    "user_id": f"u{u:03d}",
                    "item_id": f"i{item:02d}",
                    "type": kind,
                    "timestamp": at,
                }
            )
    return rows


def _store(engine: Engine) -> None:
    assert not engine.items.upsert_many(_items()).rejected
    assert not engine.events.record_many(_events()).rejected
    visitor = [("view", "i00"), ("view", "i06"), ("purchase", "i12"), ("view", "i03")]
    visitor += [("view", "i09"), ("view", "i19"), ("purchase", "i25")]
    assert not engine.events.record_many(
        [
            {
                "event_id": f"ann-{k}",
                "user_id": "ann",
                "type": kind,
                "item_id": item,
                "timestamp": NOW - timedelta(hours=10 - k),
            }
            for k, (kind, item) in enumerate(visitor)
        ]
    ).rejected
    engine.preferences.update(
        "ann", {"favourite_categories": ["books"], "brands": ["Chef"]}, changed_by="test"
    )
    engine.preferences.update(
        "bea",
        {"favourite_categories": ["kitchen", "socks"], "blocked_categories": ["tents"]},
        changed_by="test",
    )
    engine.preferences.update("cy", {"price_range": {"min": None, "max": 60}}, changed_by="test")
    engine.events.record_many(
        [
            {
                "event_id": f"cy-{k}",
                "user_id": "cy",
                "type": "view",
                "item_id": item,
                "timestamp": NOW - timedelta(hours=5 - k),
            }
            for k, item in enumerate(("i02", "i08", "i14"))
        ]
    )
    engine.events.record_many(
        [
            {
                "event_id": "dot-1",
                "user_id": "dot",
                "type": "view",
                "item_id": "i04",
                "timestamp": NOW - timedelta(hours=2),
            }
        ]
    )
    engine.consents.set("dot", {"personalization": False})
    engine.training.train("item_knn", tune=False)
    engine.training.train("ease", tune=False, params={"l2": 50.0})
    engine.training.train("cooccurrence", tune=False)


def _requests(engine: Engine) -> Iterator[tuple[str, RecommendationList]]:
    served = engine.recommendations
    winter = Context(time=WINTER)
    for placement in (None, "home", "elsewhere"):
        where = f"@{placement}"
        yield f"ann{where}", served.for_user("ann", n=6, placement=placement, context=winter)
        yield f"ann-deep{where}", served.for_user("ann", n=30, placement=placement, context=winter)
        yield f"nobody{where}", served.for_user("zed", n=8, placement=placement, context=winter)
        yield f"similar{where}", served.similar("i03", n=6, placement=placement)
        yield f"together{where}", served.bought_together("i12", n=6, placement=placement)
    home = "home"
    summer = Context(time=SUMMER, facts={"device": "mobile"})
    yield "ann-summer-mobile", served.for_user("ann", n=8, placement=home, context=summer)
    yield (
        "ann-filtered",
        served.for_user(
            "ann",
            n=8,
            placement=home,
            context=winter,
            filters=Filters(categories=("books", "socks"), exclude_items=("i09",)),
        ),
    )
    yield (
        "ann-zeta",
        served.for_user(
            "ann",
            n=5,
            placement=home,
            context=winter,
            filters=Filters(attributes={"brand": ("Zeta",)}),
        ),
    )
    yield "bea-cold-start", served.for_user("bea", n=8, placement=home, context=winter)
    yield "cy-range", served.for_user("cy", n=8, placement=home, context=winter)
    yield "dot-no-consent", served.for_user("dot", n=6, placement=home, context=winter)
    session = Context(session_items=("i01", "i07"), cart_items=("i13",), time=WINTER)
    yield "anonymous-session", served.for_user(None, n=6, placement=home, context=session)
    yield (
        "anonymous-cart-only",
        served.for_user(
            None, n=6, placement=home, context=Context(cart_items=("i05",), time=SUMMER)
        ),
    )
    yield "similar-new-item", served.similar("i44", n=5, placement=home)
    yield "similar-unknown", served.similar("nothing", n=5, placement=home)
    yield "similar-for-bea", served.similar("i02", n=6, placement=home, user_id="bea")
    yield (
        "similar-in-books",
        served.similar("i05", n=6, placement=home, filters=Filters(categories=("books",))),
    )
    yield "together-deep", served.bought_together("i00", n=25, placement=home)


def _as_json(answer: RecommendationList) -> dict[str, Any]:
    """An answer as compact text: one line per item, then how the list was made."""
    return {
        "items": [
            f"{r.item_id} {r.score}{' boosted' if r.boosted else ''} {r.reason.kind}: "
            f"{r.reason.text} ({r.reason.item_id or ''}/{r.reason.category or ''})"
            for r in answer.items
        ],
        "personalized": answer.personalized,
        "source": answer.source,
        "placement": answer.placement,
        "notice": answer.notice,
    }


def answers(engine: Engine) -> dict[str, Any]:
    """Every request of every variant, on a store `engine` holds (see `_store`)."""
    found: dict[str, Any] = {}
    for model in MODELS:
        for name, placements in VARIANTS.items():
            # Read the store once per variant: what it holds does not change meanwhile.
            # item_knn served similar items when the record was made (the default since
            # is similar_blend, a change of the model, not of the ranking).
            overrides = {"recommend_model": model, "placements": placements,
                         "similar_model": "item_knn", "serving_refresh_seconds": 3600,
                         **RECORDED_WITH}  # fmt: skip
            settings = Settings.model_validate(engine.settings.model_dump() | overrides)
            variant = Engine(engine.db, settings, clock=lambda: NOW)
            for case, answer in _requests(variant):
                found[f"{model}/{name}/{case}"] = _as_json(answer)
    return found


def record(found: dict[str, Any]) -> dict[str, Any]:
    """The file's form: each distinct answer once, and which answer each request got."""
    distinct: dict[str, int] = {}
    requests = {}
    for key in sorted(found):
        text = json.dumps(found[key], sort_keys=True)
        requests[key] = distinct.setdefault(text, len(distinct))
    return {"answers": [json.loads(text) for text in distinct], "requests": requests}


def _recorded() -> dict[str, Any]:
    saved = json.loads(RECORD.read_text())
    return {key: saved["answers"][k] for key, k in saved["requests"].items()}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    _store(Engine(engine.db, engine.settings.model_copy(update=RECORDED_WITH)))
    return engine


def test_every_placement_variant_ranks_as_before_the_pipeline(seeded: Engine) -> None:
    recorded = _recorded()
    now = answers(seeded)
    assert sorted(now) == sorted(recorded)
    different = [key for key in recorded if now[key] != recorded[key]]
    assert different == [], f"{len(different)} lists changed, e.g. {different[:5]}"


def test_the_record_covers_every_path_of_the_ranking() -> None:
    # Guard against a record that compares nothing much: every source, notice and kind
    # of reason appears, and variants really change lists.
    recorded = _recorded()
    assert len(recorded) == len(MODELS) * len(VARIANTS) * 28
    sources = {a["source"] for a in recorded.values()}
    assert sources == {"item_knn", "ease", "cooccurrence", "trending"}
    kinds = {line.split(":")[0].split()[-1] for a in recorded.values() for line in a["items"]}
    # Its shoppers buy one item at a time: what goes together was viewed together.
    assert kinds == {"history", "session", "similar", "viewed_together", "preference",
                     "trending", "trending_in_category", "catalog"}  # fmt: skip
    assert any(" boosted " in line for a in recorded.values() for line in a["items"])
    notices = {a["notice"] for a in recorded.values()}
    assert len(notices) >= 5
    for model in MODELS:
        plain = recorded[f"{model}/none/ann@home"]
        for variant in ("diversity_strong", "boost_category", "keep_both", "strong_preferences"):
            assert recorded[f"{model}/{variant}/ann@home"] != plain, variant
