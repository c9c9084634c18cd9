"""Saved-order queries: named orders and their (item, quantity, options) lines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from tailored.domain.orders import OrderLine, SavedOrder
from tailored.storage.items import get_items
from tailored.storage.tables import saved_order_lines, saved_orders
from tailored.storage.upsert import insert_new


def list_orders(conn: Connection, user_id: str) -> list[SavedOrder]:
    """The user's saved orders, oldest first, each line with the catalog's current item."""
    query = select(saved_orders).where(saved_orders.c.user_id == user_id)
    return _with_lines(conn, conn.execute(query.order_by(saved_orders.c.id)).mappings().all())


def get_order(conn: Connection, user_id: str, order_id: int) -> SavedOrder | None:
    """The order if it belongs to `user_id` (another user's order is as good as missing)."""
    query = select(saved_orders).where(
        saved_orders.c.id == order_id, saved_orders.c.user_id == user_id
    )
    found = _with_lines(conn, conn.execute(query).mappings().all())
    return found[0] if found else None


def count_orders(conn: Connection, user_id: str) -> int:
    query = select(func.count()).select_from(saved_orders).where(saved_orders.c.user_id == user_id)
    return int(conn.execute(query).scalar_one())


def name_taken(conn: Connection, user_id: str, name: str, *, besides: int = 0) -> bool:
    query = select(saved_orders.c.id).where(
        saved_orders.c.user_id == user_id,
        saved_orders.c.name == name,
        saved_orders.c.id != besides,
    )
    return conn.execute(query.limit(1)).first() is not None


def insert_order(
    conn: Connection,
    user_id: str,
    name: str,
    lines: Sequence[OrderLine],
    *,
    now: datetime,
) -> int | None:
    """Save an order with its lines; None when the user has an order of that name."""
    row = {"user_id": user_id, "name": name, "created_at": now, "updated_at": now}
    if not insert_new(conn, saved_orders, [row], keys=("user_id", "name")):
        return None
    query = select(saved_orders.c.id).where(
        saved_orders.c.user_id == user_id, saved_orders.c.name == name
    )
    order_id = int(conn.execute(query).scalar_one())
    _insert_lines(conn, order_id, lines)
    return order_id


def replace_order(
    conn: Connection,
    order_id: int,
    name: str,
    lines: Sequence[OrderLine],
    *,
    now: datetime,
) -> None:
    conn.execute(
        update(saved_orders).where(saved_orders.c.id == order_id).values(name=name, updated_at=now)
    )
    conn.execute(delete(saved_order_lines).where(saved_order_lines.c.order_id == order_id))
    _insert_lines(conn, order_id, lines)


def delete_order(conn: Connection, order_id: int) -> None:
    conn.execute(delete(saved_order_lines).where(saved_order_lines.c.order_id == order_id))
    conn.execute(delete(saved_orders).where(saved_orders.c.id == order_id))


def _insert_lines(conn: Connection, order_id: int, lines: Sequence[OrderLine]) -> None:
    rows = [
        {
            "order_id": order_id,
            "position": index,
            "item_id": line.item_id,
            "quantity": line.quantity,
            "options": dict(line.options),
        }
        for index, line in enumerate(lines)
    ]
    conn.execute(insert(saved_order_lines), rows)


def _with_lines(conn: Connection, orders: Sequence[RowMapping]) -> list[SavedOrder]:
    if not orders:
        return []
    ids = [row["id"] for row in orders]
    query = (
        select(saved_order_lines)
        .where(saved_order_lines.c.order_id.in_(ids))
        .order_by(saved_order_lines.c.order_id, saved_order_lines.c.position)
    )
    lines_of: dict[int, list[OrderLine]] = defaultdict(list)
    for line in conn.execute(query).mappings():
        stored = OrderLine(line["item_id"], int(line["quantity"]), options=line["options"] or {})
        lines_of[int(line["order_id"])].append(stored)
    wanted = sorted({line.item_id for lines in lines_of.values() for line in lines})
    items = get_items(conn, wanted)
    return [
        SavedOrder(
            id=int(row["id"]),
            user_id=row["user_id"],
            name=row["name"],
            lines=tuple(
                replace(line, item=items.get(line.item_id)) for line in lines_of[int(row["id"])]
            ),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
        for row in orders
    ]


__all__ = [
    "count_orders",
    "delete_order",
    "get_order",
    "insert_order",
    "list_orders",
    "name_taken",
    "replace_order",
]
