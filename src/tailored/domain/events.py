"""Events: what users did, append-only, and the rules an event must satisfy.

>>> from datetime import UTC, datetime
>>> now = datetime(2026, 1, 1, tzinfo=UTC)
>>> e = Event(event_id="e1", user_id="u1", item_id="sku-1", type="view", timestamp=now)
>>> check_event(e, types=BUILTIN_EVENT_TYPES, now=now, future_tolerance_seconds=300)
>>> check_event(Event(event_id="e2", user_id="u1", type="view", timestamp=now),
...             types=BUILTIN_EVENT_TYPES, now=now, future_tolerance_seconds=300)
Traceback (most recent call last):
...
tailored.errors.InvalidInput: item_id: is required for events of type 'view'
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from tailored.errors import InvalidInput
from tailored.types import JSONObject

Meaning = Literal["exposure", "click", "view", "conversion", "negative"]
MEANINGS: tuple[Meaning, ...] = ("exposure", "click", "view", "conversion", "negative")
"""What an event type can stand for, beyond its interaction weight: something was shown
(`exposure`: click-through's denominator), a response to what was shown (`click`: its
numerator), an item's page was seen (`view`: "most viewed"), a goal reached (`conversion`:
"most converted", the dashboard's conversions, `exclude_purchased`), or a signal against the
item (`negative`: never an interaction; the item is not offered again under
`exclude_seen`)."""

ITEM = "{item}"
DEFAULT_PHRASE = "interacted with {item}"
MAX_PHRASE = 80
MAX_WEIGHT = 1000.0  # weights are relative (purchase: 5); a bound keeps sums far from overflow


@dataclass(frozen=True, slots=True)
class EventType:
    """A kind of event, what it needs and what it means; built-ins ship, custom ones an
    admin registers.

    `weight` is how much one event counts as an interaction, for training and serving
    alike (0: not an interaction); `meaning` is what else it stands for (see `MEANINGS`);
    `phrase` is how a reason names it, `{item}` standing for the item's title.

    >>> wish = EventType("wishlist_add", requires_item=True, weight=2.0,
    ...                  phrase="saved {item} for later")
    >>> check_event_type(wish)
    >>> wish.says("Trail runner")
    'saved Trail runner for later'
    >>> check_event_type(EventType("return", meaning="negative", weight=1.0))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: weight: must be 0 for a negative event type: ...
    """

    name: str
    requires_item: bool = False
    requires_value: bool = False
    description: str = ""
    builtin: bool = False
    weight: float = 0.0
    meaning: Meaning | None = None
    phrase: str = DEFAULT_PHRASE

    def says(self, title: str) -> str:
        """The phrase with the item's title in it ("bought Trail runner")."""
        return self.phrase.replace(ITEM, title)


def _builtin(
    name: str,
    item: bool,
    value: bool,
    description: str,
    *,
    weight: float = 0.0,
    meaning: Meaning | None = None,
    phrase: str = DEFAULT_PHRASE,
) -> EventType:
    return EventType(
        name,
        requires_item=item,
        requires_value=value,
        description=description,
        builtin=True,
        weight=weight,
        meaning=meaning,
        phrase=phrase,
    )


# Built-in types the engine itself records or stands in for (a saved order's reorder is
# a purchase; an item the request says is being looked at is a view, one in the cart an
# add_to_cart).
#
# Interaction weights follow the steps of a purchase funnel, each a stronger sign of
# interest than the one before: purchase 5 > add_to_cart 3 > click 2 > view 1. A click
# is a choice among items shown, a view may be passive (a card scrolled past, a page
# opened from a search); like and share are explicit too (2). Our benchmark data sets
# hold one event type each, so these ratios are reasoned, not fitted (see
# docs/research/defaults.md); `Settings.event_weights` overrides them.
VIEW = "view"
ADD_TO_CART = "add_to_cart"
PURCHASE = "purchase"

BUILTIN_EVENT_TYPES: Mapping[str, EventType] = {
    t.name: t
    for t in (
        _builtin(
            VIEW, True, False, "The user saw an item's page or card.",
            weight=1.0, meaning="view", phrase="viewed {item}",
        ),
        _builtin(
            "click", True, False, "The user clicked an item (e.g. in a recommendation).",
            weight=2.0, meaning="click", phrase="clicked on {item}",
        ),
        _builtin(
            ADD_TO_CART, True, False, "The item went into the cart; value = quantity.",
            weight=3.0, phrase="added {item} to your cart",
        ),
        _builtin(
            "remove_from_cart", True, False, "The item left the cart.", meaning="negative"
        ),
        _builtin(
            PURCHASE, True, False, "The user bought the item; value = quantity or amount.",
            weight=5.0, meaning="conversion", phrase="bought {item}",
        ),
        _builtin(
            "rate", True, True, "An explicit rating; value = the rating (e.g. 1-5).",
            weight=1.0, phrase="rated {item}",
        ),
        _builtin(
            "like", True, False, "The user liked or favourited the item.",
            weight=2.0, phrase="liked {item}",
        ),
        _builtin(
            "dismiss", True, False, "The user said 'not interested'.", meaning="negative"
        ),
        _builtin(
            "share", True, False, "The user shared the item.", weight=2.0, phrase="shared {item}"
        ),
        _builtin("search", False, False, "A search; context.query holds the text."),
        _builtin("page_view", False, False, "A page that is not an item page was viewed."),
        _builtin(
            "impression",
            False,
            False,
            "A placement was shown (context.placement names it, context.items what it showed);"
            " clicks with the same context.placement over these give its click-through.",
            meaning="exposure",
        ),
    )
}  # fmt: skip

