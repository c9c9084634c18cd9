"""Saved orders: keep a named cart, and order it again in one call. A line's options
(size, colour) are checked against what its item offers (`domain.line_options`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tailored.domain.events import PURCHASE
from tailored.domain.identifiers import check_identifier
from tailored.domain.line_options import check_item_options
from tailored.domain.lists import MAX_NAME, check_text, is_record_id
from tailored.domain.orders import (
    MAX_ORDERS,
    LineIn,
    OrderLine,
    Receipt,
    SavedOrder,
    blocking_lines,
    check_lines,
    purchase_event_id,
    purchase_value,
)
from tailored.engine.events import Events
from tailored.engine.suppression import SuppressionList, refuse_erased
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

    def __init__(
        self,
        db: Database,
        events: Events,
        *,
        now: Callable[[], datetime],
        suppression: SuppressionList | None = None,
    ) -> None:
        self._suppression = suppression  # erased ids: not created again
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
            checked = _in_catalog(conn, checked)
            # The owner's row lock makes the count and the free name hold until commit.
            refuse_erased(conn, self._suppression, user_id)
            user_store.lock_users(conn, [user_id], now=now)
            if store.count_orders(conn, user_id) >= MAX_ORDERS:
                raise Conflict(f"a user can keep at most {MAX_ORDERS} saved orders")
            order_id = store.insert_order(conn, user_id, name, checked, now=now)
            if order_id is None:
                raise _name_taken(name)
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
            checked = _in_catalog(conn, checked)
            if store.name_taken(conn, user_id, name, besides=order.id):
                raise _name_taken(name)
            store.replace_order(conn, order.id, name, checked, now=self._now())
            return self._own(conn, user_id, order_id)

    def delete(self, user_id: str, order_id: int) -> None:
        with self._db.writing() as conn:
            user_store.lock_users(conn, [user_id])
            store.delete_order(conn, self._own(conn, user_id, order_id).id)

    def reorder(self, user_id: str, order_id: int, *, placed_id: str | None = None) -> Receipt:
        """Order the saved order again: one `purchase` event per line (value: the line's
        amount when the item has a price, else the quantity; context: `saved_order_id`,
        `order_id`, `quantity`, `unit_price`, and `options` when the line has some). All
        or nothing: if any item is unavailable or gone, or no longer offers an option
        value of its line, `Conflict` names each and nothing is recorded.

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
                "event_id": purchase_event_id(placed_id, line.item_id, line.options),
                "user_id": order.user_id,
                "item_id": line.item_id,
                "type": PURCHASE,
                "value": purchase_value(line),
                "context": {
                    "saved_order_id": order.id,
                    "order_id": placed_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                }
                | ({"options": dict(line.options)} if line.options else {}),
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


def _name_taken(name: str) -> Conflict:
    # Names the field and the value, not the user (the shop may show it to a shopper).
    return Conflict(f"name: an order named {name!r} exists already; choose another name")


def _in_catalog(conn: Connection, lines: Sequence[OrderLine]) -> list[OrderLine]:
    """The lines with options in the catalog's spelling; `InvalidInput` names a line
    whose item is missing or does not offer an option value."""
    found = item_store.get_items(conn, [line.item_id for line in lines])
    checked = []
    for index, line in enumerate(lines):
        item = found.get(line.item_id)
        if item is None:
            raise InvalidInput(f"lines.{index}.item_id", f"no item {line.item_id!r} in the catalog")
        options = check_item_options(f"lines.{index}.options", item, line.options)
        checked.append(replace(line, options=options))
    return check_lines(checked)  # again: 'xl' and 'XL' are now one value


__all__ = ["Orders"]
