"""The natural order of option values, as a shop lists them: clothing sizes from small
to large, numbers by value, then words alphabetically (not by popularity, and not as
plain strings, where "L" < "M" < "S" and "100" < "42").

>>> natural_order(["S", "L", "M", "XS", "42", "41", "XXL", "100", "oat", "Almond"])
('XS', 'S', 'M', 'L', 'XXL', '41', '42', '100', 'Almond', 'oat')
>>> natural_order(["EU 42", "EU 38", "EU 40.5"])  # a number inside a word counts too
('EU 38', 'EU 40.5', 'EU 42')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SIZES = ("XXXS", "XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
_RANK = {size: rank for rank, size in enumerate(SIZES)} | {"3XL": 8, "2XL": 7, "2XS": 1}
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")


def natural_key(value: str) -> tuple[int, float, tuple[tuple[int, float | str], ...]]:
    """Sort key: (0, rank) for a known size, (1, number) for a number, else (2, the
    text with its numbers compared by value)."""
    text = value.strip()
    if text.upper() in _RANK:
        return 0, _RANK[text.upper()], ()
    try:
        return 1, float(text.replace(",", ".")), ()
    except ValueError:
        pass
    parts = tuple(
        (0, float(part.replace(",", "."))) if index % 2 else (1, part.casefold())
        for index, part in enumerate(_NUMBER.split(text))
        if part
    )
    return 2, 0.0, parts


def natural_order(values: Iterable[str]) -> tuple[str, ...]:
    """`values` in their natural order (see the module)."""
    return tuple(sorted(values, key=natural_key))


__all__ = ["SIZES", "natural_key", "natural_order"]
