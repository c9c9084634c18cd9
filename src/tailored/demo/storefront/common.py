"""What every storefront page shares: who is shopping, one-time messages after a form,
rows of recommendations with their reasons, and the events the pages record.

A row is what a shopper sees of one placement ("Top picks for you" is `home_top_picks`):
its items, each with the reason the engine gave. Showing a row records one `impression`
event naming the placement and the items, and a click on one of them arrives at the
item page with `?from=<placement>`, which records a `click` of that placement: the
console computes click-through per placement from the two.

>>> money(12.5), money(None), money("n/a")
('€12.50', '', '')
>>> event("u1", "view", "sku-1", page="item")
{'user_id': 'u1', 'type': 'view', 'context': {'page': 'item'}, 'item_id': 'sku-1'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.datastructures import FormData
from fastapi.responses import HTMLResponse, RedirectResponse

from tailored.client import Client
from tailored.demo.storefront.rendering import page, templates
from tailored.demo.storefront.shop import client_of, store_of
from tailored.demo.storefront.shopper import ANONYMOUS_PREFIX, shopper
from tailored.domain.catalog import Item
from tailored.domain.profiles import Consent
from tailored.domain.recommendations import RecommendationList
from tailored.errors import InvalidInput, NotFound

FLASH_COOKIE = "tailored_store_flash"
CART = "cart"  # the saved order that holds a shopper's cart
VISITOR = "a new visitor"  # how an anonymous shopper is named


def money(value: object, currency: str = "EUR") -> str:
    """A price as shoppers read it ('' when there is none).

    >>> money(-0.6), money(1234.5, "USD"), money(-2, "CHF")
    ('-€0.60', '$1,234.50', '-CHF 2.00')
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(str(value))
        except ValueError:
            return ""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency + " ")
    sign = "-" if float(value) < 0 else ""  # before the symbol: -€0.60, not €-0.60
    return f"{sign}{symbol}{abs(float(value)):,.2f}"


templates.env.filters["money"] = money


@dataclass(frozen=True, slots=True)
class Shopper:
    """The person this browser shops as: a known profile, or a visitor not stored yet,
    with what the profile says of them: the items they touched lately (newest first),
    their preferences, and whether rows built from their behaviour may be shown.

    >>> Shopper("visitor-1a2b", VISITOR, known=False).anonymous
    True
    """

    id: str
    name: str
    known: bool
    recent_items: tuple[str, ...] = ()
    preferences: Mapping[str, Any] = field(default_factory=dict)
    personalized: bool = True

    @property
    def anonymous(self) -> bool:
        return self.id.startswith(ANONYMOUS_PREFIX)


@dataclass(frozen=True, slots=True)
class Card:
    """One recommended item as a row shows it, with the engine's reason."""

    item: Item
    reason: str
    reason_kind: str

    @property
    def price(self) -> object:
        return self.item.attributes.get("price")


@dataclass(frozen=True, slots=True)
class Row:
    """A placement on a page: its heading, its cards, and the engine's notice (if the
    list is a fallback, the notice says why)."""

    heading: str
    placement: str
    cards: tuple[Card, ...]
    notice: str | None = None

    @property
    def item_ids(self) -> list[str]:
        return [card.item.id for card in self.cards]


def current_shopper(request: Request) -> Shopper | None:
    """Who shops in this browser (None: nobody picked yet)."""
    user_id = shopper(request)
    if user_id is None:
        return None
    store = store_of(request)
    try:
        profile = store.client.users.get(user_id)
    except NotFound:  # a visitor is stored with their first event
        no_decision: tuple[Consent, ...] = ()
        return Shopper(user_id, VISITOR, known=False, personalized=store.personalizes(no_decision))
    name = profile.traits.get("name")
    fallback = VISITOR if user_id.startswith(ANONYMOUS_PREFIX) else user_id
    return Shopper(
        user_id,
        str(name) if name else fallback,
        known=True,
        recent_items=profile.activity.recent_items if profile.activity else (),
        preferences=profile.preferences,
        personalized=store.personalizes(profile.consents),
    )


def to_door() -> RedirectResponse:
    """Nobody picked a shopper yet: ask who is shopping first."""
    return RedirectResponse("/store", status_code=303)


def redirect(url: str, message: str | None = None, *, error: bool = False) -> RedirectResponse:
    """Go to `url` after a form, with a line to show there once."""
    response = RedirectResponse(url, status_code=303)
    if message:
        value = quote(("!" if error else "") + message)
        response.set_cookie(FLASH_COOKIE, value, httponly=True, samesite="lax", max_age=60)
    return response


