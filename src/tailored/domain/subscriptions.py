"""Alerts a user asked for ("tell me when it is back in stock / below X") and the
notifications they produce.

A subscription is armed until its condition is met by an item write; it then fires
once: one notification, and the subscription is marked fired. Subscribing again to the
same item and kind re-arms it (with the new threshold).

>>> from tailored.domain.catalog import Item
>>> alert = Subscription(1, "u1", "lamp", "price_below", threshold=30.0)
>>> note = firing(alert, ItemState(True, 35.0), Item("lamp", "Lamp", attributes={"price": 25}))
>>> (note.kind, note.old_value, note.new_value)
('price_below', 35.0, 25.0)
>>> note.message
'Lamp now costs 25, at or below your alert price of 30 (was 35).'
>>> firing(alert, ItemState(True, 35.0), Item("lamp", attributes={"price": 31})) is None
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from tailored.domain.catalog import Item
from tailored.domain.prices import format_price, price_of
from tailored.errors import InvalidInput
from tailored.types import JSONScalar

SubscriptionKind = Literal["back_in_stock", "price_below"]
SUBSCRIPTION_KINDS: tuple[SubscriptionKind, ...] = get_args(SubscriptionKind)
MAX_SUBSCRIPTIONS = 500  # of one user


@dataclass(frozen=True, slots=True)
class Subscription:
    """A user's alert on an item; `fired_at` is set once it has produced its notification."""

    id: int
    user_id: str
    item_id: str
    kind: SubscriptionKind
    threshold: float | None = None
    created_at: datetime | None = None
    fired_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.fired_at is None


@dataclass(frozen=True, slots=True)
class ItemState:
    """What an alert compares: an item's availability and price before a write.

    >>> ItemState.of(Item("lamp", attributes={"price": "19.5"}))
    ItemState(available=True, price=19.5)
    """

    available: bool
    price: float | None

    @classmethod
    def of(cls, item: Item) -> ItemState:
        return cls(item.available, price_of(item.attributes))


@dataclass(frozen=True, slots=True)
class Notification:
    """One message for a user in the outbox; `id` is None until stored."""

    user_id: str
    kind: SubscriptionKind
    item_id: str
    message: str
    old_value: JSONScalar = None
    new_value: JSONScalar = None
    subscription_id: int | None = None
    id: int | None = None
    created_at: datetime | None = None
    read_at: datetime | None = None
    delivered_at: datetime | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None


def check_subscription(kind: object, threshold: object) -> tuple[SubscriptionKind, float | None]:
    """The kind and threshold of a new subscription, or `InvalidInput` naming the field.

    >>> check_subscription("price_below", 30)
    ('price_below', 30.0)
    >>> check_subscription("price_below", None)
    Traceback (most recent call last):
    tailored.errors.InvalidInput: threshold: is required for price_below: the price to wait for
    """
    if kind == "back_in_stock":
        if threshold is not None:
            raise InvalidInput("threshold", "only price_below alerts take a threshold")
        return "back_in_stock", None
    if kind == "price_below":
        if threshold is None:
            raise InvalidInput("threshold", "is required for price_below: the price to wait for")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise InvalidInput("threshold", "must be a number")
        # An integer past 64 bits is no price (and math.isfinite cannot take it).
        big = isinstance(threshold, int) and threshold >= 2**63
        if threshold <= 0 or big or not math.isfinite(threshold):
            raise InvalidInput("threshold", "must be a positive, finite number")
        return "price_below", float(threshold)
    raise InvalidInput("kind", f"must be one of {', '.join(SUBSCRIPTION_KINDS)}")


def already_met(kind: SubscriptionKind, threshold: float | None, item: Item) -> str | None:
    """Why an alert on `item` could never fire because its condition holds already
    (subscribing to it is refused), or None.

    >>> already_met("back_in_stock", None, Item("lamp", "Lamp"))
    "item 'lamp' is in stock now; alerts are for unavailable items"
    """
    if kind == "back_in_stock":
        if item.available:
            return f"item {item.id!r} is in stock now; alerts are for unavailable items"
        return None
    price = price_of(item.attributes)
    if price is not None and threshold is not None and price <= threshold:
        return (
            f"item {item.id!r} costs {format_price(price)} already, at or below "
            f"{format_price(threshold)}"
        )
    return None


def firing(subscription: Subscription, old: ItemState | None, new: Item) -> Notification | None:
    """The notification an armed `subscription` sends once `new` is written over `old`
    (None: the item did not exist), or None while its condition is not met."""
    name = new.title or new.id
    if subscription.kind == "back_in_stock":
        if not new.available:
            return None
        return Notification(
            user_id=subscription.user_id,
            kind="back_in_stock",
            item_id=new.id,
            message=f"{name} is back in stock.",
            old_value=old.available if old is not None else None,
            new_value=True,
            subscription_id=subscription.id,
        )
    price = price_of(new.attributes)
    threshold = subscription.threshold
    if price is None or threshold is None or price > threshold:
        return None
    old_price = old.price if old is not None else None
    was = f" (was {format_price(old_price)})" if old_price is not None else ""
    stock = "" if new.available else " It is out of stock at the moment."
    return Notification(
        user_id=subscription.user_id,
        kind="price_below",
        item_id=new.id,
        message=f"{name} now costs {format_price(price)}, at or below your alert price of "
        f"{format_price(threshold)}{was}.{stock}",
        old_value=old_price,
        new_value=price,
        subscription_id=subscription.id,
    )


__all__ = [
    "MAX_SUBSCRIPTIONS",
    "SUBSCRIPTION_KINDS",
    "ItemState",
    "Notification",
    "Subscription",
    "SubscriptionKind",
    "already_met",
    "check_subscription",
    "firing",
]
