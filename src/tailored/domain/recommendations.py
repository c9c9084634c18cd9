"""What a recommendation request asks for and what it answers, as plain values.

A request names who is asking (a user, or only a session), which slot it fills (the
placement, whose strategy says how to rank: `tailored.domain.placements`), which items may
appear (`Filters`) and the situation (`Context`). The answer is a ranked list where every
item carries a `Reason` a person can read, and names the strategy that ranked it
(`StrategySource`).

>>> Filters(categories=("shoes",)).is_empty
False
>>> Context(time=None).derived()
{}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ReasonKind = Literal[
    "history",  # because you viewed / bought / ... <title>: that event raised the score most
    "session",  # because you are looking at <title> / <title> is in your cart
    "similar",  # similar to <title>: a model relates the two (behaviour, or content)
    "bought_together",  # often bought together with <title>: purchases made most of the
    # sessions the two shared (the co-occurrence model's purchase share is at least half)
    "viewed_together",  # often viewed together with <title>: shared sessions, mostly views
    "preference",  # because you chose <value>: the user's own boost raised it
    "trending",  # popular this week (or overall): a fallback on activity, any category
    "trending_in_category",  # popular in <category> this week: only for items in it
    "catalog",  # from our <category> range: no activity on it yet, only the catalog
]
"""What produced an item, so a reason never claims more than its source: a kind names
the evidence (history, session, a model's relation, a choice, popularity), and its text
says the same in words."""


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an item is shown: a sentence, what kind of reason it is, and the item or
    category it points to (for links such as "because you viewed <title>")."""

    kind: ReasonKind
    text: str
    item_id: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Recommended:
    """One item of a recommendation list."""

    item_id: str
    title: str
    score: float
    reason: Reason
    boosted: bool = False


StrategyOrigin = Literal[
    "stored",  # a version stored in the database (engine.placements)
    "settings",  # TAILORED_PLACEMENTS, for a placement not stored
    "built_in",  # no strategy given for the placement, nor a 'default' one
]


@dataclass(frozen=True, slots=True)
class StrategySource:
    """Which strategy ranked a list: the placement it belongs to (the one asked for, or
    'default' when that has none), its stored version, and where it came from.

    >>> StrategySource("home", 3, "stored").version
    3
    >>> StrategySource()
    StrategySource(placement=None, version=None, origin='built_in')
    """

    placement: str | None = None
    version: int | None = None
    origin: StrategyOrigin = "built_in"


@dataclass(frozen=True, slots=True)
class RecommendationList:
    """A ranked answer. `personalized` is false when it came from a fallback (no
    history, no consent, no model); `notice` then says why, in words."""

    items: tuple[Recommended, ...]
    personalized: bool
    source: str  # the model that scored ("seq_blend", "item_knn", ...) or "trending"
    model_version: int | None = None
    placement: str | None = None
    notice: str | None = None
    strategy: StrategySource = StrategySource()


@dataclass(frozen=True, slots=True)
class Filters:
    """Which items may appear. Categories and attribute values match any of those given;
    attribute names must all match. Unavailable items never appear."""

    categories: tuple[str, ...] = ()
    exclude_categories: tuple[str, ...] = ()
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_items: tuple[str, ...] = ()
    exclude_attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A numeric attribute within [low, high] (None: open); items without it still pass.
    ranges: Mapping[str, tuple[float | None, float | None]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.categories
            or self.exclude_categories
            or self.attributes
            or self.exclude_items
            or self.exclude_attributes
            or self.ranges
        )

    @property
    def key(self) -> tuple[object, ...]:
        """The same conditions give the same key (a cache key: hashable, order-free)."""
        attributes = tuple(sorted((k, tuple(sorted(v))) for k, v in self.attributes.items()))
        excluded = tuple(sorted((k, tuple(sorted(v))) for k, v in self.exclude_attributes.items()))
        return (
            tuple(sorted(self.categories)),
            tuple(sorted(self.exclude_categories)),
            attributes,
            tuple(sorted(self.exclude_items)),
            excluded,
            tuple(sorted(self.ranges.items())),
        )

    def merged(self, other: Filters) -> Filters:
        """Both sets of conditions at once (e.g. the request's and the user's own)."""
        attributes = dict(self.attributes)
        for name, values in other.attributes.items():
            attributes[name] = tuple(v for v in attributes.get(name, values) if v in values)
        excluded = dict(self.exclude_attributes)
        for name, values in other.exclude_attributes.items():
            excluded[name] = (*excluded.get(name, ()), *values)
        ranges = dict(self.ranges)
        for name, (low, high) in other.ranges.items():
            mine = ranges.get(name, (None, None))
            ranges[name] = (_tighter(mine[0], low, max), _tighter(mine[1], high, min))
        return Filters(
            categories=self.categories or other.categories,
            exclude_categories=(*self.exclude_categories, *other.exclude_categories),
            attributes=attributes,
            exclude_items=(*self.exclude_items, *other.exclude_items),
            exclude_attributes=excluded,
            ranges=ranges,
        )


def _tighter(
    mine: float | None, theirs: float | None, pick: Callable[[float, float], float]
) -> float | None:
    if mine is None or theirs is None:
        return theirs if mine is None else mine
    return pick(mine, theirs)


@dataclass(frozen=True, slots=True)
class Boost:
    """Multiply the score of matching items by `factor` (> 1 promotes, < 1 demotes).

    An item matches when it is in `category` (if given), has attribute `attribute`
    equal to `value` (if given) and is among `items` (if given); `when` limits the
    boost to requests whose context has those values, e.g. {"season": "winter"}.
    """

    factor: float
    category: str | None = None
    attribute: str | None = None
    value: str | None = None
    items: tuple[str, ...] = ()
    when: Mapping[str, str] = field(default_factory=dict)
    chosen: str | None = None  # the user's own choice behind it ("Running"), for reasons

    def applies_to(self, context: Mapping[str, str]) -> bool:
        return all(context.get(key) == value for key, value in self.when.items())


@dataclass(frozen=True, slots=True)
class Context:
    """The situation of a request: items of the current session (oldest first) and in
    the cart, and free-form facts such as device or location. `time` (default: now)
    also gives the derived facts `daypart`, `weekday` and `season`."""

    session_items: tuple[str, ...] = ()
    cart_items: tuple[str, ...] = ()
    facts: Mapping[str, str] = field(default_factory=dict)
    time: datetime | None = None

    def derived(self) -> dict[str, str]:
        """The facts plus those read off the time (northern seasons unless the facts
        say `hemisphere: south`).

        >>> from datetime import datetime
        >>> Context(time=datetime(2026, 1, 5, 20, 0)).derived()
        {'daypart': 'evening', 'weekday': 'monday', 'season': 'winter'}
        """
        facts = dict(self.facts)
        if self.time is None:
            return facts
        hour = self.time.hour
        facts.setdefault(
            "daypart",
            "night" if hour < 5 else "morning" if hour < 12 else "afternoon" if hour < 17
            else "evening" if hour < 22 else "night",
        )  # fmt: skip
        facts.setdefault("weekday", self.time.strftime("%A").lower())
        seasons = ("winter", "spring", "summer", "autumn")
        quarter = (self.time.month % 12) // 3  # Dec-Feb 0, Mar-May 1, ...
        if facts.get("hemisphere") == "south":
            quarter = (quarter + 2) % 4
        facts.setdefault("season", seasons[quarter])
        return facts

    @property
    def key(self) -> tuple[object, ...]:
        """The same situation gives the same key (a cache key; session order counts)."""
        return (self.session_items, self.cart_items, tuple(sorted(self.facts.items())), self.time)


__all__ = [
    "Boost",
    "Context",
    "Filters",
    "Reason",
    "ReasonKind",
    "RecommendationList",
    "Recommended",
    "StrategyOrigin",
    "StrategySource",
]