def store_page(
    request: Request,
    view: str,
    who: Shopper,
    *,
    status_code: int = 200,
    messages: Sequence[str] = (),
    alerts: Sequence[str] = (),
    **context: Any,
) -> HTMLResponse:
    """A storefront page: the shopper, the size of their cart, and the message a form
    left for it (`alerts` are problems, read out by screen readers at once)."""
    shown, problems = list(messages), list(alerts)
    flashed = request.cookies.get(FLASH_COOKIE)
    if flashed:
        text = unquote(flashed)
        (problems if text.startswith("!") else shown).append(text.removeprefix("!"))
    response = page(
        request,
        view,
        status_code=status_code,
        shopper=who,
        cart_size=cart_size(client_of(request), who.id),
        messages=shown,
        alerts=problems,
        **context,
    )
    if flashed:
        response.delete_cookie(FLASH_COOKIE)
    return response


MAX_QUANTITY = 20  # of one item in one purchase or cart line


def orderable(client: Client, item_id: str, *, missing_to: str) -> Item | RedirectResponse:
    """The item if it can be bought now, else a redirect that says why (to `missing_to`
    when there is no such item, back to its page when it is sold out)."""
    try:
        item = client.items.get(item_id)
    except NotFound:
        return redirect(missing_to, f"There is no item {item_id!r}.", error=True)
    if not item.available:
        return redirect(f"/store/items/{item_id}", f"{item.title} is sold out.", error=True)
    return item


def cart_size(client: Client, user_id: str) -> int:
    cart = next((o for o in client.orders.list(user_id) if o.name == CART), None)
    return sum(line.quantity for line in cart.lines) if cart else 0


def event(
    user_id: str,
    kind: str,
    item_id: str | None = None,
    *,
    value: float | None = None,
    **context: Any,
) -> dict[str, Any]:
    """An event row as `client.events.record_many` takes it."""
    row: dict[str, Any] = {"user_id": user_id, "type": kind, "context": context}
    if item_id is not None:
        row["item_id"] = item_id
    if value is not None:
        row["value"] = value
    return row


def row_of(client: Client, heading: str, placement: str, answer: RecommendationList) -> Row:
    """A row from a recommendation answer, with the catalog's items for the cards."""
    items = items_of(client, [r.item_id for r in answer.items])
    cards = tuple(
        Card(items[r.item_id], r.reason.text, r.reason.kind)
        for r in answer.items
        if r.item_id in items
    )
    return Row(heading, placement, cards, answer.notice)


def items_of(client: Client, item_ids: Sequence[str]) -> dict[str, Item]:
    """The catalog's items by id; one deleted meanwhile is left out."""
    found: dict[str, Item] = {}
    for item_id in dict.fromkeys(item_ids):
        try:
            found[item_id] = client.items.get(item_id)
        except NotFound:
            continue
    return found


def record(client: Client, rows: list[dict[str, Any]]) -> None:
    """What a page showed and what the shopper did, in one write."""
    if rows:
        result = client.events.record_many(rows)
        if result.rejected:  # built here from checked values: a bug, say so loudly
            first = result.rejected[0]
            raise InvalidInput(first.field, first.reason)


def impressions(user_id: str, rows: Sequence[Row], *, page_name: str) -> list[dict[str, Any]]:
    """One `impression` per row shown (an empty row shows nothing)."""
    return [
        event(user_id, "impression", placement=row.placement, items=row.item_ids, page=page_name)
        for row in rows
        if row.cards
    ]


async def form_data(request: Request) -> FormData:
    """The submitted form (a dependency, so page routes stay plain functions)."""
    return await request.form()


def first_text(form: FormData | Mapping[str, Any], name: str) -> str | None:
    """The first non-empty value submitted under `name` (None: nothing)."""
    found = texts(form, name)
    return found[0] if found else None


def texts(form: FormData | Mapping[str, Any], name: str) -> list[str]:
    """Every non-empty value submitted under `name`, trimmed."""
    values = form.getlist(name) if isinstance(form, FormData) else [form.get(name)]
    return [str(v).strip() for v in values if isinstance(v, str) and v.strip()]


def local(path: str, default: str = "/store/home") -> str:
    """Only go back to a page of this store (never to another site)."""
    return path if path.startswith("/store") and "//" not in path else default


__all__ = [
    "CART",
    "FLASH_COOKIE",
    "Card",
    "Row",
    "Shopper",
    "cart_size",
    "current_shopper",
    "event",
    "first_text",
    "form_data",
    "impressions",
    "items_of",
    "local",
    "money",
    "record",
    "redirect",
    "row_of",
    "store_page",
    "texts",
    "to_door",
]
