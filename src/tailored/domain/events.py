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

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tailored.errors import InvalidInput
from tailored.types import JSONObject


@dataclass(frozen=True, slots=True)
class EventType:
    """A kind of event and what it needs; built-ins ship, custom ones an admin registers."""

    name: str
    requires_item: bool = False
    requires_value: bool = False
    description: str = ""
    builtin: bool = False


def _builtin(name: str, item: bool, value: bool, description: str) -> EventType:
    return EventType(
        name, requires_item=item, requires_value=value, description=description, builtin=True
    )


BUILTIN_EVENT_TYPES: Mapping[str, EventType] = {
    t.name: t
    for t in (
        _builtin("view", True, False, "The user saw an item's page or card."),
        _builtin("click", True, False, "The user clicked an item (e.g. in a recommendation)."),
        _builtin("add_to_cart", True, False, "The item went into the cart; value = quantity."),
        _builtin("remove_from_cart", True, False, "The item left the cart."),
        _builtin("purchase", True, False, "The user bought the item; value = quantity or amount."),
        _builtin("rate", True, True, "An explicit rating; value = the rating (e.g. 1-5)."),
        _builtin("like", True, False, "The user liked or favourited the item."),
        _builtin("dismiss", True, False, "The user said 'not interested'."),
        _builtin("share", True, False, "The user shared the item."),
        _builtin("search", False, False, "A search; context.query holds the text."),
        _builtin("page_view", False, False, "A page that is not an item page was viewed."),
        _builtin(
            "impression",
            False,
            False,
            "A placement was shown (context.placement names it, context.items what it showed);"
            " clicks with the same context.placement over these give its click-through.",
        ),
    )
}

EVENT_TYPE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def check_event_type_name(name: str) -> None:
    """Custom type names are lower_snake_case, so they read well in reports and SQL."""
    if not EVENT_TYPE_NAME.match(name):
        raise InvalidInput(
            "name", "must be lower_snake_case: a letter, then letters, digits or '_' (max 64)"
        )


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
    "BUILTIN_EVENT_TYPES",
    "Event",
    "EventType",
    "check_event",
    "check_event_type_name",
]
