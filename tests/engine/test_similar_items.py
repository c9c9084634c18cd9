"""Similar items are similar in kind: in the demo store, a coffee's are coffees (item_knn
alone gave hoodies and sneakers), and items no one has touched yet get some too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tailored import Engine
from tailored.config import Settings
from tailored.demo.data import generate_store

NOW = datetime(2026, 11, 20, tzinfo=UTC)
COFFEES = ("coffee-espresso", "coffee-flat-white", "coffee-cappuccino")


@pytest.fixture
def demo_store(engine: Engine) -> dict[str, tuple[str, ...]]:
    """The demo's catalog and 60 shoppers' events; each item's categories by id."""
    store = generate_store(n_shoppers=60, now=NOW)
    assert not engine.items.upsert_many(list(store.items)).rejected
    assert not engine.events.record_many(list(store.events)).rejected
    return {row["id"]: tuple(row["categories"]) for row in store.items}


def _serving(engine: Engine, **settings: Any) -> Engine:
    return Engine(engine.db, Settings.model_validate(engine.settings.model_dump() | settings))


def test_the_similar_items_of_a_demo_coffee_are_coffees(
    engine: Engine, demo_store: dict[str, tuple[str, ...]]
) -> None:
    assert Settings().similar_model == "similar_blend"  # the default users get
    engine.training.train("similar_blend", tune=False)
    served = _serving(engine)
    for coffee in COFFEES:
        answer = served.recommendations.similar(coffee, n=5)
        assert answer.source == "similar_blend"
        assert [demo_store[r.item_id] for r in answer.items] == [("coffee",)] * 5, coffee
        title = engine.items.get(coffee).title
        assert {r.reason.text for r in answer.items} == {f"similar to {title}"}


def test_behaviour_alone_mixes_kinds_on_the_same_store(
    engine: Engine, demo_store: dict[str, tuple[str, ...]]
) -> None:
    """Why the blend: item_knn, still selectable, pairs coffees with clothes."""
    engine.training.train("item_knn", tune=False)
    served = _serving(engine, similar_model="item_knn")
    kinds = [
        demo_store[r.item_id][0]
        for coffee in COFFEES
        for r in served.recommendations.similar(coffee, n=5).items
    ]
    assert kinds.count("coffee") < len(kinds) / 2


def test_a_new_item_gets_similar_items_of_its_kind(
    engine: Engine, demo_store: dict[str, tuple[str, ...]]
) -> None:
    new = {"id": "coffee-iced-oat-latte", "title": "Iced oat latte", "categories": ["coffee"],
           "attributes": {"temperature": "iced", "milk": True, "caffeine": "medium"}}  # fmt: skip
    engine.items.upsert(new)
    version = engine.training.train("similar_blend")  # tuned on validation, as by default
    assert version.items == len(demo_store) + 1  # every catalog item, with events or not
    answer = _serving(engine).recommendations.similar("coffee-iced-oat-latte", n=5)
    assert answer.source == "similar_blend"
    assert {demo_store[r.item_id] for r in answer.items} == {("coffee",)}
