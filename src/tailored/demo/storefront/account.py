"""The shopper's own things: favorites, the cart, and saved orders to order again.

The cart is the shopper's saved order named "cart" (so it follows the shopper, not the
browser); checking out orders it like any saved order, one `purchase` event per line,
then empties it. "Save as an order" keeps the cart under a name of the shopper's choice
for a one-click reorder later. The size and colour picked on the item page are part of
the line: the same item in another size is another line, in the same size it adds up.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tailored.client import Client, OrderLine, SavedOrder
from tailored.demo.storefront.common import (
    CART,
    MAX_QUANTITY,
    current_shopper,
    event,
    items_of,
    local,
    money,
    orderable,
    redirect,
    store_page,
    to_door,
)
from tailored.demo.storefront.options import Chosen
from tailored.demo.storefront.shop import client_of
from tailored.domain.catalog import Item
from tailored.domain.line_options import check_options, options_key, options_text
from tailored.errors import Conflict, InvalidInput, NotFound

router = APIRouter()
ItemId = Annotated[str, Form(max_length=256)]
Next = Annotated[str, Form()]


# --- favorites -------------------------------------------------------------------------


@router.get("/favorites", response_class=HTMLResponse, response_model=None)
def favorites(request: Request) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    saved = client.lists.favorites(who.id).entries
    items = items_of(client, [entry.item_id for entry in saved if entry.in_catalog])
    entries = [(entry, items.get(entry.item_id)) for entry in saved]
    return store_page(request, "store/favorites.html", who, entries=entries)


@router.post("/favorites", response_model=None)
def save_favorite(request: Request, item_id: ItemId, next: Next = "/store/favorites") -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    try:
        saved = client_of(request).lists.save(who.id, item_id)
    except (InvalidInput, NotFound, Conflict) as error:
        return redirect(local(next), str(error), error=True)
    title = saved.entry.title or item_id
    done = "Saved to your favorites" if saved.added else "Already in your favorites"
    return redirect(local(next), f"{done}: {title}.")


@router.post("/favorites/remove", response_model=None)
def remove_favorite(request: Request, item_id: ItemId, next: Next = "/store/favorites") -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    if item_id not in client.lists.favorites(who.id).item_ids:
        return redirect(local(next, "/store/favorites"), "That item was not a favorite.")
    client.lists.unsave(who.id, item_id)
    message = "Removed from your favorites."
    return redirect(local(next, "/store/favorites"), message)


# --- saved orders ----------------------------------------------------------------------


@router.get("/orders", response_class=HTMLResponse, response_model=None)
def orders(request: Request) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    saved = [o for o in client.orders.list(who.id) if o.name != CART]
    designs = client.configurators.list_designs(who.id, limit=20).items
    # A fresh id per order shown: sending the same form twice orders once.
    placed_ids = {order.id: uuid.uuid4().hex for order in saved}
    return store_page(
        request, "store/orders.html", who, orders=saved, designs=designs, placed_ids=placed_ids
    )


@router.post("/orders/{order_id}/reorder", response_model=None)
def reorder(request: Request, order_id: int, placed_id: Annotated[str, Form()] = "") -> Response:
    """Order a saved order again: one purchase per line, all or nothing."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    try:
        receipt = client_of(request).orders.reorder(who.id, order_id, placed_id=placed_id or None)
    except (NotFound, Conflict, InvalidInput) as error:
        return redirect("/store/orders", str(error), error=True)
    count = sum(line.quantity for line in receipt.lines)
    if receipt.recorded == 0 and receipt.duplicates:
        return redirect("/store/orders", "That order was already placed.")
    return redirect(
        "/store/orders", f"Ordered again: {count} items, {money(receipt.total)} in total."
    )


@router.post("/orders/{order_id}/delete", response_model=None)
def delete_order(request: Request, order_id: int) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    try:
        client_of(request).orders.delete(who.id, order_id)
    except NotFound as error:
        return redirect("/store/orders", str(error), error=True)
    return redirect("/store/orders", "The saved order is gone.")


# --- the cart --------------------------------------------------------------------------


@router.get("/cart", response_class=HTMLResponse, response_model=None)
def cart(request: Request) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    held = cart_of(client_of(request), who.id)
    return store_page(request, "store/cart.html", who, cart=held, checkout_id=uuid.uuid4().hex)


