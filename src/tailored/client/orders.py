"""Saved orders and reordering them, as `engine.orders` offers them: a cart kept as an
order, "my usual coffee", one call to buy it all again.

Lines go in as the engine takes them: ``("beans", 2)`` pairs, ``("tee", 2, {"size":
"XL"})`` with the options chosen, or ``{"item_id": "tee", "quantity": 2, "options":
{"size": "XL"}}``; a line read back goes in as it is. Options are part of the line: the
same item with other options is another line. A reorder without `placed_id` gets one
made here (as the server would make it), so sending it again after a 503 records each
purchase once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route, nothing
from tailored.client.operations import Mode, Resource, operation

ORDERS = "/v1/users/{user_id}/orders"
CREATE = Route("POST", ORDERS, idempotent=False)  # again: 409, the name is taken
LIST = Route("GET", ORDERS, idempotent=True)
GET = Route("GET", ORDERS + "/{order_id}", idempotent=True)
REPLACE = Route("PUT", ORDERS + "/{order_id}", idempotent=True)
DELETE = Route("DELETE", ORDERS + "/{order_id}", idempotent=True)
REORDER = Route("POST", ORDERS + "/{order_id}/reorder", idempotent=True)  # with a placed id


@dataclass(frozen=True, slots=True)
class OrderLine:
    """An item, how many, and the options chosen for it (``{"size": "XL"}``), with the
    catalog's current title, availability and unit price (None: the item has no numeric
    `price`); `in_catalog` is false once deleted.

    >>> line = OrderLine("tee", 2, unit_price=12.5, line_total=25.0, options={"size": "XL"})
    >>> line.price, line.options_text
    (12.5, 'size: XL')
    """

    item_id: str
    quantity: int
    in_catalog: bool = True
    title: str | None = None
    available: bool = True
    unit_price: float | None = None
    line_total: float | None = None
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def price(self) -> float | None:
        return self.unit_price

    @property
    def options_text(self) -> str:
        """The options as a receipt shows them ('' for none)."""
        return ", ".join(f"{name}: {value}" for name, value in sorted(self.options.items()))


LineIn = Mapping[str, Any] | tuple[str, int] | tuple[str, int, Mapping[str, str]] | OrderLine
"""A line to save: ``(item_id, quantity)``, ``(item_id, quantity, options)``,
``{"item_id": ..., "quantity": ..., "options": {...}}``, or a line read back."""


@dataclass(frozen=True, slots=True)
class SavedOrder:
    """A named order with its lines, priced at today's catalog prices (`fully_priced`
    is false when some line has no price).

    >>> SavedOrder(1, "u42", "my usual", (OrderLine("beans", 2),), total=25.0).lines[0].quantity
    2
    """

    id: int
    user_id: str
    name: str
    lines: tuple[OrderLine, ...] = ()
    total: float = 0.0
    fully_priced: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    """A saved order placed again: one purchase event per line was `recorded`
    (`duplicates`: lines an earlier call with the same `order_id` recorded already).

    >>> from datetime import UTC
    >>> Receipt("o-1", 3, "u42", datetime(2026, 1, 1, tzinfo=UTC), (), 25.0, True, 2).recorded
    2
    """

    order_id: str
    saved_order_id: int
    user_id: str
    ordered_at: datetime
    lines: tuple[OrderLine, ...]
    total: float
    fully_priced: bool
    recorded: int
    duplicates: int = 0


def line_rows(lines: Sequence[LineIn]) -> list[Any]:
    """Lines as the API takes them; anything else goes as it is, for the server to
    name (``body.lines.2``)."""
    return [_line_row(line) for line in lines]


def _line_row(line: Any) -> Any:
    if isinstance(line, OrderLine):
        return {"item_id": line.item_id, "quantity": line.quantity, "options": dict(line.options)}
    if isinstance(line, tuple) and len(line) in (2, 3):
        row = {"item_id": line[0], "quantity": line[1]}
        return row | ({"options": line[2]} if len(line) == 3 else {})
    return dict(line) if isinstance(line, Mapping) else line


def _line(data: Any) -> OrderLine:
    return OrderLine(
        item_id=data["item_id"],
        quantity=data["quantity"],
        in_catalog=data["in_catalog"],
        title=data["title"],
        available=data["available"],
        unit_price=data["unit_price"],
        line_total=data["line_total"],
        options=dict(data.get("options") or {}),
    )


def _order(user_id: str, data: Any) -> SavedOrder:
    return SavedOrder(
        id=data["id"],
        user_id=user_id,
        name=data["name"],
        lines=reading.rows(data["lines"], _line),
        total=data["total"],
        fully_priced=data["fully_priced"],
        created_at=reading.maybe_moment(data["created_at"]),
        updated_at=reading.maybe_moment(data["updated_at"]),
    )


def _receipt(user_id: str, data: Any) -> Receipt:
    return Receipt(
        order_id=data["order_id"],
        saved_order_id=data["saved_order_id"],
        user_id=user_id,
        ordered_at=reading.moment(data["ordered_at"]),
        lines=reading.rows(data["lines"], _line),
        total=data["total"],
        fully_priced=data["fully_priced"],
        recorded=data["recorded"],
        duplicates=data["duplicates"],
    )


class Orders(Resource[Mode]):
    """A user's saved orders: save, list, change, delete, and order one again.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> stored = client.items.upsert_many([{"id": "beans", "attributes": {"price": 12.5}},
    ...                                    {"id": "filter", "attributes": {"price": 4}}])
    >>> cart = client.orders.create("u42", "cart", [("beans", 2)])
    >>> lines = [("beans", 2), ("filter", 1)]
    >>> cart = client.orders.update("u42", cart.id, name="cart", lines=lines)
    >>> receipt = client.orders.reorder("u42", cart.id, placed_id="checkout-1")
    >>> again = client.orders.reorder("u42", cart.id, placed_id="checkout-1")  # a retry
    >>> receipt.total, receipt.recorded, again.recorded, again.duplicates
    (29.0, 2, 0, 2)
    >>> engine.close()
    """

    @operation(CREATE)
    def create(self, user_id: str, name: str, lines: Sequence[LineIn]) -> Call[SavedOrder]:
        """Save a named order: an item once per set of options, names unique per user
        (`Conflict`)."""
        body = {"name": name, "lines": line_rows(lines)}
        path = {"user_id": user_id}
        return CREATE.call(lambda data: _order(user_id, data), path=path, body=body)

    @operation(LIST)
    def list(self, user_id: str) -> Call[tuple[SavedOrder, ...]]:
        """The user's saved orders, oldest first."""
        return LIST.call(
            lambda data: reading.rows(data, lambda row: _order(user_id, row)),
            path={"user_id": user_id},
        )

    @operation(GET)
    def get(self, user_id: str, order_id: int) -> Call[SavedOrder]:
        path = {"user_id": user_id, "order_id": order_id}
        return GET.call(lambda data: _order(user_id, data), path=path)

    @operation(REPLACE)
    def update(
        self, user_id: str, order_id: int, *, name: str, lines: Sequence[LineIn]
    ) -> Call[SavedOrder]:
        """Replace a saved order's name and lines."""
        body = {"name": name, "lines": line_rows(lines)}
        path = {"user_id": user_id, "order_id": order_id}
        return REPLACE.call(lambda data: _order(user_id, data), path=path, body=body)

    @operation(DELETE)
    def delete(self, user_id: str, order_id: int) -> Call[None]:
        return DELETE.call(nothing, path={"user_id": user_id, "order_id": order_id})

    @operation(REORDER)
    def reorder(
        self, user_id: str, order_id: int, *, placed_id: str | None = None
    ) -> Call[Receipt]:
        """Order the saved order again: one `purchase` event per line, all or nothing
        (`Conflict` naming each unavailable or deleted item). `placed_id` is your id of
        the placed order; the same id again records nothing twice."""
        body = {"order_id": placed_id if placed_id is not None else uuid.uuid4().hex}
        path = {"user_id": user_id, "order_id": order_id}
        return REORDER.call(lambda data: _receipt(user_id, data), path=path, body=body)


__all__ = ["LineIn", "OrderLine", "Orders", "Receipt", "SavedOrder"]
