"""Events and event types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tailored.domain.events import Event, EventType
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


class EventTypeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="lower_snake_case, e.g. wishlist_add")
    requires_item: bool = False
    requires_value: bool = False
    description: str = Field("", max_length=1000)


class EventTypeOut(OutBase):
    name: str
    requires_item: bool
    requires_value: bool
    description: str
    builtin: bool

    @classmethod
    def of(cls, event_type: EventType) -> EventTypeOut:
        return cls.model_validate(event_type)


__all__ = ["EventOut", "EventPage", "EventTypeBody", "EventTypeOut"]
