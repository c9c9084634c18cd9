"""The demo storefront: pick a shopper, then a store that tailors itself to them.

The home page shows three placements ("Top picks for you", "Because you viewed ...",
"Trending now") and the coffee bar; an item page shows the item and two more ("Often
bought or viewed together", each card's reason saying which, and "Similar items"). Each
row leaves out the items of the rows above it (`exclude`), so a page never shows an item
twice: for a new visitor, whose top picks are what is trending, "Trending now" goes on
with the next items. What the shopper
said never to show appears nowhere, the coffee bar included. Every page records what it
showed and what the shopper did, so the next page already reflects it. The account pages
(favorites, orders, cart), the preference center and onboarding, the configurators and
the pictures live in the other modules of this package and are included here.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tailored.client import Client
from tailored.demo.storefront import account as store_account
from tailored.demo.storefront import configure as store_configure
from tailored.demo.storefront import images as store_images
from tailored.demo.storefront import preferences as store_preferences
from tailored.demo.storefront.common import (
    CART,
    MAX_QUANTITY,
    Row,
    Shopper,
    current_shopper,
    event,
    impressions,
    items_of,
    orderable,
    record,
    redirect,
    row_of,
    store_page,
    to_door,
)
from tailored.demo.storefront.options import Chosen, choices
from tailored.demo.storefront.rendering import page
from tailored.demo.storefront.shop import client_of, store_of
from tailored.demo.storefront.shopper import new_visitor_id, remember_shopper, shopper, store_guard
from tailored.domain.catalog import Item
from tailored.domain.identifiers import check_identifier
from tailored.domain.line_options import options_text
from tailored.domain.preference_effects import preference_filters
from tailored.domain.recommendations import Context, Filters
from tailored.errors import Conflict, InvalidInput, NotFound

# Every page checks that a form comes from the store's own page (CSRF).
router = APIRouter(prefix="/store", dependencies=[Depends(store_guard)])
ROW_SIZE = 8
ITEM_ROW_SIZE = 6
# The placements of the rows, as the console's click-through reports name them.
TOP_PICKS, BECAUSE_VIEWED, TRENDING = "home_top_picks", "because_viewed", "trending"
BOUGHT_TOGETHER, SIMILAR = "bought_together", "similar_items"
PLACEMENTS = (TOP_PICKS, BECAUSE_VIEWED, TRENDING, BOUGHT_TOGETHER, SIMILAR)
ItemId = Annotated[str, Form(max_length=256)]


@router.get("", response_class=HTMLResponse)
def choose_shopper(request: Request) -> HTMLResponse:
    """Who to shop as: a few known shoppers, or a new anonymous visitor."""
    return _door(request)


@router.post("/as", response_model=None)
def shop_as(request: Request, user_id: Annotated[str, Form()] = "") -> Response:
    wanted = user_id.strip()
    if wanted:
        try:
            wanted = check_identifier("user_id", wanted)  # the engine's one id rule
        except InvalidInput as invalid:
            return _door(request, error=str(invalid), status_code=422)
    response = RedirectResponse("/store/home", status_code=303)
    remember_shopper(response, wanted or new_visitor_id())
    return response


def _door(request: Request, *, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    return page(
        request,
        "store/choose.html",
        users=store_of(request).shoppers,
        current=shopper(request),
        error=error,
        status_code=status_code,
    )


@router.get("/home", response_class=HTMLResponse, response_model=None)
def home(request: Request) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    cart = _cart_items(client, who.id)
    rows = [
        row_of(
            client,
            "Top picks for you",
            TOP_PICKS,
            client.recommendations.for_user(
                who.id, n=ROW_SIZE, placement=TOP_PICKS, context=Context(cart_items=cart)
            ),
        )
    ]
    # Built from what the shopper did: only with their consent, as the engine rules.
    viewed = _latest_item(client, who) if who.personalized else None
    if viewed is not None:
        similar = client.recommendations.similar(
            viewed.id,
            n=ROW_SIZE,
            placement=BECAUSE_VIEWED,
            user_id=who.id,
            filters=_not_in(rows),
        )
        rows.append(row_of(client, f"Because you viewed {viewed.title}", BECAUSE_VIEWED, similar))
    # Trending is the same for everyone, except what this shopper said never to show.
    trending = client.recommendations.for_user(
        None,
        n=ROW_SIZE,
        placement=TRENDING,
        filters=_never_shown(client, who).merged(_not_in(rows)),
    )
    rows.append(row_of(client, "Trending now", TRENDING, trending))
    record(client, impressions(who.id, rows, page_name="home"))
    questions = client.preferences.onboarding(who.id)
    answered = bool(who.preferences)
    # The menu, not a recommendation: every coffee the shopper may be shown.
    menu = client.items.list(categories=["coffee"], limit=24, user_id=who.id).items
    coffee = [(item, store_configure.coffee_link(item)) for item in menu if item.available]
    return store_page(
        request,
        "store/home.html",
        who,
        rows=rows,
        ask_onboarding=bool(questions) and not answered,
        coffee=coffee,
    )


@router.get("/items/{item_id}", response_class=HTMLResponse, response_model=None)
def item_page(
    request: Request, item_id: str, from_: Annotated[str | None, Query(alias="from")] = None
) -> Response:
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    try:
        item = client.items.get(item_id)
    except NotFound:
        return store_page(
            request, "store/missing.html", who, status_code=404, what=f"item {item_id!r}"
        )
    came_from = from_ if from_ in PLACEMENTS else None
    rows: list[Row] = [
        row_of(
            client,
            "Often bought or viewed together",
            BOUGHT_TOGETHER,
            client.recommendations.bought_together(
                item.id, n=ITEM_ROW_SIZE, placement=BOUGHT_TOGETHER, user_id=who.id
            ),
        )
    ]
    similar = client.recommendations.similar(
        item.id, n=ITEM_ROW_SIZE, placement=SIMILAR, user_id=who.id, filters=_not_in(rows)
    )
    rows.append(row_of(client, "Similar items", SIMILAR, similar))
    context: dict[str, Any] = {"page": "item"}
    if came_from is not None:
        context["placement"] = came_from
    events = [event(who.id, "view", item.id, **context)]
    if came_from is not None:
        events.append(event(who.id, "click", item.id, **context))
    record(client, events + impressions(who.id, rows, page_name="item"))
    favorite = item.id in client.lists.favorites(who.id).item_ids
    alerted = any(
        s.item_id == item.id and s.kind == "back_in_stock" and s.active
        for s in client.subscriptions.list(who.id)
    )
    return store_page(
        request,
        "store/item.html",
        who,
        item=item,
        rows=rows,
        favorite=favorite,
        alerted=alerted,
        configurator=_configurator_link(item),
        sizes=choices(item, "size"),
        colours=choices(item, "colour"),
    )


@router.post("/items/{item_id}/buy", response_model=None)
def buy_now(
    request: Request, item_id: str, chosen: Chosen, quantity: Annotated[int, Form()] = 1
) -> Response:
    """Buy one item at once: a `purchase` worth its price, without going through the
    cart; the size and colour picked go with it, as on a cart line."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    client = client_of(request)
    back = f"/store/items/{item_id}"
    item = orderable(client, item_id, missing_to="/store/home")
    if not isinstance(item, Item):
        return item
    if not 1 <= quantity <= MAX_QUANTITY:
        return redirect(back, f"Quantity: choose 1 to {MAX_QUANTITY}.", error=True)
    options = chosen.of(item)
    if not isinstance(options, dict):
        return redirect(back, options, error=True)
    price = item.attributes.get("price")
    amount = round(float(price) * quantity, 2) if isinstance(price, int | float) else None
    order_id = uuid.uuid4().hex
    client.events.record(
        event(
            who.id,
            "purchase",
            item.id,
            value=amount if amount is not None else float(quantity),
            page="item",
            order_id=order_id,
            quantity=quantity,
            **({"options": options} if options else {}),
        )
    )
    what = f"{item.title} ({options_text(options)})" if options else item.title
    return redirect(back, f"Thank you! You bought {quantity} x {what}.")


