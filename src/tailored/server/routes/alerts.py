"""Back-in-stock and price-drop alerts, a user's notifications, and the outbox that a
delivery worker drains."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from tailored.server.auth import Admin, EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import RecordId, UserId
from tailored.server.schemas.lists import (
    DeliveredBody,
    DeliveredOut,
    NotificationOut,
    NotificationPage,
    SubscriptionBody,
    SubscriptionOut,
)

router = api_router(tags=["alerts"])
USER = "/v1/users/{user_id}"


@router.post(
    USER + "/subscriptions",
    response_model=SubscriptionOut,
    status_code=201,
    responses={409: {"description": "the condition holds already (in stock, or cheap enough)"}},
    summary="Alert the user when an item is back in stock or its price drops below X",
)
def subscribe(
    user_id: UserId, body: SubscriptionBody, engine: EngineDep, _key: Ingest
) -> SubscriptionOut:
    """An alert fires once, with the item write that meets it: one notification, then the
    alert is inactive. Subscribing again to the same item and kind re-arms it."""
    subscription = engine.subscriptions.subscribe(
        user_id, body.item_id, body.kind, threshold=body.threshold
    )
    return SubscriptionOut.of(subscription)


@router.get(USER + "/subscriptions", response_model=list[SubscriptionOut])
def list_subscriptions(
    user_id: UserId, engine: EngineDep, _key: Serve, active: bool | None = None
) -> list[SubscriptionOut]:
    """The user's alerts, oldest first (`active=true`: armed only, `false`: fired only)."""
    return [SubscriptionOut.of(s) for s in engine.subscriptions.list(user_id, active=active)]


@router.delete(USER + "/subscriptions/{subscription_id}", status_code=204, response_class=Response)
def delete_subscription(
    user_id: UserId, subscription_id: RecordId, engine: EngineDep, _key: Ingest
) -> Response:
    engine.subscriptions.delete(user_id, subscription_id)
    return Response(status_code=204)


@router.get(
    USER + "/notifications",
    response_model=NotificationPage,
    summary="The user's notifications, newest first",
)
def list_notifications(
    user_id: UserId,
    engine: EngineDep,
    _key: Serve,
    unread: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> NotificationPage:
    page = engine.subscriptions.notifications(user_id, unread=unread, cursor=cursor, limit=limit)
    return NotificationPage.of(page)


@router.post(
    USER + "/notifications/{notification_id}/read",
    response_model=NotificationOut,
    summary="Mark a notification read",
)
def mark_read(
    user_id: UserId, notification_id: RecordId, engine: EngineDep, _key: Ingest
) -> NotificationOut:
    return NotificationOut.of(engine.subscriptions.mark_read(user_id, notification_id))


@router.get(
    "/v1/admin/notifications/outbox",
    response_model=NotificationPage,
    summary="Undelivered notifications of every user, oldest first (for a delivery worker)",
)
def outbox(
    engine: EngineDep,
    _key: Admin,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> NotificationPage:
    """Send each, then report them with `POST /v1/admin/notifications/delivered`."""
    return NotificationPage.of(engine.subscriptions.outbox(cursor=cursor, limit=limit))


@router.post(
    "/v1/admin/notifications/delivered",
    response_model=DeliveredOut,
    summary="Mark notifications delivered (they leave the outbox)",
)
def mark_delivered(body: DeliveredBody, engine: EngineDep, _key: Admin) -> DeliveredOut:
    return DeliveredOut(delivered=engine.subscriptions.mark_delivered(body.ids))


__all__ = ["router"]
