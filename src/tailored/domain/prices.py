"""An item's price, read from its `price` attribute, and how a price reads in a message.

>>> price_of({"price": 89.5}), price_of({"price": "19.99"}), price_of({"price": "ask us"})
(89.5, 19.99, None)
>>> format_price(25.0), format_price(24.5)
('25', '24.50')
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from tailored.types import JSONValue

PRICE_ATTRIBUTE = "price"


def price_of(attributes: Mapping[str, JSONValue]) -> float | None:
    """The item's price when `price` holds a finite number that is not negative (numeric
    text counts: catalogs imported from CSV often carry '19.99'); otherwise None."""
    value = attributes.get(PRICE_ATTRIBUTE)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def format_price(price: float) -> str:
    """Whole prices without decimals, others with two."""
    return str(int(price)) if price.is_integer() else f"{price:.2f}"


__all__ = ["PRICE_ATTRIBUTE", "format_price", "price_of"]
