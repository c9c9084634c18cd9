"""The generated demo store: valid rows, deterministic, and behaviour that follows tastes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tailored.demo.data import DemoStore, generate_store
from tailored.engine.inputs import EventIn, ItemIn, UserIn, validate_rows

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def store() -> DemoStore:
    return generate_store(seed=3, n_shoppers=150, now=NOW)


def test_every_row_is_valid_input(store: DemoStore) -> None:
    for model, rows in ((ItemIn, store.items), (UserIn, store.users), (EventIn, store.events)):
        _, rejected = validate_rows(model, rows)
        assert rejected == [], f"{model.__name__}: {rejected[:3]}"


def test_catalog_looks_like_a_clothing_store_with_a_coffee_menu(store: DemoStore) -> None:
    assert 250 <= len(store.items) <= 500
    departments = Counter(row["attributes"].get("department") for row in store.items)
    assert departments["footwear"] > 50 and departments["clothing"] > 50, departments
    assert any("coffee" in row["categories"] for row in store.items)
    for row in store.items:
        assert row["title"] and row["attributes"]["price"] > 0
    assert len({row["id"] for row in store.items}) == len(store.items)


def test_same_seed_same_store_other_seed_other_store() -> None:
    first = generate_store(seed=5, n_shoppers=20, now=NOW)
    assert first == generate_store(seed=5, n_shoppers=20, now=NOW)
    assert first.events != generate_store(seed=6, n_shoppers=20, now=NOW).events


def test_events_lie_in_the_window_with_unique_ids(store: DemoStore) -> None:
    stamps = [row["timestamp"] for row in store.events]
    assert min(stamps) >= NOW - timedelta(days=60) and max(stamps) < NOW
    assert stamps == sorted(stamps)
    assert len({row["event_id"] for row in store.events}) == len(store.events)
    types = Counter(row["type"] for row in store.events)
    assert types["view"] > types["add_to_cart"] > types["purchase"] > 0


def test_purchases_follow_the_hidden_tastes(store: DemoStore) -> None:
    items = {row["id"]: row for row in store.items}
    bought = [row for row in store.events if row["type"] == "purchase"]
    in_taste = sum(store.tastes[row["user_id"]].likes(items[row["item_id"]]) for row in bought)
    share_of_catalog = sum(
        taste.likes(row) for taste in store.tastes.values() for row in store.items
    ) / (len(store.tastes) * len(store.items))
    # Far above what random buying would give: the signal a recommender must find.
    assert in_taste / len(bought) >= 0.7
    assert in_taste / len(bought) > 2 * share_of_catalog


@pytest.mark.parametrize(("field", "value"), [("n_shoppers", 0), ("days", 0)])
def test_bad_arguments_name_the_field(field: str, value: int) -> None:
    with pytest.raises(ValueError, match=field):
        generate_store(now=NOW, **{field: value})  # type: ignore[arg-type]


def test_the_coffee_menu_has_regulars_who_order_their_favourites(store: DemoStore) -> None:
    menu = {row["id"]: row for row in store.items if "coffee" in row["categories"]}
    assert {"coffee-espresso", "coffee-latte", "coffee-flat-white", "coffee-cold-brew"} <= set(menu)
    for row in menu.values():
        assert row["attributes"]["price"] > 0 and row["attributes"]["temperature"] in (
            "hot",
            "iced",
        )
    regulars = {uid for uid, taste in store.tastes.items() if taste.coffee}
    assert 0.15 * len(store.tastes) <= len(regulars) <= 0.6 * len(store.tastes)
    orders = [r for r in store.events if r["type"] == "purchase" and r["item_id"] in menu]
    assert {r["user_id"] for r in orders} == regulars  # only regulars order, each at least once
    for row in orders:
        assert row["value"] == menu[row["item_id"]]["attributes"]["price"]
    favourite = sum(store.tastes[r["user_id"]].likes(menu[r["item_id"]]) for r in orders)
    assert favourite / len(orders) >= 0.75
