"""/v1/events and /v1/event-types."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query, Request
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from tailored.engine.inputs import EventIn
from tailored.server.auth import Admin, EngineDep, Ingest, Serve
from tailored.server.body import parse_batch, require_json
from tailored.server.input_checks import api_router
from tailored.server.schemas.common import BatchResultOut
from tailored.server.schemas.events import (
    EventOut,
    EventPage,
    EventTypeBody,
    EventTypeOut,
    EventTypePatch,
)

router = api_router(tags=["events"])

_BATCH_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/EventIn"},
                        {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/EventIn"},
                            "maxItems": 10000,
                        },
                    ]
                }
            }
        },
    }
}


@router.post(
    "/v1/events",
    response_model=BatchResultOut,
    openapi_extra=_BATCH_DOC,
    summary="Record one event or a batch of up to 10,000",
    description="Rows are validated one by one: the answer counts the accepted rows and "
    "duplicates (an event_id already stored) and lists each rejected row's index and reason. "
    "Accepted rows are committed before the response is sent. A single event that is "
    "rejected answers 422.",
)
async def record_events(request: Request, engine: EngineDep, _key: Ingest) -> BatchResultOut:
    require_json(request)
    raw = await request.body()
    valid = _all_valid_rows(raw)
    if valid is not None:
        result = await run_in_threadpool(engine.events.record_many, valid)
        return BatchResultOut.of(result)
    rows, single = parse_batch(raw, key="events")
    if single:
        result = await run_in_threadpool(engine.events.record, rows[0])
    else:
        result = await run_in_threadpool(engine.events.record_many, rows)
    return BatchResultOut.of(result)


_EVENT_ARRAY = TypeAdapter(list[EventIn])


def _all_valid_rows(raw: bytes) -> list[EventIn] | None:
    """The fast path for the common case, a JSON array of valid events: pydantic parses
    and validates the bytes in one call, with no Python dict per row in between. Any
    other body (an object, a bad row, bad JSON) returns None and takes the path that
    reports each row on its own."""
    if raw[:64].lstrip()[:1] != b"[":
        return None
    try:
        return _EVENT_ARRAY.validate_json(raw)
    except (ValidationError, RecursionError):
        return None


@router.get("/v1/events", response_model=EventPage, summary="Query the event log")
def query_events(
    engine: EngineDep,
    _key: Admin,
    user_id: str | None = None,
    item_id: str | None = None,
    type: Annotated[list[str], Query(description="repeat for several types")] = [],  # noqa: B006
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 100,
) -> EventPage:
    page = engine.events.query(
        user_id=user_id,
        item_id=item_id,
        types=type,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
    return EventPage(events=[EventOut.of(e) for e in page.items], next_cursor=page.next_cursor)


@router.get("/v1/event-types", response_model=list[EventTypeOut])
def list_event_types(engine: EngineDep, _key: Serve) -> list[EventTypeOut]:
    return [EventTypeOut.of(t) for t in engine.event_types.list()]


@router.post(
    "/v1/event-types",
    response_model=EventTypeOut,
    status_code=201,
    responses={409: {"description": "a built-in type, or one registered with other rules"}},
    summary="Register a custom event type",
)
def register_event_type(body: EventTypeBody, engine: EngineDep, _key: Admin) -> EventTypeOut:
    return EventTypeOut.of(
        engine.event_types.register(
            body.name,
            requires_item=body.requires_item,
            requires_value=body.requires_value,
            description=body.description,
            weight=body.weight,
            meaning=body.meaning,
            phrase=body.phrase,
        )
    )


@router.patch(
    "/v1/event-types/{name}",
    response_model=EventTypeOut,
    responses={
        404: {"description": "no such event type"},
        409: {"description": "a built-in type (its weight is overridden in settings instead)"},
    },
    summary="Change what a custom event type means",
    description="Its weight, meaning, phrase or description; its rules (requires_item, "
    "requires_value) never change. Training uses the change from its next run, serving "
    "within serving_refresh_seconds.",
)
def update_event_type(
    name: str, body: EventTypePatch, engine: EngineDep, _key: Admin
) -> EventTypeOut:
    return EventTypeOut.of(engine.event_types.update(name, body.model_dump(exclude_unset=True)))


__all__ = ["router"]