@router.post("/cart/add", response_model=None)
def add_to_cart(
    request: Request, item_id: ItemId, chosen: Chosen, quantity: Annotated[int, Form()] = 1
) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    back = f"/store/items/{item_id}"
    item = orderable(client, item_id, missing_to="/store/cart")
    if not isinstance(item, Item):
        return item
    options = chosen.of(item)
    if not isinstance(options, dict):
        return redirect(back, options, error=True)
    lines = _lines(cart_of(client, who.id))
    key = (item.id, options_key(options))
    total = (lines[key].quantity if key in lines else 0) + quantity
    if quantity < 1 or total > MAX_QUANTITY:
        return redirect(back, f"Quantity: at most {MAX_QUANTITY} of one item.", error=True)
    lines[key] = OrderLine(item.id, total, options=options)
    try:
        _set_cart(client, who.id, list(lines.values()))
    except (InvalidInput, Conflict) as error:
        return redirect(back, str(error), error=True)
    details = {"page": "item", "quantity": quantity} | ({"options": options} if options else {})
    client.events.record(event(who.id, "add_to_cart", item.id, value=quantity, **details))
    what = f"{item.title} ({options_text(options)})" if options else item.title
    return redirect("/store/cart", f"Added to your cart: {what}.")


@router.post("/cart/remove", response_model=None)
def remove_from_cart(
    request: Request, item_id: ItemId, options: Annotated[str, Form(max_length=2000)] = "{}"
) -> Response:
    """Take one line off: the item with the options it was added with (a JSON object)."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    lines = _lines(cart_of(client, who.id))
    key = _posted_key(options)
    removed = lines.pop((item_id, key), None) if key is not None else None
    if removed is None:
        return redirect("/store/cart", "That item was not in your cart.", error=True)
    _set_cart(client, who.id, list(lines.values()))
    details: dict[str, Any] = {"options": dict(removed.options)} if removed.options else {}
    client.events.record(event(who.id, "remove_from_cart", item_id, page="cart", **details))
    return redirect("/store/cart", "Removed from your cart.")


@router.post("/cart/checkout", response_model=None)
def checkout(request: Request, checkout_id: Annotated[str, Form(max_length=64)] = "") -> Response:
    """Buy what is in the cart: one `purchase` per line; sending the form twice (the
    same checkout id) buys once."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    held = cart_of(client, who.id)
    if held is None:
        return redirect("/store/cart", "Your cart is empty.", error=True)
    try:
        receipt = client.orders.reorder(who.id, held.id, placed_id=checkout_id or None)
    except (Conflict, InvalidInput) as error:
        return redirect("/store/cart", str(error), error=True)
    client.orders.delete(who.id, held.id)
    count = sum(line.quantity for line in receipt.lines)
    return redirect("/store/orders", f"Thank you! {count} items, {money(receipt.total)}.")


@router.post("/cart/save", response_model=None)
def save_cart(request: Request, name: Annotated[str, Form()] = "") -> Response:
    """Keep the cart as a named order to order again later (the cart stays as it is)."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    held = cart_of(client, who.id)
    if held is None:
        return redirect("/store/cart", "Your cart is empty: nothing to save.", error=True)
    if name.strip().lower() == CART:
        return redirect("/store/cart", "Name: 'cart' is your cart; choose another.", error=True)
    if any(order.name == name.strip() for order in client.orders.list(who.id)):
        return redirect("/store/cart", _taken(name.strip()), error=True)
    try:
        saved = client.orders.create(who.id, name, list(held.lines))
    except (Conflict, InvalidInput) as error:
        return redirect("/store/cart", _named(str(error)), error=True)
    return redirect("/store/orders", f"Saved as {saved.name!r}: reorder it here any time.")


def cart_of(client: Client, user_id: str) -> SavedOrder | None:
    return next((o for o in client.orders.list(user_id) if o.name == CART), None)


LineKey = tuple[str, tuple[tuple[str, str], ...]]


def _lines(held: SavedOrder | None) -> dict[LineKey, OrderLine]:
    """The cart's lines by item and options, in the cart's order."""
    return {(ln.item_id, options_key(ln.options)): ln for ln in held.lines} if held else {}


def _posted_key(posted: str) -> tuple[tuple[str, str], ...] | None:
    """The options a remove button sent, as a line key (None: not options at all)."""
    try:
        options = check_options("options", json.loads(posted))
    except (ValueError, InvalidInput):
        return None
    return options_key(options)


def _set_cart(client: Client, user_id: str, lines: Sequence[OrderLine]) -> None:
    held = cart_of(client, user_id)
    if not lines:
        if held is not None:
            client.orders.delete(user_id, held.id)
    elif held is None:
        client.orders.create(user_id, CART, lines)
    else:
        client.orders.update(user_id, held.id, name=CART, lines=lines)


def _taken(name: str) -> str:
    return f"You already have an order named {name!r}; choose another name."


def _named(problem: str) -> str:
    """The engine's 'name: ...' as a form label reads ('Name: ...')."""
    return problem[:1].upper() + problem[1:]


__all__ = ["cart_of", "router"]
