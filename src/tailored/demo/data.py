"""The generated store behind `tailored demo`: a catalog, shoppers and their behaviour.

A newcomer should see personalization work on data that looks like a real shop, so
every shopper gets a hidden `Taste` and behaves by it: most views, carts and purchases
fall inside it, some are exploration, a few items are bestsellers for everyone, and the
season the store is heading into gains views over the window. The tastes are returned
too, so tests and the console can show that recommendations recover them. Pure and
deterministic: the same arguments always give the same rows (no I/O, one seeded RNG).

>>> from datetime import UTC, datetime
>>> now = datetime(2026, 1, 15, tzinfo=UTC)
>>> store = generate_store(seed=1, n_shoppers=5, now=now)
>>> store.items[0]["id"], store.items[0]["categories"], store.users[0]["id"]
('sku-0001', ['hiking'], 'shopper-001')
>>> store == generate_store(seed=1, n_shoppers=5, now=now)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from tailored.demo import catalog as cat
from tailored.demo.coffee import coffee_regulars
from tailored.engine.inputs import as_utc

Row = dict[str, Any]
GenderPreference = Literal["women", "men", "any"]

# How a hidden taste turns into behaviour; tuned so that ~80 % of purchases are in taste.
IN_TASTE_VIEW = 0.45  # share of views drawn from the shopper's taste, the rest explore
SAME_CATEGORY = 0.4  # a later view in a session stays in the category of the first
SEARCH_SESSION = 0.3  # sessions that start with a search
P_LIKE = (0.01, 0.07)  # (outside taste, in taste), per view
P_CART = (0.1, 0.22)  # per view
P_BUY = (0.45, 0.6)  # per carted item, at the end of the session
P_REMOVE = 0.35  # carted but not bought: removed before leaving
P_RATE = 0.35  # purchases rated a few days later
PRICE_FIT = (1.0, 0.45, 0.12)  # weight by distance between taste band and brand tier
STARS = (((1, 2, 3, 4), (0.25, 0.35, 0.3, 0.1)), ((3, 4, 5), (0.15, 0.35, 0.5)))


@dataclass(frozen=True, slots=True)
class Taste:
    """A shopper's hidden preferences: what the engine should learn from behaviour.

    >>> taste = Taste(categories=frozenset({"running"}), brands=frozenset({"Velora"}),
    ...               price_band="mid", gender="women", season="summer")
    >>> taste.likes({"categories": ["running"], "attributes": {"gender": "unisex"}})
    True
    >>> taste.likes({"categories": ["running"], "attributes": {"gender": "men"}})
    False
    """

    categories: frozenset[str]
    brands: frozenset[str]
    price_band: cat.PriceBand
    gender: GenderPreference
    season: cat.Season
    coffee: frozenset[str] = frozenset()  # item ids of favourite drinks (regulars only)

    def likes(self, item: Mapping[str, Any]) -> bool:
        """In taste: a favourite category or brand, cut for the preferred gender; on the
        coffee menu, a favourite drink.

        Price band and season only make an item more or less likely, not out of taste.
        """
        if "coffee" in (item.get("categories") or ()):
            return item.get("id") in self.coffee
        attributes = item.get("attributes") or {}
        if self.gender != "any" and attributes.get("gender") not in (self.gender, "unisex"):
            return False
        in_category = not self.categories.isdisjoint(item.get("categories") or ())
        return in_category or attributes.get("brand") in self.brands


@dataclass(frozen=True, slots=True)
class DemoStore:
    """Rows shaped for `ItemIn`, `UserIn` and `EventIn`, and the tastes behind them."""

    items: tuple[Row, ...]
    users: tuple[Row, ...]
    events: tuple[Row, ...]
    tastes: Mapping[str, Taste]


def generate_store(
    *, seed: int = 7, n_shoppers: int = 200, now: datetime, days: int = 60
) -> DemoStore:
    """A clothing and sneaker store (plus a coffee menu) with `days` of behaviour before `now`."""
    if n_shoppers < 1:
        raise ValueError(f"n_shoppers: must be at least 1, got {n_shoppers}")
    if days < 1:
        raise ValueError(f"days: must be at least 1, got {days}")
    now = as_utc(now)
    rng = np.random.default_rng(seed)
    apparel = _apparel(rng)
    users, tastes = _shoppers(rng, n_shoppers=n_shoppers, now=now, days=days)
    stock = _Stock.of(apparel, rng=rng)
    raw: list[tuple[datetime, Row]] = []
    for user in users:
        raw += _shopper_events(rng, user["id"], tastes[user["id"]], stock, now=now, days=days)
    drinks, orders = coffee_regulars(seed, [user["id"] for user in users], now=now, days=days)
    tastes = {
        uid: replace(taste, coffee=drinks.get(uid, frozenset())) for uid, taste in tastes.items()
    }
    raw += orders
    raw.sort(key=lambda pair: pair[0])  # stable: ties keep generation order
    events = tuple({"event_id": f"demo-{n:06d}", **row} for n, (_, row) in enumerate(raw, 1))
    items = tuple(apparel) + tuple(drink.row() for drink in cat.COFFEE_MENU)
    return DemoStore(items, tuple(users), events, MappingProxyType(tastes))


# --- catalog ---------------------------------------------------------------------------


def _apparel(rng: np.random.Generator) -> list[Row]:
    """Each brand sells each of its products in 5-7 colours: ~350 items."""
    rows: list[Row] = []
    for brand in cat.BRANDS:
        for noun in brand.products:
            count = int(rng.integers(5, 8))
            for colour in rng.choice(len(cat.COLOURS), size=count, replace=False):
                item_id = f"sku-{len(rows) + 1:04d}"
                rows.append(
                    _item(rng, item_id, brand, cat.PRODUCTS_BY_NOUN[noun], cat.COLOURS[colour])
                )
    return rows


def _item(
    rng: np.random.Generator, item_id: str, brand: cat.Brand, product: cat.Product, colour: str
) -> Row:
    genders = product.genders
    gender = genders[0] if len(genders) == 1 else str(rng.choice(genders, p=[0.42, 0.38, 0.2]))
    material = str(rng.choice(product.materials))
    price = product.base_price * cat.TIER_PRICE_FACTOR[brand.tier] * rng.lognormal(0.0, 0.12)
    attributes = {
        "brand": brand.name,
        "price": round(float(np.ceil(price)) - 0.05, 2),  # shop prices end in .95
        "currency": "EUR",
        "colour": colour.lower(),
        "sizes": _sizes(rng, product, gender),
        "material": material,
        "gender": gender,
        "season": product.season,
        "department": product.department,
    }
    return {
        "id": item_id,
        "title": f"{brand.name} {product.noun}, {colour}",
        "description": _description(brand, product, material),
        "categories": list(product.categories),
        "attributes": attributes,
        "available": bool(rng.random() > 0.04),  # a few sold out
    }


def _sizes(rng: np.random.Generator, product: cat.Product, gender: str) -> list[int] | list[str]:
    """EU sizes for shoes, letters for clothes, a few sold out; accessories come in one size."""
    if product.department == "accessories":
        return [cat.ONE_SIZE]
    if product.department == "footwear":
        low, high = {"women": (36, 42), "men": (40, 46)}.get(gender, (36, 46))
        shoe_sizes = list(range(low, high + 1))
        return [s for s in shoe_sizes if rng.random() > 0.1] or shoe_sizes
    low, high = {"women": (0, 3), "men": (1, 4)}.get(gender, (0, 4))
    letters = list(cat.CLOTHING_SIZES[low : high + 1])
    return [s for s in letters if rng.random() > 0.08] or letters


def _description(brand: cat.Brand, product: cat.Product, material: str) -> str:
    noun = product.noun.lower()
    plural = noun.endswith("s") and not noun.endswith("ss")
    article = "" if plural else ("An " if noun[0] in "aeiou" else "A ")
    text = (
        f"{article}{noun} in {material} {product.blurb}, from {brand.name}'s {brand.style} range."
    )
    return text[0].upper() + text[1:]


# --- shoppers --------------------------------------------------------------------------


def _shoppers(
    rng: np.random.Generator, *, n_shoppers: int, now: datetime, days: int
) -> tuple[list[Row], dict[str, Taste]]:
    width = max(3, len(str(n_shoppers)))
    users: list[Row] = []
    tastes: dict[str, Taste] = {}
    emails: set[str] = set()
    for n in range(1, n_shoppers + 1):
        user_id = f"shopper-{n:0{width}d}"
        users.append(_user(rng, user_id, emails, now=now, days=days))
        tastes[user_id] = _taste(rng)
    return users, tastes


def _user(
    rng: np.random.Generator, user_id: str, emails: set[str], *, now: datetime, days: int
) -> Row:
    first, last = str(rng.choice(cat.FIRST_NAMES)), str(rng.choice(cat.LAST_NAMES))
    email = f"{first}.{last}@example.com".lower()
    suffix = 2
    while email in emails:  # namesakes get a number, as real sign-ups do
        email = f"{first}.{last}{suffix}@example.com".lower()
        suffix += 1
    emails.add(email)
    city, country = cat.CITIES[int(rng.integers(len(cat.CITIES)))]
    signed_up = now - timedelta(days=days + int(rng.integers(1, 730)))
    traits = {
        "name": f"{first} {last}",
        "email": email,
        "city": city,
        "country": country,
        "age_band": str(rng.choice(cat.AGE_BANDS, p=cat.AGE_BAND_WEIGHTS)),
        "signup_date": signed_up.date().isoformat(),
    }
    return {"id": user_id, "traits": traits}


def _taste(rng: np.random.Generator) -> Taste:
    gender: GenderPreference = rng.choice(["women", "men", "any"], p=[0.45, 0.4, 0.15]).item()
    band: cat.PriceBand = rng.choice(cat.PRICE_BANDS, p=[0.35, 0.45, 0.2]).item()
    season: cat.Season = rng.choice(["all-year", "summer", "winter"], p=[0.5, 0.25, 0.25]).item()
    options = [c for c in cat.CATEGORIES if not (gender == "men" and c == "dresses")]
    categories = rng.choice(options, size=1 if rng.random() < 0.6 else 2, replace=False)
    fit = np.array([_brand_fit(brand, band, set(categories)) for brand in cat.BRANDS])
    size = int(rng.integers(1, 4))
    brands = rng.choice([b.name for b in cat.BRANDS], size=size, replace=False, p=fit / fit.sum())
    return Taste(frozenset(map(str, categories)), frozenset(map(str, brands)), band, gender, season)


def _brand_fit(brand: cat.Brand, band: cat.PriceBand, categories: set[str]) -> float:
    """Shoppers favour brands at their price level that sell what they like."""
    sells = any(
        not categories.isdisjoint(cat.PRODUCTS_BY_NOUN[p].categories) for p in brand.products
    )
    distance = abs(cat.PRICE_BANDS.index(brand.tier) - cat.PRICE_BANDS.index(band))
    return brand.popularity * (3.0, 1.0, 0.3)[distance] * (2.0 if sells else 1.0)


# --- behaviour -------------------------------------------------------------------------

_SEASONS: tuple[cat.Season, ...] = ("all-year", "summer", "winter")


@dataclass(frozen=True, slots=True)
class _Stock:
    """The apparel as arrays, so a session samples items with a few numpy operations."""

    rows: tuple[Row, ...]
    appeal: np.ndarray  # popularity skew: a few bestsellers everyone views
    season: np.ndarray  # index into _SEASONS
    tier: np.ndarray  # index into cat.PRICE_BANDS
    primary: np.ndarray  # index of the first category, for "keep browsing" views

    @classmethod
    def of(cls, rows: list[Row], *, rng: np.random.Generator) -> _Stock:
        brands = cat.BRANDS_BY_NAME
        appeal = np.array([brands[r["attributes"]["brand"]].popularity for r in rows])
        appeal *= rng.lognormal(0.0, 1.0, size=len(rows))
        return cls(
            rows=tuple(rows),
            appeal=appeal,
            season=np.array([_SEASONS.index(r["attributes"]["season"]) for r in rows]),
            tier=np.array(
                [cat.PRICE_BANDS.index(brands[r["attributes"]["brand"]].tier) for r in rows]
            ),
            primary=np.array([cat.CATEGORIES.index(r["categories"][0]) for r in rows]),
        )


def _rising_season(now: datetime) -> int:
    """The season the store heads into: winter from September, summer from March."""
    return _SEASONS.index("winter" if now.month in (9, 10, 11, 12, 1, 2) else "summer")


def _season_weights(stock: _Stock, *, rising: int, progress: float) -> np.ndarray:
    """Items of the rising season gain views over the window, the other season loses them."""
    factors = np.ones(len(_SEASONS))
    factors[rising] = 0.5 + 1.0 * progress
    factors[3 - rising] = 1.3 - 0.8 * progress  # the other of summer (1) / winter (2)
    return factors[stock.season]


def _draw(rng: np.random.Generator, weights: np.ndarray) -> int:
    cumulative = np.cumsum(weights)
    return int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right"))


def _shopper_events(
    rng: np.random.Generator,
    user_id: str,
    taste: Taste,
    stock: _Stock,
    *,
    now: datetime,
    days: int,
) -> list[tuple[datetime, Row]]:
    liked = np.array([taste.likes(row) for row in stock.rows])
    distance = np.abs(stock.tier - cat.PRICE_BANDS.index(taste.price_band))
    bias = np.where(stock.season == _SEASONS.index(taste.season), 1.5, 1.0)
    in_taste = stock.appeal * np.asarray(PRICE_FIT)[distance] * bias * liked
    activity = rng.lognormal(-0.18, 0.6)  # mean 1: a few heavy shoppers, many light ones
    mobile = rng.beta(3, 2)
    start, span = now - timedelta(days=days), days * 86_400 - 3 * 3_600
    events: list[tuple[datetime, Row]] = []
    rising = _rising_season(now)
    for n in range(1 + int(rng.poisson(5.5 * activity))):
        offset = int(rng.integers(0, max(span, 1)))
        weights = _season_weights(stock, rising=rising, progress=offset / days / 86_400)
        context = {
            "session": f"{user_id}-s{n + 1}",
            "device": "mobile" if rng.random() < mobile else "desktop",
        }
        session = _Session(rng, user_id, stock, liked, context, start + timedelta(seconds=offset))
        session.run(in_taste * weights, stock.appeal * weights, now=now)
        events += session.events
    return events


@dataclass
class _Session:
    """One visit: an optional search, a few views, and what they lead to."""

    rng: np.random.Generator
    user_id: str
    stock: _Stock
    liked: np.ndarray
    context: dict[str, str]
    clock: datetime
    events: list[tuple[datetime, Row]] = field(default_factory=list)

    def emit(self, kind: str, item: int | None, *, after: float, **extra: Any) -> datetime:
        """Record an event `after` seconds of the session; the clock moves on."""
        self.clock += timedelta(seconds=round(after))
        self.record(kind, item, at=self.clock, context={**self.context, **extra})
        return self.clock

    def record(self, kind: str, item: int | None, *, at: datetime, context: Row) -> None:
        value = context.pop("value", None)
        row: Row = {"user_id": self.user_id, "type": kind, "timestamp": at, "context": context}
        if item is not None:
            row["item_id"] = self.stock.rows[item]["id"]
        if value is not None:
            row["value"] = float(value)
        self.events.append((at, row))

    def pick(self, in_taste: np.ndarray, explore: np.ndarray, anchor: int | None) -> int:
        weights = in_taste if self.rng.random() < IN_TASTE_VIEW else explore
        if anchor is not None and self.rng.random() < SAME_CATEGORY:
            same = weights * (self.stock.primary == self.stock.primary[anchor])
            weights = same if same.sum() > 0 else weights
        return _draw(self.rng, weights if weights.sum() > 0 else explore)

    def run(self, in_taste: np.ndarray, explore: np.ndarray, *, now: datetime) -> None:
        rng = self.rng
        first = self.pick(in_taste, explore, None)
        searched = rng.random() < SEARCH_SESSION
        if searched:
            self.emit("search", None, after=0, placement="search", query=self.query(first))
        carted: list[int] = []
        for n in range(min(int(rng.geometric(0.3)), 10)):
            item = first if n == 0 else self.pick(in_taste, explore, first)
            placement = ("search" if searched else "home") if n == 0 else "item"
            self.emit("view", item, after=int(rng.integers(20, 240)), placement=placement)
            fit = int(self.liked[item])
            if rng.random() < P_LIKE[fit]:
                self.emit("like", item, after=int(rng.integers(3, 20)), placement=placement)
            if rng.random() < P_CART[fit] and item not in carted:
                self.emit("add_to_cart", item, after=int(rng.integers(10, 90)), value=1)
                carted.append(item)
        for item in carted:
            self.checkout(item, now=now)

    def checkout(self, item: int, *, now: datetime) -> None:
        """Buy (value = amount paid) or drop a carted item; some buys get a rating later."""
        rng, fit = self.rng, int(self.liked[item])
        if rng.random() >= P_BUY[fit]:
            if rng.random() < P_REMOVE:
                self.emit("remove_from_cart", item, after=int(rng.integers(20, 120)))
            return
        price = self.stock.rows[item]["attributes"]["price"]
        bought = self.emit("purchase", item, after=int(rng.integers(60, 300)), value=price)
        rated = bought + timedelta(seconds=int(rng.integers(2 * 86_400, 12 * 86_400)))
        if rng.random() < P_RATE and rated < now:  # delivered, then asked for a review
            stars, weights = STARS[fit]
            context = {"placement": "email", "value": rng.choice(stars, p=weights)}
            self.record("rate", item, at=rated, context=context)

    def query(self, item: int) -> str:
        """What someone looking for this item might have typed."""
        row = self.stock.rows[item]
        noun = row["title"].split(",")[0].removeprefix(row["attributes"]["brand"]).strip()
        options = (
            row["categories"][0],
            f"{row['attributes']['brand']} {noun}",
            f"{row['attributes']['colour']} {noun}",
            noun,
        )
        return str(options[int(self.rng.integers(len(options)))]).lower()


__all__ = ["DemoStore", "Taste", "generate_store"]
