"""Events and event types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tailored.domain.events import (
    DEFAULT_PHRASE,
    MAX_PHRASE,
    MAX_WEIGHT,
    Event,
    EventType,
    Meaning,
)
from tailored.server.schemas.common import OutBase


class EventOut(OutBase):
    event_id: str
    user_id: str
    item_id: str | None
    type: str
    value: float | None
    context: dict[str, Any]
    timestamp: datetime
    received_at: datetime | None

    @classmethod
    def of(cls, event: Event) -> EventOut:
        return cls.model_validate(event)


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: str | None


_WEIGHT = (
    "How much one event counts as an interaction, in training and serving alike "
    "(purchase 5, add_to_cart 3, view 1); 0: not an interaction"
)
_MEANING = (
    "What else it stands for: exposure (something was shown: click-through's denominator), "
    "click (a response to it: the numerator), view (an item's page: 'most viewed'), "
    "conversion (a goal reached: 'most converted', exclude_purchased), negative (a signal "
    "against the item: never offered again where seen items are hidden; weight must be 0)"
)
_PHRASE = "How a reason names it, {item} standing for the title: 'saved {item} for later'"


class EventTypeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="lower_snake_case, e.g. wishlist_add")
    requires_item: bool = False
    requires_value: bool = False
    description: str = Field("", max_length=1000)
    weight: float = Field(0.0, ge=0, le=MAX_WEIGHT, allow_inf_nan=False, description=_WEIGHT)
    meaning: Meaning | None = Field(None, description=_MEANING)
    phrase: str = Field(DEFAULT_PHRASE, max_length=MAX_PHRASE, description=_PHRASE)


class EventTypePatch(BaseModel):
    """What changes; a field left out stays as it is (null is only for `meaning`)."""

    model_config = ConfigDict(extra="forbid")
    weight: float | None = Field(
        None, ge=0, le=MAX_WEIGHT, allow_inf_nan=False, description=_WEIGHT
    )
    meaning: Meaning | None = Field(
        None, description=_MEANING + ". null removes the meaning; left out, it stays"
    )
    phrase: str | None = Field(None, max_length=MAX_PHRASE, description=_PHRASE)
    description: str | None = Field(None, max_length=1000)


class EventTypeOut(OutBase):
    name: str
    requires_item: bool
    requires_value: bool
    description: str
    builtin: bool
    weight: float = Field(description=_WEIGHT + " (a built-in's may be overridden in settings)")
    meaning: Meaning | None = Field(description=_MEANING)
    phrase: str = Field(description=_PHRASE)

    @classmethod
    def of(cls, event_type: EventType) -> EventTypeOut:
        return cls.model_validate(event_type)


__all__ = ["EventOut", "EventPage", "EventTypeBody", "EventTypeOut", "EventTypePatch"]
