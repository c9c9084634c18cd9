"""Back-in-stock and price-drop alerts, a user's notifications and the outbox a
delivery worker drains, as `engine.subscriptions` offers them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route, nothing
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.results import Page
from tailored.domain.subscriptions import Notification, Subscription, SubscriptionKind

USER = "/v1/users/{user_id}"
SUBSCRIBE = Route("POST", USER + "/subscriptions", idempotent=True)  # again: the same alert
LIST = Route("GET", USER + "/subscriptions", idempotent=True)
DELETE = Route("DELETE", USER + "/subscriptions/{subscription_id}", idempotent=True)
NOTIFICATIONS = Route("GET", USER + "/notifications", idempotent=True)
MARK_READ = Route("POST", USER + "/notifications/{notification_id}/read", idempotent=True)
OUTBOX = Route("GET", "/v1/admin/notifications/outbox", idempotent=True)
DELIVERED = Route("POST", "/v1/admin/notifications/delivered", idempotent=True)


def _subscription(user_id: str, data: Any) -> Subscription:
    return Subscription(
        id=data["id"],
        user_id=user_id,
        item_id=data["item_id"],
        kind=data["kind"],
        threshold=data["threshold"],
        created_at=reading.maybe_moment(data["created_at"]),
        fired_at=reading.maybe_moment(data["fired_at"]),
    )


def read_notification(data: Any) -> Notification:
    return Notification(
        id=data["id"],
        user_id=data["user_id"],
        kind=data["kind"],
        item_id=data["item_id"],
        message=data["message"],
        old_value=data["old_value"],
        new_value=data["new_value"],
        subscription_id=data["subscription_id"],
        created_at=reading.maybe_moment(data["created_at"]),
        read_at=reading.maybe_moment(data["read_at"]),
        delivered_at=reading.maybe_moment(data["delivered_at"]),
    )


def _notifications(data: Any) -> Page[Notification]:
    return reading.page(data, "notifications", read_notification)


class Subscriptions(Resource[Mode]):
    """Alerts users ask for, and the notifications they produce.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> lamp = client.items.upsert({"id": "lamp", "title": "Lamp", "available": False})
    >>> alert = client.subscriptions.subscribe("u42", "lamp", "back_in_stock")
    >>> lamp = client.items.upsert({"id": "lamp", "title": "Lamp"})
    >>> _ = engine.reactions.run()  # the server's background runner fires alerts
    >>> [n.message for n in client.subscriptions.notifications("u42").items]
    ['Lamp is back in stock.']
    >>> outbox = client.subscriptions.outbox()
    >>> client.subscriptions.mark_delivered([n.id for n in outbox.items if n.id])
    1
    >>> engine.close()
    """

    @operation(SUBSCRIBE)
    def subscribe(
        self, user_id: str, item_id: str, kind: SubscriptionKind, *, threshold: float | None = None
    ) -> Call[Subscription]:
        """Alert the user once when `item_id` is back in stock (`back_in_stock`) or its
        price drops to `threshold` or below (`price_below`); again re-arms the alert."""
        body = {"item_id": item_id, "kind": kind, "threshold": threshold}
        return SUBSCRIBE.call(
            lambda data: _subscription(user_id, data), path={"user_id": user_id}, body=body
        )

    @operation(LIST)
    def list(self, user_id: str, *, active: bool | None = None) -> Call[tuple[Subscription, ...]]:
        """The user's alerts, oldest first (`active`: armed only, or fired only)."""
        return LIST.call(
            lambda data: reading.rows(data, lambda row: _subscription(user_id, row)),
            path={"user_id": user_id},
            query=[("active", active)],
        )

    @operation(DELETE)
    def delete(self, user_id: str, subscription_id: int) -> Call[None]:
        path = {"user_id": user_id, "subscription_id": subscription_id}
        return DELETE.call(nothing, path=path)

    @operation(NOTIFICATIONS)
    def notifications(
        self, user_id: str, *, unread: bool = False, cursor: str | None = None, limit: int = 50
    ) -> Call[Page[Notification]]:
        """A page of the user's notifications, newest first (`unread`: those only)."""
        query = [("unread", unread), ("cursor", cursor), ("limit", limit)]
        return NOTIFICATIONS.call(_notifications, path={"user_id": user_id}, query=query)

    @operation(MARK_READ)
    def mark_read(self, user_id: str, notification_id: int) -> Call[Notification]:
        path = {"user_id": user_id, "notification_id": notification_id}
        return MARK_READ.call(read_notification, path=path)

    @operation(OUTBOX)
    def outbox(self, *, cursor: str | None = None, limit: int = 100) -> Call[Page[Notification]]:
        """Undelivered notifications of every user, oldest first (an admin key): send
        each, then report them with `mark_delivered`."""
        return OUTBOX.call(_notifications, query=[("cursor", cursor), ("limit", limit)])

    @operation(DELIVERED)
    def mark_delivered(self, ids: Sequence[int]) -> Call[int]:
        """Mark notifications delivered (they leave the outbox); answers how many."""
        return DELIVERED.call(lambda data: int(data["delivered"]), body={"ids": list(ids)})


__all__ = ["Subscriptions", "read_notification"]
