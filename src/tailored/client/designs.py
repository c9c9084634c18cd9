"""Saved designs as the API answers them: the price and template version at saving, and
the same choices priced against the template today.

`tailored.domain.configurator.designs.SavedDesign` holds today's pricing as a whole `Validation`;
the API sends its parts (price, version, validity, violations, breakdown, attributes),
so the client's `SavedDesign` has them as fields under the domain's property names
(`price_now`, `price_changed`, `valid_now`, `violations_now`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tailored.domain.configurator.template import PriceLine, Violation
from tailored.types import JSONObject, JSONValue


@dataclass(frozen=True, slots=True)
class SavedDesign:
    """A user's design: saved at `price` with `template_version`; `price_now` and
    `valid_now` against the current version (`version_now`; None when the template is
    gone), with what it objects to (`violations_now`).

    >>> from datetime import UTC
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> d = SavedDesign(1, "u42", "mug", "Red mug", {"colour": ["red"]}, Decimal("10.50"),
    ...                 "EUR", 1, at, at, price_now=Decimal("11.00"), version_now=2,
    ...                 price_changed=True)
    >>> d.price_changed, d.valid_now
    (True, True)
    """

    id: int
    user_id: str
    template_id: str
    name: str
    choices: JSONObject
    price: Decimal
    currency: str
    template_version: int
    created_at: datetime
    updated_at: datetime
    price_now: Decimal
    version_now: int | None = None
    price_changed: bool = False
    valid_now: bool = True
    violations_now: tuple[Violation, ...] = ()
    lines_now: tuple[PriceLine, ...] = ()
    attributes_now: dict[str, JSONValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reorder:
    """A design ordered again: the `purchase` event recorded (`event_id`) for
    `item_id`, at today's `price` (`duplicate`: that order id was recorded before).

    >>> from datetime import UTC
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> d = SavedDesign(1, "u42", "mug", "Red mug", {}, Decimal("9"), "EUR", 1, at, at,
    ...                 price_now=Decimal("9"))
    >>> Reorder(d, Decimal("9"), "EUR", "design-1-o-1", "mug", duplicate=False).item_id
    'mug'
    """

    design: SavedDesign
    price: Decimal
    currency: str
    event_id: str
    item_id: str
    duplicate: bool


__all__ = ["Reorder", "SavedDesign"]
