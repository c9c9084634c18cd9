"""Saved orders on every backend: keep, read with current prices, change, reorder; the
options chosen for an item (size, colour) are part of its line everywhere."""

from __future__ import annotations

from typing import Any

import pytest

from tailored import Engine
from tailored.errors import Conflict, InvalidInput, NotFound

CATALOG = [
    {"id": "beans", "title": "Coffee beans", "attributes": {"price": 12.5}},
    {"id": "milk", "title": "Oat milk", "attributes": {"price": "2.10"}},
    {"id": "filter", "title": "Filters"},
    {"id": "grinder", "title": "Grinder", "attributes": {"price": 80}, "available": False},
    {"id": "tee", "title": "Tee", "attributes": {"price": 20, "sizes": ["S", "M", "XL"],
                                                  "colour": "red"}},
]  # fmt: skip
USUAL = [{"item_id": "beans", "quantity": 2}, {"item_id": "milk", "quantity": 3}, ("filter", 1)]


@pytest.fixture
def store(engine: Engine) -> Engine:
    assert not engine.items.upsert_many(CATALOG).rejected
    return engine


def _purchases(engine: Engine) -> list[tuple[str, str | None, float | None, dict[str, Any]]]:
    found = engine.events.query(types=["purchase"], newest_first=False).items
    return [(e.user_id, e.item_id, e.value, e.context) for e in found]


def test_a_saved_order_keeps_its_lines_and_reads_todays_prices(store: Engine) -> None:
    order = store.orders.create("ann", "my usual coffee", USUAL)

    assert order.name == "my usual coffee" and order.user_id == "ann"
    assert [(ln.item_id, ln.quantity, ln.unit_price, ln.line_total) for ln in order.lines] == [
        ("beans", 2, 12.5, 25.0),
        ("milk", 3, 2.1, 6.3),
        ("filter", 1, None, None),
    ]
    assert (order.total, order.fully_priced) == (31.3, False)
    store.items.upsert({"id": "beans", "title": "Coffee beans", "attributes": {"price": 10}})
    again = store.orders.get("ann", order.id)
    assert again.total == 26.3 and again.lines[0].title == "Coffee beans"
    assert [o.id for o in store.orders.list("ann")] == [order.id]
    assert store.orders.list("bo") == ()


def test_update_replaces_name_and_lines_and_delete_removes_the_order(store: Engine) -> None:
    order = store.orders.create("ann", "usual", USUAL)
    other = store.orders.create("ann", "weekend", [("beans", 1)])

    changed = store.orders.update("ann", order.id, name="weekday", lines=[("milk", 1)])

    assert (changed.id, changed.name) == (order.id, "weekday")
    assert [(ln.item_id, ln.quantity) for ln in changed.lines] == [("milk", 1)]
    with pytest.raises(Conflict) as taken:
        store.orders.update("ann", order.id, name="weekend", lines=[("milk", 1)])
    # Names the field and the value, never the user (a shop may show it to a shopper).
    assert str(taken.value) == "name: an order named 'weekend' exists already; choose another name"
    with pytest.raises(Conflict):
        store.orders.create("ann", "weekend", [("milk", 1)])
    store.orders.delete("ann", other.id)
    assert [o.name for o in store.orders.list("ann")] == ["weekday"]
    with pytest.raises(NotFound):
        store.orders.get("ann", other.id)


def test_reorder_records_one_purchase_per_line_and_returns_the_summary(store: Engine) -> None:
    order = store.orders.create("ann", "usual", USUAL)

    receipt = store.orders.reorder("ann", order.id, placed_id="o-1001")

    assert (receipt.order_id, receipt.saved_order_id, receipt.user_id) == (
        "o-1001",
        order.id,
        "ann",
    )
    assert (receipt.recorded, receipt.duplicates, receipt.total) == (3, 0, 31.3)
    context = {"saved_order_id": order.id, "order_id": "o-1001"}
    # One batch: PostgreSQL stores it in event-id order (its lock order), so compare by item.
    assert sorted(_purchases(store), key=lambda e: str(e[1])) == [
        ("ann", "beans", 25.0, {**context, "quantity": 2, "unit_price": 12.5}),
        ("ann", "filter", 1.0, {**context, "quantity": 1, "unit_price": None}),
        ("ann", "milk", 6.3, {**context, "quantity": 3, "unit_price": 2.1}),
    ]
    assert store.events.count() == 3


