"""Subscription queries: alerts per user and item, and the armed ones an item write checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, select, update

from tailored.domain.prices import price_of
from tailored.domain.subscriptions import ItemState, Subscription, SubscriptionKind
from tailored.storage.tables import items, subscriptions
from tailored.storage.upsert import member_of, upsert


def subscribe(
    conn: Connection,
    user_id: str,
    item_id: str,
    kind: SubscriptionKind,
    threshold: float | None,
    *,
    now: datetime,
) -> Subscription:
    """Create the alert, or re-arm the user's alert of that kind on that item with the new
    threshold (it keeps its id and creation time)."""
    row = {
        "user_id": user_id,
        "item_id": item_id,
        "kind": kind,
        "threshold": threshold,
        "created_at": now,
        "fired_at": None,
    }
    upsert(
        conn,
        subscriptions,
        [row],
        keys=("user_id", "item_id", "kind"),
        update=("threshold", "fired_at"),
    )
    query = select(subscriptions).where(
        subscriptions.c.user_id == user_id,
        subscriptions.c.item_id == item_id,
        subscriptions.c.kind == kind,
    )
    return _subscription(conn.execute(query).mappings().one())


def list_subscriptions(
    conn: Connection, user_id: str, *, active: bool | None = None
) -> list[Subscription]:
    query = select(subscriptions).where(subscriptions.c.user_id == user_id)
    if active is not None:
        fired = subscriptions.c.fired_at
        query = query.where(fired.is_(None) if active else fired.is_not(None))
    query = query.order_by(subscriptions.c.id)
    return [_subscription(row) for row in conn.execute(query).mappings()]


def count_subscriptions(conn: Connection, user_id: str) -> int:
    query = (
        select(func.count()).select_from(subscriptions).where(subscriptions.c.user_id == user_id)
    )
    return int(conn.execute(query).scalar_one())


def delete_subscription(conn: Connection, user_id: str, subscription_id: int) -> bool:
    deleted = conn.execute(
        delete(subscriptions).where(
            subscriptions.c.id == subscription_id, subscriptions.c.user_id == user_id
        )
    )
    return deleted.rowcount > 0


_ARMED = select(subscriptions, items.c.available, items.c.attributes).select_from(
    subscriptions.outerjoin(items, items.c.id == subscriptions.c.item_id)
)


def armed_for_items(
    conn: Connection, item_ids: Sequence[str]
) -> list[tuple[Subscription, ItemState | None]]:
    """The armed alerts on any of `item_ids`, each with its item's stored state (None: not
    in the catalog): one query for the whole batch (one per 500 ids on SQLite)."""
    found: list[tuple[Subscription, ItemState | None]] = []
    for among in member_of(conn, subscriptions.c.item_id, item_ids):
        query = _ARMED.where(among, subscriptions.c.fired_at.is_(None))
        for row in conn.execute(query.order_by(subscriptions.c.id)).mappings():
            old = (
                None
                if row["available"] is None
                else ItemState(bool(row["available"]), price_of(row["attributes"] or {}))
            )
            found.append((_subscription(row), old))
    return found


def mark_fired(
    conn: Connection, subscription_ids: Sequence[int], *, now: datetime
) -> dict[int, str]:
    """Mark armed alerts fired; return those this call fired, each with its owner as of
    now (a merge may have moved it to another user since it was read). A concurrent
    writer that fired one first (PostgreSQL) has it left out, so no alert sends twice."""
    fired: dict[int, str] = {}
    for among in member_of(conn, subscriptions.c.id, subscription_ids):
        statement = (
            update(subscriptions)
            .where(among, subscriptions.c.fired_at.is_(None))
            .values(fired_at=now)
            .returning(subscriptions.c.id, subscriptions.c.user_id)
        )
        fired.update({int(sid): owner for sid, owner in conn.execute(statement)})
    return fired


def _subscription(row: RowMapping) -> Subscription:
    return Subscription(
        id=int(row["id"]),
        user_id=row["user_id"],
        item_id=row["item_id"],
        kind=row["kind"],
        threshold=row["threshold"],
        created_at=row["created_at"],
        fired_at=row["fired_at"],
    )


__all__ = [
    "armed_for_items",
    "count_subscriptions",
    "delete_subscription",
    "list_subscriptions",
    "mark_fired",
    "subscribe",
]
