"""The size and colour picked on an item page are part of the line in the storefront:
the cart, saved orders, checkout and reorder, buy now, and the purchase events (both
backends; tests/web walks the same path in a browser)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.demo.test_storefront_pages import _events, _flash, store

from tailored import Engine

__all__ = ["store"]  # the fixture, shared with the storefront's page tests

TEE = {
    "id": "tee",
    "title": "Tee",
    "categories": ["clothing"],
    "attributes": {"price": 20, "sizes": ["S", "M", "XL"], "colours": ["red", "blue"]},
}


@pytest.fixture
def tee(shop: Engine) -> str:
    assert not shop.items.upsert_many([TEE]).rejected
    return "tee"


def _cart(shop: Engine) -> list[tuple[str, int, dict[str, str]]]:
    (cart,) = [o for o in shop.orders.list("camper0") if o.name == "cart"]
    return [(ln.item_id, ln.quantity, dict(ln.options)) for ln in cart.lines]


def _add(store: TestClient, quantity: int, size: str, colour: str = "red") -> Any:
    data = {"item_id": "tee", "quantity": str(quantity), "size": size, "colour": colour}
    return store.post("/store/cart/add", data=data)


def test_the_item_page_offers_the_items_sizes_and_colours(store: TestClient, tee: str) -> None:
    page = store.get(f"/store/items/{tee}").text
    assert '<select id="size" name="size" required>' in page
    assert "<option>XL</option>" in page and "<option>blue</option>" in page
    one_size = store.get("/store/items/pan").text  # the pan lists no sizes: nothing to pick
    assert 'name="size"' not in one_size and 'name="colour"' not in one_size


def test_cart_lines_are_the_item_with_its_options(
    store: TestClient, shop: Engine, tee: str
) -> None:
    added = _add(store, 2, "XL")
    assert "Added to your cart: Tee (colour: red, size: XL)." in _flash(store, added)
    _add(store, 1, "M")
    _add(store, 1, "xl")  # the same size: the quantities add up

    assert _cart(shop) == [
        (tee, 3, {"colour": "red", "size": "XL"}),
        (tee, 1, {"colour": "red", "size": "M"}),
    ]
    cart = store.get("/store/cart").text
    assert cart.count("Colour: red, Size: XL") == 1 and "Colour: red, Size: M" in cart
    assert "Cart (4)" in cart and "€80.00" in cart
    events = [(e.value, e.context.get("options")) for e in _events(shop, "camper0", "add_to_cart")]
    assert events[:2] == [
        (2.0, {"colour": "red", "size": "XL"}),
        (1.0, {"colour": "red", "size": "M"}),
    ]

    # Removing takes off the line of that size only.
    sent = re.findall(r'name="options" value="([^"]+)"', cart)
    posted = json.loads(sent[1].replace("&#34;", '"'))
    removed = store.post("/store/cart/remove", data={"item_id": tee, "options": json.dumps(posted)})
    assert "Removed from your cart." in _flash(store, removed)
    assert _cart(shop) == [(tee, 3, {"colour": "red", "size": "XL"})]
    (gone,) = _events(shop, "camper0", "remove_from_cart")
    assert gone.context["options"] == {"colour": "red", "size": "M"}


@pytest.mark.parametrize(
    ("size", "colour", "message"),
    [
        ("", "red", "Size: choose one."),
        ("XXL", "red", "Size: must be one of S, M, XL (the item&#39;s sizes), not &#39;XXL&#39;."),
        ("M", "green", "Colour: must be one of red, blue (the item&#39;s colours)"),
    ],
)
def test_a_size_the_item_does_not_offer_is_refused_on_the_item_page(
    store: TestClient, shop: Engine, tee: str, size: str, colour: str, message: str
) -> None:
    for action in ("/store/cart/add", f"/store/items/{tee}/buy"):
        data = {"item_id": tee, "quantity": "1", "size": size, "colour": colour}
        refused = store.post(action, data=data)
        assert refused.headers["location"] == f"/store/items/{tee}"
        assert message in _flash(store, refused)
    assert not [o for o in shop.orders.list("camper0") if o.name == "cart"]
    assert _events(shop, "camper0", "add_to_cart") == []
    assert [e for e in _events(shop, "camper0", "purchase") if e.item_id == tee] == []


def test_checkout_saved_orders_and_reorder_keep_the_sizes(
    store: TestClient, shop: Engine, tee: str
) -> None:
    _add(store, 2, "XL")
    _add(store, 1, "M", "blue")
    saved = store.post("/store/cart/save", data={"name": "Tees"})
    assert "Saved as &#39;Tees&#39;" in _flash(store, saved)
    again = store.post("/store/cart/save", data={"name": " Tees "})
    (alert,) = re.findall(r'role="alert">([^<]*)<', _flash(store, again))
    # Not the API's words about a user id: what the shopper can do about it.
    assert alert == "You already have an order named &#39;Tees&#39;; choose another name."
    cart = store.get("/store/cart").text
    checkout_id = re.search(r'name="checkout_id" value="(\w+)"', cart)
    assert checkout_id is not None
    done = store.post("/store/cart/checkout", data={"checkout_id": checkout_id.group(1)})
    assert "Thank you! 3 items, €60.00." in _flash(store, done)

    (order,) = shop.orders.list("camper0")
    expected = [
        (tee, 2, {"colour": "red", "size": "XL"}),
        (tee, 1, {"colour": "blue", "size": "M"}),
    ]
    assert [(ln.item_id, ln.quantity, dict(ln.options)) for ln in order.lines] == expected
    orders = store.get("/store/orders").text
    assert "Colour: red, Size: XL" in orders and "Colour: blue, Size: M" in orders
    reordered = store.post(f"/store/orders/{order.id}/reorder", data={"placed_id": "p-9"})
    assert "Ordered again: 3 items, €60.00 in total." in _flash(store, reordered)
    purchases = [e for e in _events(shop, "camper0", "purchase") if e.item_id == tee]
    bought = [(e.context["order_id"], e.context["quantity"], e.context["options"])
              for e in purchases]  # fmt: skip
    placed = {order_id for order_id, *_ in bought}
    assert len(bought) == 4 and len(placed) == 2 and "p-9" in placed
    for order_id in placed:
        lines = sorted((q, o["size"], o["colour"]) for i, q, o in bought if i == order_id)
        assert lines == [(1, "M", "blue"), (2, "XL", "red")]


def test_buy_now_carries_the_size_and_colour(store: TestClient, shop: Engine, tee: str) -> None:
    data = {"quantity": "2", "size": "S", "colour": "blue"}
    bought = store.post(f"/store/items/{tee}/buy", data=data)
    assert "You bought 2 x Tee (colour: blue, size: S)." in _flash(store, bought)
    (purchase,) = [e for e in _events(shop, "camper0", "purchase") if e.item_id == tee]
    assert purchase.value == 40.0
    assert (purchase.context["quantity"], purchase.context["options"]) == (
        2,
        {"colour": "blue", "size": "S"},
    )
