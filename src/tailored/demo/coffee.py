"""The coffee bar's regulars in the demo store: who drinks what, and when they order.

About a third of the shoppers are regulars with one to three favourite drinks of the
menu (`demo_catalog.COFFEE_MENU`); most of their orders are a favourite, some try
something else. Each order is a view of the menu item, an add to cart and a purchase
worth the drink's price, on a weekday morning more often than not. Drawn from their own
seeded stream, so the apparel shoppers' behaviour stays exactly as it was.

>>> from datetime import UTC, datetime
>>> drinks, events = coffee_regulars(7, [f"u{n}" for n in range(20)],
...                                  now=datetime(2026, 1, 15, tzinfo=UTC), days=30)
>>> 0 < len(drinks) < 20, {row["type"] for _, row in events} == {"view", "add_to_cart", "purchase"}
(True, True)
>>> (drinks, events) == coffee_regulars(7, [f"u{n}" for n in range(20)],
...                                     now=datetime(2026, 1, 15, tzinfo=UTC), days=30)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from tailored.demo import catalog as cat

COFFEE_STREAM = 2  # the seed's sub-stream for coffee: other behaviour never shifts
P_REGULAR = 0.35  # shoppers who order coffee
P_FAVOURITE = 0.85  # orders that are one of the regular's favourite drinks
ORDERS_PER_REGULAR = 6.0  # mean orders over the window, for an average shopper
# How often each drink of the menu is a favourite (the classics more than the rest).
DRINK_APPEAL: dict[str, float] = {
    "espresso": 1.0, "americano": 1.0, "cappuccino": 1.6, "flat-white": 1.5, "latte": 1.8,
    "mocha": 0.7, "decaf-latte": 0.5, "chai-latte": 0.6, "hot-chocolate": 0.5,
    "cold-brew": 0.8, "iced-latte": 0.9, "iced-americano": 0.6,
}  # fmt: skip

Row = dict[str, Any]


def coffee_regulars(
    seed: int, user_ids: Sequence[str], *, now: datetime, days: int
) -> tuple[dict[str, frozenset[str]], list[tuple[datetime, Row]]]:
    """Per regular, the item ids of their favourite drinks; and their orders as
    (time, event row), in the shape `generate_store` gives its other events."""
    rng = np.random.default_rng([seed, COFFEE_STREAM])
    menu = list(cat.COFFEE_MENU)
    appeal = np.array([DRINK_APPEAL.get(drink.slug, 1.0) for drink in menu])
    favourites: dict[str, frozenset[str]] = {}
    events: list[tuple[datetime, Row]] = []
    for user_id in user_ids:
        if rng.random() >= P_REGULAR:
            continue
        size = int(rng.integers(1, 4))
        picked = rng.choice(len(menu), size=size, replace=False, p=appeal / appeal.sum())
        liked = [menu[int(i)] for i in picked]
        favourites[user_id] = frozenset(drink.row()["id"] for drink in liked)
        orders = 1 + int(rng.poisson(ORDERS_PER_REGULAR * rng.lognormal(-0.18, 0.6)))
        for n in range(orders):
            if rng.random() < P_FAVOURITE:
                drink = liked[int(rng.integers(len(liked)))]
            else:
                drink = menu[int(rng.integers(len(menu)))]
            at = _order_time(rng, now=now, days=days)
            events += _order(user_id, drink, at, session=f"{user_id}-c{n + 1}")
    return favourites, events


def _order_time(rng: np.random.Generator, *, now: datetime, days: int) -> datetime:
    """A morning (7-11 h) two times out of three, else any time of day, within the window."""
    day = now - timedelta(days=int(rng.integers(0, days)))
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    hour = int(rng.integers(7, 11)) if rng.random() < 2 / 3 else int(rng.integers(6, 21))
    at = start + timedelta(hours=hour, seconds=int(rng.integers(0, 3600)))
    return min(at, now - timedelta(hours=1))  # never later than now


def _order(
    user_id: str, drink: cat.Drink, at: datetime, *, session: str
) -> list[tuple[datetime, Row]]:
    item_id = drink.row()["id"]
    context = {"session": session, "device": "mobile"}
    steps = (("view", 0, None), ("add_to_cart", 25, 1.0), ("purchase", 70, drink.price))
    rows = []
    for kind, after, value in steps:
        stamp = at + timedelta(seconds=after)
        row: Row = {
            "user_id": user_id,
            "type": kind,
            "timestamp": stamp,
            "context": {**context, "placement": "menu"} if kind == "view" else dict(context),
            "item_id": item_id,
        }
        if value is not None:
            row["value"] = float(value)
        rows.append((stamp, row))
    return rows


__all__ = ["COFFEE_STREAM", "coffee_regulars"]
