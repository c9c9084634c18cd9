"""Saved orders of a user, and reordering one in a single call."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from tailored.server.auth import EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import RecordId, UserId
from tailored.server.schemas.lists import OrderBody, OrderOut, ReceiptOut, ReorderBody

router = api_router(prefix="/v1/users/{user_id}/orders", tags=["saved orders"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such saved order for this user"}
}
_NAME_TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"description": "the user has an order by that name already, or the most orders"}
}


@router.post(
    "",
    response_model=OrderOut,
    status_code=201,
    responses=_NAME_TAKEN,
    summary="Save a named order",
)
def create_order(user_id: UserId, body: OrderBody, engine: EngineDep, _key: Ingest) -> OrderOut:
    """Lines name catalog items with a quantity and the options chosen (`{"size": "XL"}`;
    an item can be on several lines with other options, never twice with the same);
    names are unique per user."""
    return OrderOut.of(engine.orders.create(user_id, body.name, body.line_dicts()))


@router.get("", response_model=list[OrderOut], summary="The user's saved orders, oldest first")
def list_orders(user_id: UserId, engine: EngineDep, _key: Serve) -> list[OrderOut]:
    return [OrderOut.of(order) for order in engine.orders.list(user_id)]


@router.get("/{order_id}", response_model=OrderOut, responses=_NOT_FOUND)
def get_order(user_id: UserId, order_id: RecordId, engine: EngineDep, _key: Serve) -> OrderOut:
    """The order with each line's current title, availability and price, and the total."""
    return OrderOut.of(engine.orders.get(user_id, order_id))


@router.put(
    "/{order_id}",
    response_model=OrderOut,
    responses=_NOT_FOUND | _NAME_TAKEN,
    summary="Replace a saved order's name and lines",
)
def replace_order(
    user_id: UserId, order_id: RecordId, body: OrderBody, engine: EngineDep, _key: Ingest
) -> OrderOut:
    order = engine.orders.update(user_id, order_id, name=body.name, lines=body.line_dicts())
    return OrderOut.of(order)


@router.delete("/{order_id}", status_code=204, response_class=Response, responses=_NOT_FOUND)
def delete_order(user_id: UserId, order_id: RecordId, engine: EngineDep, _key: Ingest) -> Response:
    engine.orders.delete(user_id, order_id)
    return Response(status_code=204)


@router.post(
    "/{order_id}/reorder",
    response_model=ReceiptOut,
    responses={
        **_NOT_FOUND,
        409: {"description": "an item is unavailable or gone; nothing was ordered"},
    },
    summary="Order a saved order again: one purchase event per line, all or nothing",
)
def reorder(
    user_id: UserId,
    order_id: RecordId,
    engine: EngineDep,
    _key: Ingest,
    body: ReorderBody | None = None,
) -> ReceiptOut:
    placed_id = body.order_id if body else None
    return ReceiptOut.of(engine.orders.reorder(user_id, order_id, placed_id=placed_id))


__all__ = ["router"]
