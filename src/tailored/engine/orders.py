"""Saved orders: keep a named cart, and order it again in one call."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tailored.domain.events import PURCHASE
from tailored.domain.identifiers import check_identifier
from tailored.domain.lists import MAX_NAME, check_text, is_record_id
from tailored.domain.orders import (
    MAX_ORDERS,
    LineIn,
    Receipt,
    SavedOrder,
    blocking_lines,
    check_lines,
    purchase_event_id,
    purchase_value,
)
from tailored.engine.events import Events
from tailored.errors import Conflict, InvalidInput, NotFound
from tailored.storage import items as item_store
from tailored.storage import orders as store
from tailored.storage import users as user_store
from tailored.storage.database import Database


class Orders:
    """`engine.orders`: named orders a user places again with one call.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.items.upsert_many([
    ...     {"id": "beans", "title": "Beans", "attributes": {"price": 12.5}},
    ...     {"id": "filter", "title": "Filters"},
    ... ])
    >>> usual = engine.orders.create("u1", "my usual coffee",
    ...                              [{"item_id": "beans", "quantity": 2}, ("filter", 1)])
    >>> receipt = engine.orders.reorder("u1", usual.id, placed_id="o-1001")
    >>> (receipt.recorded, receipt.total, [e.type for e in engine.events.query().items])
    (2, 25.0, ['purchase', 'purchase'])
    >>> engine.orders.reorder("u1", usual.id, placed_id="o-1001").duplicates  # a retry
    2
    >>> engine.close()
    """

    def __init__(self, db: Database, events: Events, *, now: Callable[[], datetime]) -> None:
        self._db = db
        self._events = events
        self._now = now

    def create(self, user_id: str, name: str, lines: Sequence[LineIn]) -> SavedOrder:
        """Save lines of catalog items under a name unique for the user."""
        user_id = check_identifier("user_id", user_id)
        name = check_text("name", name, maximum=MAX_NAME, required=True)
        checked = check_lines(lines)
        now = self._now()
        with self._db.writing() as conn:
            _check_items_exist(conn, checked)
            # The owner's row lock makes the count and the free name hold until commit.
            user_store.lock_users(conn, [user_id], now=now)
            if store.count_orders(conn, user_id) >= MAX_ORDERS:
                raise Conflict(f"a user can keep at most {MAX_ORDERS} saved orders")
            order_id = store.insert_order(conn, user_id, name, checked, now=now)
            if order_id is None:
                raise Conflict(f"name: user {user_id!r} already has an order named {name!r}")
            return self._own(conn, user_id, order_id)

    def get(self, user_id: str, order_id: int) -> SavedOrder:
        """The order with today's catalog title, availability and price of each line."""
        with self._db.reading() as conn:
            return self._own(conn, user_id, order_id)

    def update(
        self, user_id: str, order_id: int, *, name: str, lines: Sequence[LineIn]
    ) -> SavedOrder:
        """Replace the order's name and lines."""
        name = check_text("name", name, maximum=MAX_NAME, required=True)
        checked = check_lines(lines)
        with self._db.writing() as conn:
            # The owner's row lock: the name checked stays free, and concurrent updates
            # replace the lines one after the other, never mixing two sets.
            user_store.lock_users(conn, [user_id])
            order = self._own(conn, user_id, order_id)
            _check_items_exist(conn, checked)
            if store.name_taken(conn, user_id, name, besides=order.id):
                raise Conflict(f"name: user {user_id!r} already has an order named {name!r}")
            store.replace_order(conn, order.id, name, checked, now=self._now())
            return self._own(conn, user_id, order_id)

    def delete(self, user_id: str, order_id: int) -> None:
        with self._db.writing() as conn:
            user_store.lock_users(conn, [user_id])
            store.delete_order(conn, self._own(conn, user_id, order_id).id)

    def reorder(self, user_id: str, order_id: int, *, placed_id: str | None = None) -> Receipt:
        """Order the saved order again: one `purchase` event per line (value: the line's
        amount when the item has a price, else the quantity; context: `saved_order_id`,
        `order_id`, `quantity`, `unit_price`). All or nothing: if any item is unavailable
        or gone, `Conflict` names each and nothing is recorded.

        `placed_id` is the shop's id of the placed order (default: a new one); a retry
        with the same id records nothing twice (the receipt counts `duplicates`)."""
        placed_id = check_identifier("order_id", placed_id or uuid.uuid4().hex)
        order = self.get(user_id, order_id)
        problems = blocking_lines(order.lines)
        if problems:
            raise Conflict(
                f"cannot reorder {order.name!r}: {'; '.join(problems)}; nothing was ordered"
            )
        rows: list[dict[str, Any]] = [
            {
                "event_id": purchase_event_id(placed_id, line.item_id),
                "user_id": order.user_id,
                "item_id": line.item_id,
                "type": PURCHASE,
                "value": purchase_value(line),
                "context": {
                    "saved_order_id": order.id,
                    "order_id": placed_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                },
            }
            for line in order.lines
        ]
        ordered_at = self._now()
        result = self._events.record_many(rows)
        if result.rejected:  # every row is built here from checked values
            rejection = result.rejected[0]
            raise InvalidInput(rejection.field, rejection.reason)
        return Receipt(
            order_id=placed_id,
            saved_order_id=order.id,
            user_id=order.user_id,
            ordered_at=ordered_at,
            lines=order.lines,
            recorded=result.accepted,
            duplicates=result.duplicates,
        )

    def list(self, user_id: str) -> tuple[SavedOrder, ...]:
        """The user's saved orders, oldest first."""
        with self._db.reading() as conn:
            return tuple(store.list_orders(conn, user_id))

    @staticmethod
    def _own(conn: Connection, user_id: str, order_id: int) -> SavedOrder:
        order = store.get_order(conn, user_id, order_id) if is_record_id(order_id) else None
        if order is None:
            raise NotFound("saved order", str(order_id))
        return order


def _check_items_exist(conn: Connection, lines: Sequence[tuple[str, int]]) -> None:
    found = item_store.get_items(conn, [item_id for item_id, _ in lines])
    for index, (item_id, _) in enumerate(lines):
        if item_id not in found:
            raise InvalidInput(f"lines.{index}.item_id", f"no item {item_id!r} in the catalog")


__all__ = ["Orders"]
