"""Catalog items and the facet values used to filter them.

>>> item = Item(id="sku-1", title="Trail runner", categories=("shoes", "running"),
...             attributes={"brand": "Acme", "price": 89.0, "sizes": [42, 43]})
>>> sorted(facet_values(item.attributes))
[('brand', 'Acme'), ('price', '89'), ('sizes', '42'), ('sizes', '43')]
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from tailored.domain.prices import price_of
from tailored.types import JSONObject, JSONValue


@dataclass(frozen=True, slots=True)
class Item:
    """One catalog entry, as the business describes it."""

    id: str
    title: str = ""
    description: str = ""
    categories: tuple[str, ...] = ()
    attributes: JSONObject = field(default_factory=dict)
    available: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None


class InCatalog:
    """What a saved line (a list entry, an order line) shows of its item as the catalog
    has it now; `item` is None once the item left the catalog.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Line(InCatalog):
    ...     item: Item | None
    >>> Line(None).in_catalog, Line(None).title, Line(None).price
    (False, None, None)
    """

    __slots__ = ()
    item: Item | None

    @property
    def in_catalog(self) -> bool:
        return self.item is not None

    @property
    def title(self) -> str | None:
        return self.item.title if self.item is not None else None

    @property
    def available(self) -> bool:
        return self.item is not None and self.item.available

    @property
    def price(self) -> float | None:
        return price_of(self.item.attributes) if self.item is not None else None


def facet_text(value: JSONValue) -> str | None:
    """Canonical text of a scalar attribute value, so filters match across backends.

    Integral floats lose their '.0' (a price of 89.0 matches the filter 'price:89');
    booleans are 'true'/'false'; nested objects and nulls are not facets.

    >>> [facet_text(v) for v in ("red", 89.0, 89.5, True, None)]
    ['red', '89', '89.5', 'true', None]
    """
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def facet_values(attributes: Mapping[str, JSONValue]) -> Iterator[tuple[str, str]]:
    """(name, text) pairs an item can be filtered by: scalars and members of scalar lists."""
    for name, value in attributes.items():
        members = value if isinstance(value, list) else [value]
        seen: set[str] = set()
        for member in members:
            text = facet_text(member)
            if text is not None and text not in seen:
                seen.add(text)
                yield name, text


__all__ = ["InCatalog", "Item", "facet_text", "facet_values"]
