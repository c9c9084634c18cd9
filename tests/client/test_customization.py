"""What users customize, through the client: preferences and onboarding, favorites and
lists, saved orders with a checkout-like reorder, alerts and notifications."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tailored import Engine
from tailored.client import Client, iterate
from tailored.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tailored.types import Scope

CATALOG: list[dict[str, Any]] = [
    {"id": "mug", "title": "Mug", "categories": ["kitchen"], "attributes": {"price": 8}},
    {"id": "lamp", "title": "Lamp", "attributes": {"price": 30}, "available": False},
    {"id": "tent", "title": "Tent", "categories": ["camping"], "attributes": {"price": 200}},
    {"id": "beans", "title": "Beans", "categories": ["coffee"], "attributes": {"price": 12.5}},
    {"id": "filter", "title": "Filter", "categories": ["coffee"]},
    {"id": "tee", "title": "Tee", "attributes": {"price": 20, "sizes": ["M", "XL"]}},
]


@pytest.fixture
def shop(client: Client) -> Client:
    assert client.items.upsert_many(CATALOG).accepted == len(CATALOG)
    return client


def test_preferences_schema_values_history_and_onboarding(
    shop: Client, client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    fields: list[dict[str, Any]] = [
        {"name": "theme", "kind": "choice", "choices": ["light", "dark"]},
        {
            "name": "favourite_categories",
            "kind": "choices",
            "attribute": "category",
            "effect": "boost",
            "question": "What do you shop for?",
        },
    ]
    schema = shop.preferences.set_schema(fields)
    assert schema == engine.preferences.schema()
    assert [f.name for f in schema.fields] == ["theme", "favourite_categories"]
    assert client_as("serve").preferences.schema() == schema

    ingest, serve = client_as("ingest"), client_as("serve")
    assert ingest.preferences.update("ann", {"theme": "dark"}) == {"theme": "dark"}
    with pytest.raises(InvalidInput) as refused:
        ingest.preferences.update("ann", {"theme": "blue"})
    assert refused.value.field == "preferences.theme"
    questions = serve.preferences.onboarding("ann")
    assert [(q.field, q.kind, q.text) for q in questions] == [
        ("favourite_categories", "choices", "What do you shop for?")
    ]
    assert set(questions[0].options) == {"kitchen", "camping", "coffee"}
    answered = ingest.preferences.answer("ann", {"favourite_categories": ["coffee"]})
    assert answered == {"theme": "dark", "favourite_categories": ["coffee"]}
    assert serve.preferences.onboarding("ann") == []
    assert ingest.preferences.replace("ann", {"theme": "light"}) == {"theme": "light"}
    assert serve.preferences.get("ann") == engine.preferences.get("ann")

    history = serve.preferences.history("ann")
    assert history == engine.preferences.history("ann")
    assert [(c.field, c.new, c.changed_by) for c in history[:2]] == [
        ("favourite_categories", None, "client-ingest"),
        ("theme", "light", "client-ingest"),
    ]
    with pytest.raises(PermissionDenied):
        ingest.preferences.set_schema(fields)


def test_contradictory_preferences_raise_invalid_input_naming_both_fields(
    shop: Client, client_as: Callable[[Scope], Client]
) -> None:
    ingest = client_as("ingest")
    with pytest.raises(InvalidInput) as refused:
        ingest.preferences.replace(
            "eve", {"favourite_categories": ["coffee"], "blocked_categories": ["coffee"]}
        )
    assert refused.value.field == "preferences.blocked_categories"
    assert "preferences.favourite_categories" in refused.value.problem
    ingest.preferences.update("eve", {"blocked_categories": ["coffee"]})
    with pytest.raises(InvalidInput) as refused:  # the onboarding survey too
        ingest.preferences.answer("eve", {"favourite_categories": ["coffee", "camping"]})
    assert refused.value.field == "preferences.favourite_categories"
    assert "preferences.blocked_categories" in refused.value.problem
    assert client_as("serve").preferences.get("eve") == {"blocked_categories": ["coffee"]}


def test_favorites_and_lists(shop: Client, client_as: Callable[[Scope], Client]) -> None:
    ingest, serve = client_as("ingest"), client_as("serve")
    empty = serve.lists.favorites("ann")
    assert (empty.info.id, empty.info.kind, empty.entries) == (0, "favorites", ())

    saved = ingest.lists.save("ann", "mug")
    assert (saved.added, saved.entry.item_id, saved.entry.title, saved.entry.price) == (
        True,
        "mug",
        "Mug",
        8.0,
    )
    again = ingest.lists.save("ann", "mug", note="blue")
    assert (again.added, again.entry.note, again.list_id) == (False, "blue", saved.list_id)
    ingest.lists.save("ann", "lamp", position=0)
    favorites = serve.lists.favorites("ann")
    assert favorites.item_ids == ("lamp", "mug")
    assert (favorites.info.user_id, favorites.info.size) == ("ann", 2)
    assert not favorites.entries[0].available

    birthday = ingest.lists.create("ann", "Birthday", description="for June")
    assert (birthday.kind, birthday.name, birthday.size, birthday.shared) == (
        "list",
        "Birthday",
        0,
        False,
    )
    with pytest.raises(Conflict):
        ingest.lists.create("ann", "Birthday")
    ingest.lists.save("ann", "tent", list_id=birthday.id)
    ingest.lists.save("ann", "beans", list_id=birthday.id, note="dark roast")
    renamed = ingest.lists.update("ann", birthday.id, name="June birthday")
    assert (renamed.name, renamed.description, renamed.size) == ("June birthday", "for June", 2)
    assert [(i.kind, i.name) for i in serve.lists.list("ann")] == [
        ("favorites", "Favorites"),
        ("list", "June birthday"),
    ]

    link = ingest.lists.share("ann", birthday.id)
    assert link.path == f"/v1/shared-lists/{link.token}"
    assert ingest.lists.share("ann", birthday.id) == link  # sharing again: the same link
    info = serve.lists.get("ann", birthday.id).info
    assert (info.shared, info.share_token, info.share_path) == (True, link.token, link.path)
    shared = serve.lists.shared(link.token)
    assert (shared.name, [e.item_id for e in shared.entries]) == (
        "June birthday",
        ["tent", "beans"],
    )

    ingest.lists.unsave("ann", "tent", list_id=birthday.id)
    ingest.lists.unsave("ann", "tent", list_id=birthday.id)  # idempotent
    ingest.lists.unsave("ann", "mug")
    assert serve.lists.favorites("ann").item_ids == ("lamp",)
    ingest.lists.unshare("ann", birthday.id)
    with pytest.raises(NotFound):
        serve.lists.shared(link.token)
    ingest.lists.delete("ann", birthday.id)
    with pytest.raises(NotFound) as gone:
        serve.lists.get("ann", birthday.id)
    assert gone.value.kind == "list"
    with pytest.raises(NotFound):
        serve.lists.get("bob", favorites.info.id)  # another user's list


def test_a_cart_saved_as_an_order_is_checked_out_once(
    shop: Client, client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    ingest = client_as("ingest")
    cart = ingest.orders.create("ann", "cart", [("beans", 2), {"item_id": "mug"}])
    assert [(line.item_id, line.quantity) for line in cart.lines] == [("beans", 2), ("mug", 1)]
    assert (cart.user_id, cart.total, cart.fully_priced) == ("ann", 33.0, True)
    cart = ingest.orders.update("ann", cart.id, name="cart", lines=[("beans", 2), ("filter", 1)])
    assert (cart.total, cart.fully_priced) == (25.0, False)  # the filter has no price
    assert cart.lines[1].unit_price is None and cart.lines[0].line_total == 25.0

    receipt = ingest.orders.reorder("ann", cart.id, placed_id="checkout-7")
    assert (receipt.order_id, receipt.saved_order_id, receipt.recorded) == (
        "checkout-7",
        cart.id,
        2,
    )
    retry = ingest.orders.reorder("ann", cart.id, placed_id="checkout-7")
    assert (retry.recorded, retry.duplicates) == (0, 2)  # a retried checkout buys once
    fresh = ingest.orders.reorder("ann", cart.id)  # the client gives it an order id
    assert fresh.recorded == 2 and len(fresh.order_id) == 32
    purchases = engine.events.query(user_id="ann", types=["purchase"]).items
    assert sorted((e.item_id, e.value) for e in purchases) == [
        ("beans", 25.0),
        ("beans", 25.0),
        ("filter", 1.0),
        ("filter", 1.0),
    ]

    usual = ingest.orders.create("ann", "my usual", [("lamp", 1)])
    with pytest.raises(Conflict) as refused:
        ingest.orders.reorder("ann", usual.id)
    assert "'lamp' is unavailable" in str(refused.value)
    with pytest.raises(Conflict):
        ingest.orders.create("ann", "my usual", [("mug", 1)])
    with pytest.raises(InvalidInput) as twice:
        ingest.orders.create("ann", "twice", [("mug", 1), ("mug", 2)])
    assert twice.value.field == "lines.1.item_id"

    serve = client_as("serve")
    assert [o.name for o in serve.orders.list("ann")] == ["cart", "my usual"]
    assert serve.orders.get("ann", usual.id) == serve.orders.list("ann")[1]
    ingest.orders.delete("ann", cart.id)
    with pytest.raises(NotFound):
        serve.orders.get("ann", cart.id)


def test_options_chosen_for_an_item_are_part_of_its_line(
    shop: Client, client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    ingest = client_as("ingest")
    lines = [("tee", 2, {"size": "XL"}), {"item_id": "tee", "options": {"size": "M"}}]
    cart = ingest.orders.create("ann", "cart", [*lines, ("mug", 1)])
    assert [(ln.item_id, ln.quantity, ln.options) for ln in cart.lines] == [
        ("tee", 2, {"size": "XL"}),
        ("tee", 1, {"size": "M"}),
        ("mug", 1, {}),
    ]
    assert cart.lines[0].options_text == "size: XL"
    # Lines read back go in again as they are: one more XL, the rest unchanged.
    grown = [replace(cart.lines[0], quantity=3), *cart.lines[1:]]
    cart = ingest.orders.update("ann", cart.id, name="cart", lines=grown)
    assert [(ln.quantity, ln.options) for ln in cart.lines] == [
        (3, {"size": "XL"}),
        (1, {"size": "M"}),
        (1, {}),
    ]
    receipt = ingest.orders.reorder("ann", cart.id, placed_id="checkout-9")
    assert receipt.recorded == 3 and receipt.lines == cart.lines
    tees = engine.events.query(user_id="ann", types=["purchase"], item_id="tee").items
    assert sorted((e.context["options"]["size"], e.value) for e in tees) == [
        ("M", 20.0),
        ("XL", 60.0),
    ]
    with pytest.raises(InvalidInput) as refused:
        ingest.orders.create("ann", "big", [("tee", 1, {"size": "XXL"})])
    assert refused.value.field == "lines.0.options.size"
    assert str(refused.value) == (
        "lines.0.options.size: must be one of M, XL (the item's sizes), not 'XXL'"
    )


def test_alerts_notifications_and_the_outbox(
    shop: Client, client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    ingest = client_as("ingest")
    back = ingest.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    cheap = ingest.subscriptions.subscribe("ann", "tent", "price_below", threshold=150)
    assert (back.user_id, back.kind, back.active) == ("ann", "back_in_stock", True)
    assert cheap.threshold == 150.0
    with pytest.raises(Conflict):  # in stock already
        ingest.subscriptions.subscribe("ann", "mug", "back_in_stock")
    with pytest.raises(InvalidInput) as missing:
        ingest.subscriptions.subscribe("ann", "tent", "price_below")
    assert missing.value.field == "threshold"

    shop.items.upsert({"id": "lamp", "title": "Lamp", "attributes": {"price": 30}})
    shop.items.upsert({"id": "tent", "title": "Tent", "attributes": {"price": 140}})
    engine.reactions.run()  # the alerts reaction catches up (the server runs it too)
    serve = client_as("serve")
    assert [s.active for s in serve.subscriptions.list("ann")] == [False, False]
    assert serve.subscriptions.list("ann", active=True) == ()
    notes = serve.subscriptions.notifications("ann")
    assert [(n.kind, n.item_id, n.new_value) for n in notes.items] == [
        ("price_below", "tent", 140.0),
        ("back_in_stock", "lamp", True),
    ]
    first = notes.items[0]
    assert first.id is not None
    read = ingest.subscriptions.mark_read("ann", first.id)
    assert read.read_at is not None
    unread = serve.subscriptions.notifications("ann", unread=True)
    assert [n.item_id for n in unread.items] == ["lamp"]

    outbox = list(iterate(shop.subscriptions.outbox, limit=1))
    assert [n.item_id for n in outbox] == ["lamp", "tent"]  # oldest first
    assert shop.subscriptions.mark_delivered([n.id for n in outbox if n.id is not None]) == 2
    assert shop.subscriptions.outbox().items == ()

    ingest.subscriptions.delete("ann", back.id)
    with pytest.raises(NotFound):
        ingest.subscriptions.delete("ann", back.id)