def test_a_retried_reorder_records_nothing_twice_and_a_new_one_gets_its_own_id(
    store: Engine,
) -> None:
    order = store.orders.create("ann", "usual", [("beans", 1)])
    store.orders.reorder("ann", order.id, placed_id="o-1")
    retry = store.orders.reorder("ann", order.id, placed_id="o-1")
    assert (retry.recorded, retry.duplicates) == (0, 1)
    fresh = store.orders.reorder("ann", order.id)
    assert fresh.recorded == 1 and fresh.order_id not in ("o-1", "")
    assert [c["order_id"] for *_, c in _purchases(store)] == ["o-1", fresh.order_id]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"id": "milk", "title": "Oat milk", "available": False}, "'milk' is unavailable"),
        (None, "'milk' is no longer in the catalog"),
    ],
)
def test_reorder_is_all_or_nothing_when_an_item_cannot_be_ordered(
    store: Engine, change: dict[str, Any] | None, named: str
) -> None:
    order = store.orders.create("ann", "usual", USUAL)
    if change is None:
        store.items.delete("milk")
    else:
        store.items.upsert(change)

    with pytest.raises(Conflict) as caught:
        store.orders.reorder("ann", order.id)

    assert named in str(caught.value) and "nothing was ordered" in str(caught.value)
    assert _purchases(store) == [] and store.events.count() == 0
    listed = store.orders.get("ann", order.id).lines
    assert [(ln.item_id, ln.available) for ln in listed][1] == ("milk", False)


