"""Saved orders: a named set of (item, quantity, options) lines a user can order again
in one go.

Prices come from the catalog's `price` attribute at the time of reading; a line whose
item has no price counts towards the quantity but not the total. The options chosen for
an item (size, colour: see `domain.line_options`) are part of its line: one item may be
on several lines with different options, never twice with the same.

>>> from tailored.domain.catalog import InCatalog, Item
>>> coffee = Item("beans", "Beans", attributes={"price": 12.5})
>>> order = SavedOrder(1, "u1", "my usual coffee",
...                    (OrderLine("beans", 2, coffee), OrderLine("filter", 1)))
>>> (order.total, order.fully_priced, order.lines[0].line_total)
(25.0, False, 25.0)
>>> [(ln.item_id, ln.quantity, ln.options) for ln in check_lines(
...     [{"item_id": "tee", "quantity": 2, "options": {"size": "XL"}}, ("tee", 1, {"size": "M"})]
... )]
[('tee', 2, {'size': 'XL'}), ('tee', 1, {'size': 'M'})]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tailored.domain.catalog import InCatalog, Item
from tailored.domain.identifiers import check_identifier, is_identifier
from tailored.domain.line_options import (
    Options,
    check_options,
    option_problem,
    options_key,
    options_text,
)
from tailored.errors import InvalidInput

MAX_LINES = 200
MAX_QUANTITY = 10_000
MAX_ORDERS = 100  # saved orders of one user

LINE_FIELDS = frozenset({"item_id", "quantity", "options"})


@dataclass(frozen=True, slots=True)
class OrderLine(InCatalog):
    """An item and how many, with the catalog's current item (None once deleted) and
    the options chosen for it (`{"size": "XL"}`; empty when there are none)."""

    item_id: str
    quantity: int
    item: Item | None = None
    options: Options = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What makes a line one line: its item and its options."""
        return self.item_id, options_key(self.options)

    @property
    def unit_price(self) -> float | None:
        return self.price

    @property
    def line_total(self) -> float | None:
        price = self.unit_price
        return None if price is None else round(price * self.quantity, 2)


LineIn = Mapping[str, Any] | tuple[str, int] | tuple[str, int, Options] | OrderLine


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


def check_lines(lines: object) -> list[OrderLine]:
    """The lines (without their catalog items); raises `InvalidInput` naming the line
    and field. Options are checked as text here; against the item by the caller, who
    has the catalog (`line_options.check_item_options`)."""
    if isinstance(lines, str | bytes) or not isinstance(lines, Sequence):
        raise InvalidInput("lines", "must be a list of {item_id, quantity, options}")
    if not 1 <= len(lines) <= MAX_LINES:
        raise InvalidInput("lines", f"must hold 1 to {MAX_LINES} lines ({len(lines)} given)")
    checked: list[OrderLine] = []
    first_line: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    for index, line in enumerate(lines):
        item_id, quantity, options = _line_parts(index, line)
        item_id = check_identifier(f"lines.{index}.item_id", item_id)
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidInput(f"lines.{index}.quantity", "must be a whole number")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInput(f"lines.{index}.quantity", f"must be between 1 and {MAX_QUANTITY}")
        new = OrderLine(item_id, quantity, options=check_options(f"lines.{index}.options", options))
        if new.key in first_line:
            chosen = f" with {options_text(new.options)}" if new.options else ""
            raise InvalidInput(
                f"lines.{index}.item_id",
                f"{item_id!r}{chosen} is already on line {first_line[new.key]}; "
                "give one line per item and options with the total quantity",
            )
        first_line[new.key] = index
        checked.append(new)
    return checked


def _line_parts(index: int, line: object) -> tuple[object, object, object]:
    if isinstance(line, OrderLine):
        return line.item_id, line.quantity, line.options
    if isinstance(line, Mapping):
        unknown = set(line) - LINE_FIELDS
        if unknown:
            raise InvalidInput(f"lines.{index}.{sorted(unknown)[0]}", "is not a line field")
        return line.get("item_id"), line.get("quantity", 1), line.get("options")
    if isinstance(line, tuple) and len(line) in (2, 3):
        return line[0], line[1], line[2] if len(line) == 3 else None
    raise InvalidInput(f"lines.{index}", "must be {item_id, quantity, options}")


def blocking_lines(lines: Sequence[OrderLine]) -> list[str]:
    """Why lines cannot be ordered now, one text per line that cannot (an option value
    the item no longer offers blocks its line too).

    >>> blocking_lines([OrderLine("a", 1), OrderLine("b", 1, Item("b", available=False)),
    ...                 OrderLine("c", 1, Item("c", attributes={"sizes": ["M"]}), {"size": "XL"})])
    ["'a' is no longer in the catalog", "'b' is unavailable", "'c' no longer comes in size XL"]
    """
    problems = []
    for line in lines:
        if line.item is None:
            problems.append(f"{line.item_id!r} is no longer in the catalog")
        elif not line.item.available:
            problems.append(f"{line.item_id!r} is unavailable")
        else:
            item = line.item
            gone = [n for n, v in line.options.items() if option_problem(item, n, v)]
            problems.extend(
                f"{line.item_id!r} no longer comes in {n} {line.options[n]}" for n in gone
            )
    return problems


def purchase_value(line: OrderLine) -> float:
    """A purchase event's value: the line's amount when priced, else its quantity."""
    total = line.line_total
    return float(line.quantity) if total is None else total


def purchase_event_id(order_id: str, item_id: str, options: Options | None = None) -> str:
    """The event id of one line of a placed order: a retry of the same order is stored
    once, and lines of one item with other options are other events (their options go
    in as a digest: an option's text could make the id of another item, or hold a '/').

    >>> purchase_event_id("o-1", "beans"), purchase_event_id("o-1", "tee", {"size": "XL"})
    ('order:o-1:beans', 'order:o-1:tee:a0be6efc6824e514')
    """
    parts = [order_id, item_id]
    if options:
        chosen = json.dumps(options_key(options), ensure_ascii=False)
        parts.append(hashlib.sha256(chosen.encode()).hexdigest()[:16])
    event_id = "order:" + ":".join(parts)
    if is_identifier(event_id):
        return event_id
    return "order:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()  # too long


__all__ = [
    "LINE_FIELDS",
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