EVENT_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def check_event_type_name(name: str) -> None:
    """Custom type names are lower_snake_case, so they read well in reports and SQL."""
    if not EVENT_TYPE_NAME.match(name):
        raise InvalidInput(
            "name", "must be lower_snake_case: a letter, then letters, digits or '_' (max 64)"
        )


def check_weight(weight: float, *, field: str = "weight") -> None:
    """A weight is a number from 0 (not an interaction) to `MAX_WEIGHT`."""
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        raise InvalidInput(field, f"must be a number, not {weight!r}")
    if not (math.isfinite(weight) and 0 <= weight <= MAX_WEIGHT):
        raise InvalidInput(
            field, f"must be from 0 (not an interaction) to {MAX_WEIGHT:g}, not {weight}"
        )


def check_event_type(event_type: EventType) -> None:
    """Raise `InvalidInput` naming the field if a type's definition cannot work."""
    check_event_type_name(event_type.name)
    check_weight(event_type.weight)
    for name, text in (("phrase", event_type.phrase), ("description", event_type.description)):
        if not isinstance(text, str):
            raise InvalidInput(name, f"must be text, not {text!r}")
    if event_type.meaning is not None and event_type.meaning not in MEANINGS:
        raise InvalidInput(
            "meaning", f"must be one of {', '.join(MEANINGS)} or null, not {event_type.meaning!r}"
        )
    if event_type.meaning == "negative" and event_type.weight != 0:
        raise InvalidInput(
            "weight",
            "must be 0 for a negative event type: it counts against the item, never as an "
            "interaction",
        )
    phrase = event_type.phrase
    if phrase.count(ITEM) != 1 or any(brace in phrase.replace(ITEM, "") for brace in "{}"):
        raise InvalidInput(
            "phrase",
            "must hold {item} once (where the title goes) and no other braces, "
            "e.g. 'saved {item} for later'",
        )
    if len(phrase) > MAX_PHRASE or not phrase.isprintable() or phrase != phrase.strip():
        raise InvalidInput(
            "phrase",
            f"must be printable text of at most {MAX_PHRASE} characters, without spaces "
            "at either end",
        )


@dataclass(frozen=True)
class EventMeanings:
    """The event types known at one moment, asked for what they mean. Code that needs an
    event type's meaning asks here, never compares type names.

    >>> meanings = EventMeanings(BUILTIN_EVENT_TYPES)
    >>> meanings.weights["purchase"], "dismiss" in meanings.weights
    (5.0, False)
    >>> meanings.named("conversion"), meanings.named("negative")
    (('purchase',), ('dismiss', 'remove_from_cart'))
    >>> meanings.says("add_to_cart", "Socks"), meanings.says("teleport", "Socks")
    ('added Socks to your cart', 'interacted with Socks')
    """

    types: Mapping[str, EventType]

    @property
    def weights(self) -> dict[str, float]:
        """The interaction types (weight above 0) and their weights."""
        return {name: t.weight for name, t in sorted(self.types.items()) if t.weight > 0}

    def named(self, meaning: Meaning) -> tuple[str, ...]:
        """The names of the types that mean `meaning`, sorted."""
        return tuple(sorted(name for name, t in self.types.items() if t.meaning == meaning))

    @property
    def history(self) -> tuple[str, ...]:
        """What a user's history holds: interactions, and signals against items."""
        return tuple(sorted({*self.weights, *self.named("negative")}))

    def says(self, name: str, title: str) -> str:
        """How a reason names an event of type `name` on the item titled `title`."""
        found = self.types.get(name)
        return found.says(title) if found is not None else DEFAULT_PHRASE.replace(ITEM, title)


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a user did. `event_id` is the client's idempotency key."""

    event_id: str
    user_id: str
    type: str
    timestamp: datetime
    item_id: str | None = None
    value: float | None = None
    context: JSONObject = field(default_factory=dict)
    received_at: datetime | None = None


def check_event(
    event: Event,
    *,
    types: Mapping[str, EventType],
    now: datetime,
    future_tolerance_seconds: float,
) -> None:
    """Raise `InvalidInput` naming the field if the event breaks a rule."""
    event_type = types.get(event.type)
    if event_type is None:
        raise InvalidInput(
            "type",
            f"unknown event type {event.type!r}; use one of {', '.join(sorted(types))} "
            "or register it first (POST /v1/event-types)",
        )
    if event_type.requires_item and not event.item_id:
        raise InvalidInput("item_id", f"is required for events of type {event.type!r}")
    if event_type.requires_value and event.value is None:
        raise InvalidInput("value", f"is required for events of type {event.type!r}")
    if event.timestamp > now + timedelta(seconds=future_tolerance_seconds):
        raise InvalidInput(
            "timestamp",
            f"is in the future ({event.timestamp.isoformat()}); more than "
            f"{future_tolerance_seconds:g} s ahead of the server clock is rejected",
        )


__all__ = [
    "ADD_TO_CART",
    "BUILTIN_EVENT_TYPES",
    "DEFAULT_PHRASE",
    "MAX_PHRASE",
    "MAX_WEIGHT",
    "MEANINGS",
    "PURCHASE",
    "VIEW",
    "Event",
    "EventMeanings",
    "EventType",
    "Meaning",
    "check_event",
    "check_event_type",
    "check_event_type_name",
    "check_weight",
]
