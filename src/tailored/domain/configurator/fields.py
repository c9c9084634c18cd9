"""Reading the fields of a JSON definition, naming the path of every mistake.

>>> group = Fields({"id": "size", "max_picks": "2"}, "groups[0]", ("id", "max_picks"))
>>> group.identifier("id")
'size'
>>> group.integer("max_picks", 1, low=1, high=3)
Traceback (most recent call last):
...
tailored.errors.InvalidInput: groups[0].max_picks: must be a whole number
>>> money(4.5, "price", 2, Decimal(0))
Decimal('4.50')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from tailored.domain.configurator.template import ZERO
from tailored.domain.json_values import storable_text
from tailored.errors import InvalidInput

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
ID_RULE = "must be 1-{} letters, digits, '_' or '-', starting with a letter or digit"
MAX_PRICE = Decimal(10) ** 9


class Fields:
    """Reads the fields of one JSON object at `path`, refusing fields not `allowed`."""

    def __init__(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(value, Mapping):
            raise InvalidInput(path or "template", "must be a JSON object")
        self.value, self.path = value, path
        unknown = [key for key in value if key not in allowed]
        if unknown:
            raise InvalidInput(
                self.at(str(unknown[0])), f"unknown field; known fields: {', '.join(allowed)}"
            )

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type, default: Any, description: str) -> Any:
        value = self.value.get(key, default)
        if value is None:
            return default
        # bool is an int: a flag where a number is expected (or back) is a mistake.
        if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
            raise InvalidInput(self.at(key), f"must be {description}")
        return value

    def text(self, key: str, default: str | None = None, *, limit: int = 1000) -> str:
        value: str | None = self.get(key, str, default, "a text")
        if value is None:
            raise InvalidInput(self.at(key), "is required")
        if len(value) > limit:
            raise InvalidInput(self.at(key), f"must be at most {limit} characters")
        return storable_text(self.at(key), value)

    def identifier(self, key: str, pattern: re.Pattern[str] = ID, longest: int = 64) -> str:
        value = self.text(key)
        if not pattern.match(value):
            raise InvalidInput(self.at(key), ID_RULE.format(longest))
        return value

    def integer(self, key: str, default: int | None, *, low: int, high: int) -> int:
        value: int | None = self.get(key, int, default, "a whole number")
        if value is None:
            raise InvalidInput(self.at(key), f"is required (a whole number, {low}-{high})")
        if not low <= value <= high:
            raise InvalidInput(self.at(key), f"must be between {low} and {high}")
        return value

    def money(self, key: str, decimals: int, default: Decimal = ZERO) -> Decimal:
        return money(self.value.get(key), self.at(key), decimals, default)

    def items(self, key: str, limit: int) -> list[tuple[str, Any]]:
        values: list[Any] = self.get(key, list, [], "a list")
        if len(values) > limit:
            raise InvalidInput(self.at(key), f"has {len(values)} entries; at most {limit}")
        return [(f"{self.at(key)}[{i}]", value) for i, value in enumerate(values)]


def money(value: Any, path: str, decimals: int, default: Decimal) -> Decimal:
    if value is None:
        return default.quantize(Decimal(1).scaleb(-decimals))
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InvalidInput(path, "must be a number, e.g. 4.5")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(path, "must be a number, e.g. 4.5") from None
    if not amount.is_finite() or abs(amount) >= MAX_PRICE:
        raise InvalidInput(path, f"must be a finite number below {MAX_PRICE:,}")
    quantum = Decimal(1).scaleb(-decimals)
    if amount != amount.quantize(quantum, rounding=ROUND_DOWN):
        raise InvalidInput(path, f"has more than the currency's {decimals} decimal places")
    return amount.quantize(quantum)


def unique(values: list[tuple[str, str]], what: str) -> None:
    seen: set[str] = set()
    for path, value in values:
        if value in seen:
            raise InvalidInput(path, f"{value!r} is used twice {what}")
        seen.add(value)


__all__ = ["ID", "ID_RULE", "MAX_PRICE", "Fields", "money", "unique"]
