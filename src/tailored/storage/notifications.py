"""Notification outbox queries: written by alerts, read by users and a delivery worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from tailored.domain.subscriptions import Notification
from tailored.storage.tables import notifications
from tailored.storage.upsert import member_of


def insert_notifications(conn: Connection, batch: Sequence[Notification], *, now: datetime) -> None:
    rows = [
        {
            "user_id": n.user_id,
            "kind": n.kind,
            "item_id": n.item_id,
            "subscription_id": n.subscription_id,
            "old_value": n.old_value,
            "new_value": n.new_value,
            "message": n.message,
            "created_at": now,
            "read_at": None,
            "delivered_at": None,
        }
        for n in batch
    ]
    if rows:
        conn.execute(insert(notifications), rows)


def for_user(
    conn: Connection, user_id: str, *, unread: bool, before: int | None, limit: int
) -> list[Notification]:
    """The user's notifications, newest first, below id `before` when given."""
    query = select(notifications).where(notifications.c.user_id == user_id)
    if unread:
        query = query.where(notifications.c.read_at.is_(None))
    if before is not None:
        query = query.where(notifications.c.id < before)
    query = query.order_by(notifications.c.id.desc()).limit(limit)
    return [_notification(row) for row in conn.execute(query).mappings()]


def get_notification(conn: Connection, user_id: str, notification_id: int) -> Notification | None:
    query = select(notifications).where(
        notifications.c.id == notification_id, notifications.c.user_id == user_id
    )
    row = conn.execute(query).mappings().first()
    return _notification(row) if row else None


def mark_read(conn: Connection, notification_id: int, *, now: datetime) -> None:
    """Set the read time once: reading again keeps the first time."""
    conn.execute(
        update(notifications)
        .where(notifications.c.id == notification_id, notifications.c.read_at.is_(None))
        .values(read_at=now)
    )


def outbox(conn: Connection, *, after: int | None, limit: int) -> list[Notification]:
    """Undelivered notifications of every user, oldest first, above id `after`."""
    query = select(notifications).where(notifications.c.delivered_at.is_(None))
    if after is not None:
        query = query.where(notifications.c.id > after)
    query = query.order_by(notifications.c.id).limit(limit)
    return [_notification(row) for row in conn.execute(query).mappings()]


def mark_delivered(conn: Connection, ids: Sequence[int], *, now: datetime) -> int:
    """Mark undelivered notifications delivered; return how many this call marked."""
    marked = 0
    for among in member_of(conn, notifications.c.id, ids):
        statement = (
            update(notifications)
            .where(among, notifications.c.delivered_at.is_(None))
            .values(delivered_at=now)
        )
        marked += conn.execute(statement).rowcount
    return marked


def _notification(row: RowMapping) -> Notification:
    return Notification(
        id=int(row["id"]),
        user_id=row["user_id"],
        kind=row["kind"],
        item_id=row["item_id"],
        subscription_id=row["subscription_id"],
        old_value=row["old_value"],
        new_value=row["new_value"],
        message=row["message"],
        created_at=row["created_at"],
        read_at=row["read_at"],
        delivered_at=row["delivered_at"],
    )


__all__ = [
    "for_user",
    "get_notification",
    "insert_notifications",
    "mark_delivered",
    "mark_read",
    "outbox",
]
