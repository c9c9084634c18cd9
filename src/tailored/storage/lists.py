"""List queries: a user's lists, their entries in order, share tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, delete, func, insert, select, update

from tailored.domain.lists import FAVORITES_NAME, ListEntry, ListInfo, ListKind, SavedList
from tailored.storage.items import get_items
from tailored.storage.tables import list_entries, lists
from tailored.storage.upsert import insert_new

_SIZE = (
    select(func.count())
    .where(list_entries.c.list_id == lists.c.id)
    .correlate(lists)
    .scalar_subquery()
    .label("size")
)
_INFO = select(lists, _SIZE)
# Favorites first, then lists in the order they were made.
_ORDER = (lists.c.kind != "favorites", lists.c.id)


def list_infos(conn: Connection, user_id: str) -> list[ListInfo]:
    query = _INFO.where(lists.c.user_id == user_id).order_by(*_ORDER)
    return [_info(row) for row in conn.execute(query).mappings()]


def get_info(conn: Connection, user_id: str, list_id: int) -> ListInfo | None:
    """The list if it belongs to `user_id` (another user's list is as good as missing)."""
    query = _INFO.where(lists.c.id == list_id, lists.c.user_id == user_id)
    row = conn.execute(query).mappings().first()
    return _info(row) if row else None


def favorites_info(conn: Connection, user_id: str) -> ListInfo | None:
    query = _INFO.where(lists.c.user_id == user_id, lists.c.kind == "favorites")
    row = conn.execute(query).mappings().first()
    return _info(row) if row else None


def info_by_token(conn: Connection, token: str) -> ListInfo | None:
    row = conn.execute(_INFO.where(lists.c.share_token == token)).mappings().first()
    return _info(row) if row else None


def count_lists(conn: Connection, user_id: str) -> int:
    query = select(func.count()).select_from(lists).where(lists.c.user_id == user_id)
    return int(conn.execute(query).scalar_one())


def name_taken(
    conn: Connection, user_id: str, name: str, *, kind: ListKind = "list", besides: int = 0
) -> bool:
    query = select(lists.c.id).where(
        lists.c.user_id == user_id,
        lists.c.kind == kind,
        lists.c.name == name,
        lists.c.id != besides,
    )
    return conn.execute(query.limit(1)).first() is not None


def insert_list(
    conn: Connection,
    user_id: str,
    *,
    kind: ListKind,
    name: str,
    description: str = "",
    now: datetime,
) -> int | None:
    """Create a list; None when the user has one of that kind and name already."""
    row = {
        "user_id": user_id,
        "kind": kind,
        "name": name,
        "description": description,
        "share_token": None,
        "created_at": now,
        "updated_at": now,
    }
    if not insert_new(conn, lists, [row], keys=("user_id", "kind", "name")):
        return None
    query = select(lists.c.id).where(
        lists.c.user_id == user_id, lists.c.kind == kind, lists.c.name == name
    )
    return int(conn.execute(query).scalar_one())


def ensure_favorites(conn: Connection, user_id: str, *, now: datetime) -> int:
    """The id of the user's favorites list, made now if they had none."""
    insert_list(conn, user_id, kind="favorites", name=FAVORITES_NAME, now=now)
    query = select(lists.c.id).where(lists.c.user_id == user_id, lists.c.kind == "favorites")
    return int(conn.execute(query).scalar_one())


def update_list(conn: Connection, list_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(lists).where(lists.c.id == list_id).values(**values))


def delete_list(conn: Connection, list_id: int) -> None:
    conn.execute(delete(list_entries).where(list_entries.c.list_id == list_id))
    conn.execute(delete(lists).where(lists.c.id == list_id))


def set_share_token(conn: Connection, list_id: int, token: str | None, *, now: datetime) -> None:
    update_list(conn, list_id, {"share_token": token, "updated_at": now})


def read_list(conn: Connection, info: ListInfo) -> SavedList:
    """The list with its entries in order, each with the catalog's current item."""
    query = (
        select(list_entries.c.item_id, list_entries.c.note, list_entries.c.added_at)
        .where(list_entries.c.list_id == info.id)
        .order_by(list_entries.c.position, list_entries.c.added_at, list_entries.c.item_id)
    )
    rows = conn.execute(query).all()
    items = get_items(conn, [row.item_id for row in rows])
    entries = tuple(
        ListEntry(row.item_id, index, row.note, row.added_at, items.get(row.item_id))
        for index, row in enumerate(rows)
    )
    return SavedList(info, entries)


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as stored, before it is joined with the catalog."""

    position: int
    note: str
    added_at: datetime


def stored_entries(conn: Connection, list_id: int) -> dict[str, StoredEntry]:
    """Item id -> entry as stored, in list order."""
    query = (
        select(
            list_entries.c.item_id,
            list_entries.c.position,
            list_entries.c.note,
            list_entries.c.added_at,
        )
        .where(list_entries.c.list_id == list_id)
        .order_by(list_entries.c.position, list_entries.c.added_at, list_entries.c.item_id)
    )
    return {
        row.item_id: StoredEntry(row.position, row.note, row.added_at)
        for row in conn.execute(query)
    }


def insert_entry(conn: Connection, list_id: int, item_id: str, *, note: str, now: datetime) -> None:
    row = {"list_id": list_id, "item_id": item_id, "position": 0, "note": note, "added_at": now}
    conn.execute(insert(list_entries), [row])


def set_note(conn: Connection, list_id: int, item_id: str, note: str) -> None:
    conn.execute(
        update(list_entries)
        .where(list_entries.c.list_id == list_id, list_entries.c.item_id == item_id)
        .values(note=note)
    )


_SET_POSITION = (
    update(list_entries)
    .where(
        list_entries.c.list_id == bindparam("b_list"),
        list_entries.c.item_id == bindparam("b_item"),
    )
    .values(position=bindparam("b_position"))
)


def set_order(
    conn: Connection, list_id: int, order: Sequence[str], *, stored: Mapping[str, int]
) -> None:
    """Store positions 0..n-1 for `order`, writing only the entries whose stored position
    (`stored`, item id -> position; absent for a new entry) differs."""
    changed = [
        {"b_list": list_id, "b_item": item_id, "b_position": index}
        for index, item_id in enumerate(order)
        if stored.get(item_id) != index
    ]
    if changed:
        conn.execute(_SET_POSITION, changed)


def delete_entry(conn: Connection, list_id: int, item_id: str) -> bool:
    deleted = conn.execute(
        delete(list_entries).where(
            list_entries.c.list_id == list_id, list_entries.c.item_id == item_id
        )
    )
    return deleted.rowcount > 0


def _info(row: RowMapping) -> ListInfo:
    return ListInfo(
        id=int(row["id"]),
        user_id=row["user_id"],
        kind=row["kind"],
        name=row["name"],
        description=row["description"],
        size=int(row["size"]),
        share_token=row["share_token"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


__all__ = [
    "StoredEntry",
    "count_lists",
    "delete_entry",
    "delete_list",
    "ensure_favorites",
    "favorites_info",
    "get_info",
    "info_by_token",
    "insert_entry",
    "insert_list",
    "list_infos",
    "name_taken",
    "read_list",
    "set_note",
    "set_order",
    "set_share_token",
    "stored_entries",
    "update_list",
]