@router.post("/items/{item_id}/notify", response_model=None)
def notify_me(request: Request, item_id: str) -> Response:
    """Alert the shopper when a sold-out item is back."""
    who = current_shopper(request)
    if who is None:
        return to_door()
    back = f"/store/items/{item_id}"
    try:
        client_of(request).subscriptions.subscribe(who.id, item_id, "back_in_stock")
    except (InvalidInput, Conflict) as error:
        return redirect(back, str(error), error=True)
    return redirect(back, "We will let you know when it is back in stock.")


def _latest_item(client: Client, who: Shopper) -> Item | None:
    """The item the shopper looked at last, by their profile's recent items (newest
    first, whatever arrived in which order); None before their first. One deleted
    since is skipped."""
    for item_id in who.recent_items:
        found = items_of(client, [item_id])
        if item_id in found:
            return found[item_id]
    return None


def _not_in(rows: list[Row]) -> Filters:
    """Leave out what the rows above already show."""
    return Filters(exclude_items=tuple(i for row in rows for i in row.item_ids))


def _never_shown(client: Client, who: Shopper) -> Filters:
    """What the shopper said never to show, and the ranges they set (blocked categories
    and attribute values, a price range), as filters of the anonymous list."""
    if not who.preferences:
        return Filters()
    return preference_filters(client.preferences.schema(), who.preferences)


def _cart_items(client: Client, user_id: str) -> tuple[str, ...]:
    cart = next((o for o in client.orders.list(user_id) if o.name == CART), None)
    return tuple(line.item_id for line in cart.lines) if cart else ()


def _configurator_link(item: Item) -> str | None:
    """Where to make this item your own: the coffee or sneaker configurator, preset."""
    if "coffee" in item.categories:
        return store_configure.coffee_link(item)
    if "sneakers" in item.categories:
        return "/store/configure/sneaker"
    return None


router.include_router(store_images.router)
router.include_router(store_account.router)
router.include_router(store_preferences.router)
router.include_router(store_configure.router)

__all__ = ["PLACEMENTS", "router"]
