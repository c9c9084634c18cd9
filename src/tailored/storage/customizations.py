"""How what a visitor saved for themselves (lists, saved orders, alerts) folds into the
known user it merges into, where the known user has something like it: the merge rules
these tables declare (`storage/tables.py`, run by `storage/merging.py`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, tuple_, update

from tailored.domain.lists import free_name
from tailored.storage.tables import list_entries, lists, saved_orders, subscriptions


def join_lists(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    """Give `from_user`'s lists to `to_user` (`Fold.JOIN_SAME_NAME`): a list of the same
    kind and name as one of theirs is joined into it, its new items last."""
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


def rename_orders(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    """Give `from_user`'s saved orders to `to_user` (`Fold.RENAME_CLASHES`): an order
    whose name they use already is renamed "name (2)"."""
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


def keep_their_alerts(conn: Connection, from_user: str, to_user: str, *, now: datetime) -> None:
    """Give `from_user`'s alerts to `to_user` (`Fold.KEEP_THEIRS`): where they have an
    alert on the same item and kind, theirs stays and the visitor's goes."""
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


__all__ = ["join_lists", "keep_their_alerts", "rename_orders"]
