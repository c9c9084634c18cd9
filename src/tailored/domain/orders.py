"""Saved orders: a named set of (item, quantity) lines a user can order again in one go.

Prices come from the catalog's `price` attribute at the time of reading; a line whose
item has no price counts towards the quantity but not the total.

>>> from tailored.domain.catalog import InCatalog, Item
>>> coffee = Item("beans", "Beans", attributes={"price": 12.5})
>>> order = SavedOrder(1, "u1", "my usual coffee",
...                    (OrderLine("beans", 2, coffee), OrderLine("filter", 1)))
>>> (order.total, order.fully_priced, order.lines[0].line_total)
(25.0, False, 25.0)
>>> check_lines([{"item_id": "beans", "quantity": 2}, ("filter", 1)])
[('beans', 2), ('filter', 1)]
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tailored.domain.catalog import InCatalog, Item
from tailored.domain.identifiers import check_identifier
from tailored.errors import InvalidInput

MAX_LINES = 200
MAX_QUANTITY = 10_000
MAX_ORDERS = 100  # saved orders of one user

LineIn = Mapping[str, Any] | tuple[str, int]


@dataclass(frozen=True, slots=True)
class OrderLine(InCatalog):
    """An item and how many, with the catalog's current item (None once deleted)."""

    item_id: str
    quantity: int
    item: Item | None = None

    @property
    def unit_price(self) -> float | None:
        return self.price

    @property
    def line_total(self) -> float | None:
        price = self.unit_price
        return None if price is None else round(price * self.quantity, 2)


class PricedLines:
    """What a set of order lines costs at today's catalog prices (lines without a price
    count nothing; `fully_priced` says whether any did)."""

    __slots__ = ()
    lines: tuple[OrderLine, ...]

    @property
    def total(self) -> float:
        return round(sum(line.line_total or 0.0 for line in self.lines), 2)

    @property
    def fully_priced(self) -> bool:
        return all(line.unit_price is not None for line in self.lines)


@dataclass(frozen=True, slots=True)
class SavedOrder(PricedLines):
    """A named order ("my usual coffee") with its lines in the order given."""

    id: int
    user_id: str
    name: str
    lines: tuple[OrderLine, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Receipt(PricedLines):
    """A saved order placed again: one purchase event per line (`recorded`; `duplicates`
    counts lines already recorded by an earlier call with the same `order_id`).

    >>> Receipt("o-1", 3, "u1", datetime(2026, 1, 1), (OrderLine("beans", 2),), 1).total
    0.0
    """

    order_id: str
    saved_order_id: int
    user_id: str
    ordered_at: datetime
    lines: tuple[OrderLine, ...]
    recorded: int
    duplicates: int = 0


def check_lines(lines: object) -> list[tuple[str, int]]:
    """(item id, quantity) per line; raises `InvalidInput` naming the line and field."""
    if isinstance(lines, str | bytes) or not isinstance(lines, Sequence):
        raise InvalidInput("lines", "must be a list of {item_id, quantity}")
    if not 1 <= len(lines) <= MAX_LINES:
        raise InvalidInput("lines", f"must hold 1 to {MAX_LINES} lines ({len(lines)} given)")
    checked: list[tuple[str, int]] = []
    first_line: dict[str, int] = {}
    for index, line in enumerate(lines):
        item_id, quantity = _line_parts(index, line)
        item_id = check_identifier(f"lines.{index}.item_id", item_id)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidInput(f"lines.{index}.quantity", "must be a whole number")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInput(f"lines.{index}.quantity", f"must be between 1 and {MAX_QUANTITY}")
        if item_id in first_line:
            raise InvalidInput(
                f"lines.{index}.item_id",
                f"{item_id!r} is already on line {first_line[item_id]}; "
                "give one line per item with the total quantity",
            )
        first_line[item_id] = index
        checked.append((item_id, quantity))
    return checked


def _line_parts(index: int, line: object) -> tuple[object, object]:
    if isinstance(line, Mapping):
        unknown = set(line) - {"item_id", "quantity"}
        if unknown:
            raise InvalidInput(f"lines.{index}.{sorted(unknown)[0]}", "is not a line field")
        return line.get("item_id"), line.get("quantity", 1)
    if isinstance(line, tuple) and len(line) == 2:
        return line[0], line[1]
    raise InvalidInput(f"lines.{index}", "must be {item_id, quantity}")


def blocking_lines(lines: Sequence[OrderLine]) -> list[str]:
    """Why lines cannot be ordered now, one text per line that cannot.

    >>> blocking_lines([OrderLine("a", 1), OrderLine("b", 1, Item("b", available=False))])
    ["'a' is no longer in the catalog", "'b' is unavailable"]
    """
    problems = []
    for line in lines:
        if line.item is None:
            problems.append(f"{line.item_id!r} is no longer in the catalog")
        elif not line.item.available:
            problems.append(f"{line.item_id!r} is unavailable")
    return problems


def purchase_value(line: OrderLine) -> float:
    """A purchase event's value: the line's amount when priced, else its quantity."""
    total = line.line_total
    return float(line.quantity) if total is None else total


def purchase_event_id(order_id: str, item_id: str) -> str:
    """The event id of one line of a placed order: a retry of the same order is stored once.

    >>> purchase_event_id("o-1", "beans")
    'order:o-1:beans'
    """
    event_id = f"order:{order_id}:{item_id}"
    if len(event_id) <= 256:
        return event_id
    digest = hashlib.sha256(f"{order_id}\0{item_id}".encode()).hexdigest()
    return f"order:{digest}"


__all__ = [
    "MAX_LINES",
    "MAX_ORDERS",
    "MAX_QUANTITY",
    "LineIn",
    "OrderLine",
    "Receipt",
    "SavedOrder",
    "blocking_lines",
    "check_lines",
    "purchase_event_id",
    "purchase_value",
]
