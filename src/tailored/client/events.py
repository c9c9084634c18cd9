"""/v1/events and /v1/event-types, as `engine.events` and `engine.event_types` offer
them.

Every event the client sends carries an `event_id`: the caller's, or one made here when
the row has none (as the server would make it). The server stores an id once, so a batch
sent again after a 503 or a lost connection records nothing twice: that is what makes
recording safe to retry.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.events import DEFAULT_PHRASE, Event, EventType, Meaning
from tailored.domain.results import BatchResult, Page

RECORD = Route("POST", "/v1/events", idempotent=True)  # every row carries an event_id
QUERY = Route("GET", "/v1/events", idempotent=True)
LIST_TYPES = Route("GET", "/v1/event-types", idempotent=True)
REGISTER_TYPE = Route("POST", "/v1/event-types", idempotent=True)  # the same again: a no-op
UPDATE_TYPE = Route("PATCH", "/v1/event-types/{name}", idempotent=True)  # sets, never adds

EventRow = Mapping[str, Any] | Event
"""An event as a dict (``{"user_id", "type", "item_id", "value", "context", ...}``, as
the engine takes it) or an `Event`."""


def event_row(event: EventRow) -> Any:
    """The row as sent: with an `event_id`, made here when missing. Anything but a
    mapping goes as it is, for the server to reject by its index."""
    if isinstance(event, Event):
        row = asdict(event)
        del row["received_at"]
        return row
    if not isinstance(event, Mapping):
        return event
    row = dict(event)
    if row.get("event_id") is None:
        row["event_id"] = uuid.uuid4().hex
    return row


def read_event(data: Any) -> Event:
    return Event(
        event_id=data["event_id"],
        user_id=data["user_id"],
        type=data["type"],
        timestamp=reading.moment(data["timestamp"]),
        item_id=data["item_id"],
        value=data["value"],
        context=dict(data["context"]),
        received_at=reading.maybe_moment(data["received_at"]),
    )


def read_event_type(data: Any) -> EventType:
    return EventType(
        name=data["name"],
        requires_item=data["requires_item"],
        requires_value=data["requires_value"],
        description=data["description"],
        builtin=data["builtin"],
        weight=float(data["weight"]),
        meaning=data["meaning"],
        phrase=data["phrase"],
    )


class Events(Resource[Mode]):
    """Recording what users did, and reading the event log.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> view = {"event_id": "e-1", "user_id": "u42", "type": "view", "item_id": "mug"}
    >>> client.events.record(view)
    BatchResult(accepted=1, duplicates=0, rejected=())
    >>> client.events.record_many([
    ...     view,
    ...     {"user_id": "u42", "type": "purchase", "item_id": "mug", "value": 2},
    ...     {"user_id": "u42", "type": "teleport"}]).rejected[0].field
    'type'
    >>> [e.type for e in client.events.query(user_id="u42").items]
    ['purchase', 'view']
    >>> engine.close()
    """

    @operation(RECORD)
    def record(self, event: EventRow) -> Call[BatchResult]:
        """Record one event; a rejected one raises `InvalidInput` naming the field."""
        return RECORD.call(reading.batch_result, body=event_row(event))

    @operation(RECORD)
    def record_many(self, rows: Sequence[EventRow]) -> Call[BatchResult]:
        """Record a batch (up to the server's `max_batch_events`, 10,000 by default): each
        row is judged on its own; the result counts the accepted rows and duplicates (an
        `event_id` stored before) and lists each rejected row's index, field and reason."""
        return RECORD.call(reading.batch_result, body=[event_row(row) for row in rows])

    @operation(QUERY)
    def query(
        self,
        *,
        user_id: str | None = None,
        item_id: str | None = None,
        types: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> Call[Page[Event]]:
        """A page of the event log, newest first (an admin key's read)."""
        query = [
            ("user_id", user_id),
            ("item_id", item_id),
            ("type", builtins.list(types)),
            ("since", since),
            ("until", until),
            ("cursor", cursor),
            ("limit", limit),
        ]
        return QUERY.call(lambda data: reading.page(data, "events", read_event), query=query)


class EventTypes(Resource[Mode]):
    """The kinds of events the server accepts: built-in ones and those an admin adds.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> client.event_types.register("wishlist_add", requires_item=True).builtin
    False
    >>> "wishlist_add" in [t.name for t in client.event_types.list()]
    True
    >>> engine.close()
    """

    @operation(LIST_TYPES)
    def list(self) -> Call[builtins.list[EventType]]:
        return LIST_TYPES.call(lambda data: builtins.list(reading.rows(data, read_event_type)))

    @operation(REGISTER_TYPE)
    def register(
        self,
        name: str,
        *,
        requires_item: bool = False,
        requires_value: bool = False,
        description: str = "",
        weight: float = 0.0,
        meaning: Meaning | None = None,
        phrase: str = DEFAULT_PHRASE,
    ) -> Call[EventType]:
        """Add a custom type (lower_snake_case) and what it means; registering the same
        definition again is a no-op, another one for a known name is a `Conflict`."""
        body = {
            "name": name,
            "requires_item": requires_item,
            "requires_value": requires_value,
            "description": description,
            "weight": weight,
            "meaning": meaning,
            "phrase": phrase,
        }
        return REGISTER_TYPE.call(read_event_type, body=body)

    @operation(UPDATE_TYPE)
    def update(self, name: str, changes: Mapping[str, Any]) -> Call[EventType]:
        """Change what a custom type means: any of `weight`, `meaning` (None removes it),
        `phrase` and `description`; what is left out stays."""
        return UPDATE_TYPE.call(read_event_type, path={"name": name}, body=dict(changes))


__all__ = ["EventRow", "EventTypes", "Events", "read_event", "read_event_type"]
