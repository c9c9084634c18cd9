"""/v1/items: the catalog."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tailored.server.auth import Admin, EngineDep, Serve
from tailored.server.body import parse_batch, require_json
from tailored.server.input_checks import api_router
from tailored.server.params import IdText, ItemId
from tailored.server.query import attribute_filters
from tailored.server.schemas.common import BatchResultOut
from tailored.server.schemas.items import ItemBody, ItemOut, ItemPage

router = api_router(prefix="/v1/items", tags=["items"])

_BATCH_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/ItemIn"},
                        {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/ItemIn"},
                            "maxItems": 10000,
                        },
                    ]
                }
            }
        },
    }
}


@router.post(
    "",
    response_model=BatchResultOut,
    openapi_extra=_BATCH_DOC,
    summary="Upsert one item or a batch (each replaces the stored item)",
)
async def upsert_items(request: Request, engine: EngineDep, _key: Admin) -> BatchResultOut:
    require_json(request)
    rows, _single = parse_batch(await request.body(), key="items")
    result = await run_in_threadpool(engine.items.upsert_many, rows)
    return BatchResultOut.of(result)


@router.put("/{item_id}", response_model=ItemOut, summary="Create or replace one item")
def put_item(item_id: ItemId, body: ItemBody, engine: EngineDep, _key: Admin) -> ItemOut:
    return ItemOut.of(engine.items.upsert({"id": item_id, **body.model_dump()}))


@router.get("/{item_id}", response_model=ItemOut)
def get_item(item_id: ItemId, engine: EngineDep, _key: Serve) -> ItemOut:
    return ItemOut.of(engine.items.get(item_id))


@router.get("", response_model=ItemPage, summary="List items, filtered, in pages")
def list_items(
    engine: EngineDep,
    _key: Serve,
    category: Annotated[list[str], Query(description="repeat for any of several")] = [],  # noqa: B006
    attr: Annotated[
        list[str],
        Query(description="name:value, e.g. brand:Acme; repeat a name for any of several values"),
    ] = [],  # noqa: B006
    available: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    user_id: Annotated[
        IdText | None,
        Query(description="who is looking: what they blocked (categories, brands) never appears"),
    ] = None,
) -> ItemPage:
    page = engine.items.list(
        categories=category,
        attributes=attribute_filters(attr),
        available=available,
        cursor=cursor,
        limit=limit,
        user_id=user_id,
    )
    return ItemPage(items=[ItemOut.of(i) for i in page.items], next_cursor=page.next_cursor)


@router.delete("/{item_id}", status_code=204, response_class=Response)
def delete_item(item_id: ItemId, engine: EngineDep, _key: Admin) -> Response:
    engine.items.delete(item_id)
    return Response(status_code=204)


__all__ = ["router"]
