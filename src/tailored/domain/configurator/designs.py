"""What the configurator stores: template versions, the designs users saved, reorders,
configurations ordered without saving, and what an unnamed design is called.

A template change makes a new version; a design keeps the version and price it was saved
with, and is priced again against the current version whenever it is read.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> saved = SavedDesign(7, "u1", "coffee", "Morning", {"size": ["M"]}, Decimal("3.30"),
...                     "EUR", 1, at, at)
>>> saved.price_changed          # not priced again yet
False
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import count

from tailored.domain.configurator.template import Template, Validation, Violation
from tailored.types import JSONObject


@dataclass(frozen=True, slots=True)
class TemplateVersion:
    """One version of a template: `created_at` is when the template was first defined,
    `updated_at` when this version was made.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> TemplateVersion(Template("mug", "Mug", ()), 2, at, at).version
    2
    """

    template: Template
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SavedDesign:
    """A design a user saved: its resolved choices, the price and template version at
    saving, and (`current`) the same choices priced against the current version.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> d = SavedDesign(1, "u1", "mug", "Red mug", {}, Decimal("9.00"), "EUR", 1, at, at,
    ...                 current=Validation("mug", 2, Decimal("9.50"), "EUR"))
    >>> d.price_changed, d.price_now, d.valid_now
    (True, Decimal('9.50'), True)
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
    current: Validation | None = None

    @property
    def price_now(self) -> Decimal:
        return self.current.total if self.current is not None else self.price

    @property
    def price_changed(self) -> bool:
        return self.current is not None and self.current.total != self.price

    @property
    def valid_now(self) -> bool:
        return self.current is None or self.current.valid

    @property
    def violations_now(self) -> tuple[Violation, ...]:
        """What the current version of the template objects to (the design was valid
        when it was saved, so each of these came with a template change)."""
        return self.current.violations if self.current is not None else ()


@dataclass(frozen=True, slots=True)
class Reorder:
    """A design ordered again: the purchase event recorded, at the current price.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> d = SavedDesign(1, "u1", "mug", "Red mug", {}, Decimal("9.00"), "EUR", 1, at, at)
    >>> Reorder(d, Decimal("9.00"), "EUR", "design-1-a", "mug-custom", duplicate=False).price
    Decimal('9.00')
    """

    design: SavedDesign
    price: Decimal
    currency: str
    event_id: str
    item_id: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class ConfiguredOrder:
    """A configuration ordered as it is, without saving a design: the `purchase` event
    recorded (`event_id`) for `item_id`, with the `choices` priced (defaults included).

    >>> ConfiguredOrder("mug", 2, {"colour": ["red"]}, Decimal("10.50"), "EUR",
    ...                 "configured-mug-o-1", "mug", duplicate=False).price
    Decimal('10.50')
    """

    template_id: str
    template_version: int
    choices: JSONObject
    price: Decimal
    currency: str
    event_id: str
    item_id: str
    duplicate: bool


def default_design_name(template_id: str, taken: Collection[str]) -> str:
    """What a design the user did not name is called: "My <template>", numbered from 2
    when the user already has one by that name, so each name tells designs apart.

    >>> default_design_name("sneaker", set())
    'My sneaker'
    >>> default_design_name("iced-coffee", {"My iced coffee", "My iced coffee 2"})
    'My iced coffee 3'
    """
    base = "My " + template_id.replace("-", " ").replace("_", " ").strip()
    if base not in taken:
        return base
    return next(f"{base} {n}" for n in count(2) if f"{base} {n}" not in taken)


__all__ = ["ConfiguredOrder", "Reorder", "SavedDesign", "TemplateVersion", "default_design_name"]
