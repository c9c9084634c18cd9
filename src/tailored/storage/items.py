"""Catalog queries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select

from tailored.domain.catalog import Item, facet_values
from tailored.storage.tables import ID, item_categories, item_facets, items
from tailored.storage.upsert import chunks, upsert

_COPIED_ON_UPDATE = ("title", "description", "categories", "attributes", "available", "updated_at")


def upsert_items(conn: Connection, batch: Sequence[Item], *, now: datetime) -> None:
    """Insert or replace whole items (ids must be unique within `batch`)."""
    rows = [
        {
            "id": item.id,
            "title": item.title,
            "description": item.description,
            "categories": list(item.categories),
            "attributes": item.attributes,
            "available": item.available,
            "created_at": now,
            "updated_at": now,
        }
        for item in batch
    ]
    upsert(conn, items, rows, keys=("id",), update=_COPIED_ON_UPDATE)
    ids = [item.id for item in batch]
    for part in chunks(ids, 500):
        conn.execute(delete(item_categories).where(item_categories.c.item_id.in_(part)))
        conn.execute(delete(item_facets).where(item_facets.c.item_id.in_(part)))
    category_rows = [
        {"item_id": item.id, "category": category}
        for item in batch
        for category in dict.fromkeys(item.categories)
    ]
    facet_rows = [
        {"item_id": item.id, "name": name, "value": value}
        for item in batch
        for name, value in facet_values(item.attributes)
        if len(name) <= ID and len(value) <= ID  # longer values are stored, not filterable
    ]
    if category_rows:
        conn.execute(insert(item_categories), category_rows)
    if facet_rows:
        conn.execute(insert(item_facets), facet_rows)


def get_item(conn: Connection, item_id: str) -> Item | None:
    row = conn.execute(select(items).where(items.c.id == item_id)).mappings().first()
    return _item(row) if row else None


def get_items(conn: Connection, item_ids: Sequence[str]) -> dict[str, Item]:
    found: dict[str, Item] = {}
    for part in chunks(list(item_ids), 500):
        for row in conn.execute(select(items).where(items.c.id.in_(part))).mappings():
            found[row["id"]] = _item(row)
    return found


def list_items(
    conn: Connection,
    *,
    categories: Sequence[str] = (),
    attributes: Mapping[str, Sequence[str]] | None = None,
    available: bool | None = None,
    after: str | None = None,
    limit: int = 50,
) -> list[Item]:
    """Items ordered by id. Within a filter values are OR-ed; filters are AND-ed."""
    query = select(items).order_by(items.c.id).limit(limit)
    if after is not None:
        query = query.where(items.c.id > after)
    if categories:
        query = query.where(
            items.c.id.in_(
                select(item_categories.c.item_id).where(
                    item_categories.c.category.in_(list(categories))
                )
            )
        )
    for name, values in (attributes or {}).items():
        query = query.where(
            items.c.id.in_(
                select(item_facets.c.item_id).where(
                    item_facets.c.name == name, item_facets.c.value.in_(list(values))
                )
            )
        )
    if available is not None:
        query = query.where(items.c.available == available)
    return [_item(row) for row in conn.execute(query).mappings()]


def delete_item(conn: Connection, item_id: str) -> bool:
    # Lookup rows go explicitly: SQLite only cascades with foreign_keys=ON.
    conn.execute(delete(item_categories).where(item_categories.c.item_id == item_id))
    conn.execute(delete(item_facets).where(item_facets.c.item_id == item_id))
    return conn.execute(delete(items).where(items.c.id == item_id)).rowcount > 0


def count_items(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(items)).scalar_one())


def _item(row: RowMapping) -> Item:
    return Item(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        categories=tuple(row["categories"]),
        attributes=row["attributes"],
        available=row["available"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
