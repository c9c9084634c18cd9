"""In a browser: the size picked on an item page stays with its line through the cart,
a saved order, checkout and reorder (issue 13, item 3)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.web.conftest import Demo
from tests.web.test_store import _arrive_as_new_visitor, _shopper_id

from tailored.domain.catalog import Item

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]


def _item_in_sizes(demo: Demo, *sizes: str) -> Item:
    """An item of the demo catalog on sale in each of `sizes`."""
    with demo.engine() as engine:
        found = engine.items.list(attributes={"sizes": list(sizes[:1])}, available=True, limit=200)
    return next(i for i in found.items if set(sizes) <= set(i.attributes.get("sizes", [])))


def _add(page: Any, item: Item, size: str, quantity: int) -> None:
    page.goto(f"/store/items/{item.id}")
    page.get_by_label("Size").select_option(size)
    page.get_by_label("Quantity").fill(str(quantity))
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url("**/store/cart")
    page.get_by_text(f"Added to your cart: {item.title} (size: {size}).").wait_for()


def _lines(table: Any) -> list[tuple[str, str, int]]:
    """The cart's or a saved order's lines as the page shows them: (title, size, count)."""
    texts = table.locator("tbody tr").all_inner_texts()
    found = [re.match(r"(.+?)\s+Size: (\S+)\s+(\d+)\s", text) for text in texts]
    assert all(found), texts
    return [(m[1], m[2], int(m[3])) for m in found if m]


def test_sizes_stay_on_their_lines_through_cart_checkout_and_reorder(
    page: Any, demo: Demo, shot: Any
) -> None:
    item = _item_in_sizes(demo, "XL", "M")
    _arrive_as_new_visitor(page)
    _add(page, item, "XL", 2)
    _add(page, item, "M", 1)

    # Another size is another line.
    assert _lines(page.locator("table")) == [(item.title, "XL", 2), (item.title, "M", 1)]
    expect(page.get_by_role("link", name="Cart (3)")).to_be_visible()
    shot(page, "store_cart_with_sizes")
    page.get_by_label("Name of this order").fill("Two sizes")
    page.get_by_role("button", name="Save as an order").click()
    page.wait_for_url("**/store/orders")
    page.get_by_role("link", name="Cart (3)").click()
    page.get_by_role("button", name="Check out").click()
    page.get_by_text(re.compile(r"Thank you! 3 items, €[\d.,]+\.")).wait_for()

    saved = page.get_by_role("region", name="Two sizes")
    assert _lines(saved) == [(item.title, "XL", 2), (item.title, "M", 1)]
    page.get_by_role("button", name="Reorder Two sizes").click()
    page.get_by_text(re.compile(r"Ordered again: 3 items, €[\d.,]+ in total\.")).wait_for()
    shot(page, "store_orders_with_sizes")

    user_id = _shopper_id(page)
    with demo.engine() as engine:
        purchases = engine.events.query(user_id=user_id, types=["purchase"]).items
        (order,) = engine.orders.list(user_id)
    bought = sorted((e.context["order_id"], e.context["options"]["size"], e.context["quantity"])
                    for e in purchases)  # fmt: skip
    placed = sorted({order_id for order_id, *_ in bought})
    assert len(placed) == 2  # the checkout, then the reorder: each with both sizes
    assert [(size, quantity) for order_id, size, quantity in bought if order_id == placed[0]] == [
        ("M", 1),
        ("XL", 2),
    ]
    assert [(s, q) for o, s, q in bought if o == placed[1]] == [("M", 1), ("XL", 2)]
    assert [(ln.options, ln.quantity) for ln in order.lines] == [({"size": "XL"}, 2),
                                                                 ({"size": "M"}, 1)]  # fmt: skip
