"""What a user saved for themselves (lists, saved orders, alerts, notifications,
configurator designs), as a whole: erased with the user, or moved to the known user an
anonymous visitor merges into."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, tuple_, update

from tailored.domain.lists import free_name
from tailored.storage.tables import (
    design_picks,
    designs,
    list_entries,
    lists,
    notifications,
    saved_order_lines,
    saved_orders,
    subscriptions,
)


def delete_owned(conn: Connection, user_id: str) -> None:
    """Erase everything of this kind the user has (explicitly: SQLite only cascades with
    foreign keys on, and an erasure must not depend on a connection setting)."""
    own_lists = select(lists.c.id).where(lists.c.user_id == user_id)
    conn.execute(delete(list_entries).where(list_entries.c.list_id.in_(own_lists)))
    conn.execute(delete(lists).where(lists.c.user_id == user_id))
    own_orders = select(saved_orders.c.id).where(saved_orders.c.user_id == user_id)
    conn.execute(delete(saved_order_lines).where(saved_order_lines.c.order_id.in_(own_orders)))
    conn.execute(delete(saved_orders).where(saved_orders.c.user_id == user_id))
    conn.execute(delete(subscriptions).where(subscriptions.c.user_id == user_id))
    conn.execute(delete(notifications).where(notifications.c.user_id == user_id))
    own_designs = select(designs.c.id).where(designs.c.user_id == user_id)
    conn.execute(delete(design_picks).where(design_picks.c.design_id.in_(own_designs)))
    conn.execute(delete(designs).where(designs.c.user_id == user_id))


def move_owned(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    """Give `from_user`'s lists, orders, alerts, notifications and designs to `to_user`
    (who must exist). A list of the same kind and name is merged into theirs (new items go last);
    an order whose name they use already is renamed "name (2)"; an alert they have on the
    same item keeps their version."""
    _move_lists(conn, from_user, to_user, now=now)
    taken = set(
        conn.execute(select(saved_orders.c.name).where(saved_orders.c.user_id == to_user))
        .scalars()
        .all()
    )
    moving = conn.execute(
        select(saved_orders.c.id, saved_orders.c.name)
        .where(saved_orders.c.user_id == from_user)
        .order_by(saved_orders.c.id)
    ).all()
    for order_id, name in moving:
        new_name = free_name(name, taken)
        taken.add(new_name)
        conn.execute(
            update(saved_orders)
            .where(saved_orders.c.id == order_id)
            .values(user_id=to_user, name=new_name)
        )
    alert = tuple_(subscriptions.c.item_id, subscriptions.c.kind)
    theirs = select(subscriptions.c.item_id, subscriptions.c.kind).where(
        subscriptions.c.user_id == to_user
    )
    conn.execute(
        delete(subscriptions).where(subscriptions.c.user_id == from_user, alert.in_(theirs))
    )
    conn.execute(
        update(subscriptions).where(subscriptions.c.user_id == from_user).values(user_id=to_user)
    )
    conn.execute(
        update(notifications).where(notifications.c.user_id == from_user).values(user_id=to_user)
    )
    conn.execute(update(designs).where(designs.c.user_id == from_user).values(user_id=to_user))


def _move_lists(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    target = {
        (kind, name): list_id
        for list_id, kind, name in conn.execute(
            select(lists.c.id, lists.c.kind, lists.c.name).where(lists.c.user_id == to_user)
        )
    }
    moving = conn.execute(
        select(lists.c.id, lists.c.kind, lists.c.name)
        .where(lists.c.user_id == from_user)
        .order_by(lists.c.id)
    ).all()
    for list_id, kind, name in moving:
        into = target.get((kind, name))
        if into is None:
            conn.execute(update(lists).where(lists.c.id == list_id).values(user_id=to_user))
            continue
        _append_entries(conn, list_id, into)
        conn.execute(delete(list_entries).where(list_entries.c.list_id == list_id))
        conn.execute(delete(lists).where(lists.c.id == list_id))
        conn.execute(update(lists).where(lists.c.id == into).values(updated_at=now))


def _append_entries(conn: Connection, from_list: int, into: int) -> None:
    present = set(
        conn.execute(select(list_entries.c.item_id).where(list_entries.c.list_id == into))
        .scalars()
        .all()
    )
    last = conn.execute(
        select(func.max(list_entries.c.position)).where(list_entries.c.list_id == into)
    ).scalar()
    start = -1 if last is None else int(last)
    rows = conn.execute(
        select(list_entries.c.item_id, list_entries.c.note, list_entries.c.added_at)
        .where(list_entries.c.list_id == from_list)
        .order_by(list_entries.c.position, list_entries.c.added_at, list_entries.c.item_id)
    ).all()
    new = [row for row in rows if row.item_id not in present]
    if new:
        conn.execute(
            insert(list_entries),
            [
                {
                    "list_id": into,
                    "item_id": row.item_id,
                    "position": start + 1 + index,
                    "note": row.note,
                    "added_at": row.added_at,
                }
                for index, row in enumerate(new)
            ],
        )


__all__ = ["delete_owned", "move_owned"]