@pytest.mark.parametrize(
    ("name", "lines", "field"),
    [
        ("", USUAL, "name"),
        ("x" * 201, USUAL, "name"),
        ("ok", [], "lines"),
        ("ok", "beans", "lines"),
        ("ok", [("beans", 0)], "lines.0.quantity"),
        ("ok", [("beans", 1), {"item_id": "milk", "quantity": 2.5}], "lines.1.quantity"),
        ("ok", [("beans", 1), ("nope", 1)], "lines.1.item_id"),
        ("ok", [("beans", 1), ("milk", 1), ("beans", 2)], "lines.2.item_id"),
        ("ok", [{"item_id": "beans", "qty": 1}], "lines.0.qty"),
        ("ok", [("a/b", 1)], "lines.0.item_id"),
    ],
)
def test_bad_orders_name_the_field_and_write_nothing(
    store: Engine, name: str, lines: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        store.orders.create("ann", name, lines)
    assert caught.value.field == field
    assert store.orders.list("ann") == () and store.users.count() == 0


def test_a_failed_update_leaves_the_order_as_it_was(store: Engine) -> None:
    order = store.orders.create("ann", "usual", USUAL)
    with pytest.raises(InvalidInput) as caught:
        store.orders.update("ann", order.id, name="new", lines=[("beans", 1), ("gone", 1)])
    assert caught.value.field == "lines.1.item_id"
    assert store.orders.get("ann", order.id) == order


def test_another_users_order_is_not_found_and_is_never_reordered(store: Engine) -> None:
    order = store.orders.create("ann", "usual", USUAL)
    attempts = [
        lambda: store.orders.get("bo", order.id),
        lambda: store.orders.update("bo", order.id, name="mine", lines=[("beans", 1)]),
        lambda: store.orders.delete("bo", order.id),
        lambda: store.orders.reorder("bo", order.id),
        lambda: store.orders.get("ann", -1),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert store.orders.get("ann", order.id) == order and store.events.count() == 0


def test_one_item_with_other_options_is_another_line_everywhere(store: Engine) -> None:
    lines = [
        ("tee", 2, {"size": "xl"}),
        {"item_id": "tee", "quantity": 1, "options": {"size": "M"}},
    ]
    order = store.orders.create("ann", "tees", [*lines, ("beans", 1), ("milk", 1, {"note": "oat"})])

    expected = [
        ("tee", 2, {"size": "XL"}),  # in the catalog's spelling
        ("tee", 1, {"size": "M"}),
        ("beans", 1, {}),
        ("milk", 1, {"note": "oat"}),  # the item lists no notes: any text goes
    ]
    assert [(ln.item_id, ln.quantity, ln.options) for ln in order.lines] == expected
    assert store.orders.get("ann", order.id) == order and order.total == 74.6
    receipt = store.orders.reorder("ann", order.id, placed_id="o-7")
    assert (receipt.recorded, [ln.options for ln in receipt.lines][:2]) == (
        4,
        [{"size": "XL"}, {"size": "M"}],
    )
    bought = [(e[1], e[3].get("options"), e[3]["quantity"]) for e in _purchases(store)]
    assert sorted(bought, key=str) == [
        ("beans", None, 1),
        ("milk", {"note": "oat"}, 1),
        ("tee", {"size": "M"}, 1),
        ("tee", {"size": "XL"}, 2),
    ]
    again = store.orders.reorder("ann", order.id, placed_id="o-7")  # a retry: each line once
    assert (again.recorded, again.duplicates) == (0, 4)
    changed = store.orders.update("ann", order.id, name="tees", lines=[("tee", 3, {"size": "S"})])
    assert [(ln.item_id, ln.options) for ln in changed.lines] == [("tee", {"size": "S"})]


@pytest.mark.parametrize(
    ("lines", "field", "problem"),
    [
        ([("tee", 1, {"size": "XXL"})], "lines.0.options.size",
         "must be one of S, M, XL (the item's sizes), not 'XXL'"),
        ([("beans", 1), ("tee", 1, {"colour": "blue"})], "lines.1.options.colour",
         "must be red (the item's colour), not 'blue'"),
        ([("tee", 1, {"size": "M"}), ("tee", 2, {"size": "m"})], "lines.1.item_id",
         "'tee' with size: M is already on line 0"),
        ([("tee", 1, {"size": ""})], "lines.0.options.size", "the value must not be empty"),
        ([("tee", 1, {" ": "M"})], "lines.0.options", "an option name must not be empty"),
        ([("tee", 1, {"size": "M" * 101})], "lines.0.options.size", "at most 100 characters"),
        ([("tee", 1, {"n" * 41: "M"})], "lines.0.options", "at most 40 characters"),
        ([("tee", 1, {f"o{i}": "x" for i in range(11)})], "lines.0.options", "at most 10 options"),
        ([("tee", 1, {"size": 42})], "lines.0.options.size", "the value must be text"),
        ([("tee", 1, ["size", "M"])], "lines.0.options", "must be an object"),
        ([("tee", 1, {"size": "M\x00"})], "lines.0.options.size", "control characters"),
    ],
)  # fmt: skip
def test_options_are_checked_and_a_bad_one_is_named(
    store: Engine, lines: Any, field: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        store.orders.create("ann", "bad", lines)
    assert caught.value.field == field and problem in caught.value.problem
    assert store.orders.list("ann") == ()


def test_a_line_whose_option_is_no_longer_offered_blocks_the_reorder(store: Engine) -> None:
    order = store.orders.create("ann", "tees", [("tee", 1, {"size": "XL"}), ("beans", 1)])
    store.items.upsert({"id": "tee", "title": "Tee", "attributes": {"sizes": ["S", "M"]}})

    with pytest.raises(Conflict, match="'tee' no longer comes in size XL; nothing was ordered"):
        store.orders.reorder("ann", order.id)
    assert _purchases(store) == []
