"""Preference schemas, users' preference values with their change log, and the values
the catalog offers for a field."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from tailored.domain.preferences import CATEGORY, PreferenceChange
from tailored.storage.tables import (
    item_categories,
    item_facets,
    preference_changes,
    preference_schemas,
    users,
)


def latest_schema(conn: Connection) -> list[dict[str, Any]] | None:
    """The fields of the schema in force (None: the business never set one)."""
    query = select(preference_schemas.c.fields).order_by(preference_schemas.c.id.desc()).limit(1)
    found = conn.execute(query).scalar_one_or_none()
    return None if found is None else list(found)


def add_schema(
    conn: Connection, fields: list[dict[str, Any]], *, created_by: str, now: datetime
) -> None:
    conn.execute(
        insert(preference_schemas).values(fields=fields, created_by=created_by, created_at=now)
    )


def user_preferences(conn: Connection, user_id: str) -> dict[str, Any] | None:
    """The user's values (None: no such user). A writer reads them under the user's row
    lock instead (`users.lock_users`)."""
    query = select(users.c.preferences).where(users.c.id == user_id)
    found = conn.execute(query).scalar_one_or_none()
    return None if found is None else dict(found)


def write_preferences(
    conn: Connection,
    user_id: str,
    values: dict[str, Any],
    changed: Sequence[tuple[str, Any, Any]],
    *,
    changed_by: str,
    now: datetime,
) -> None:
    """Store the new values and one log row per changed field."""
    conn.execute(
        update(users).where(users.c.id == user_id).values(preferences=values, updated_at=now)
    )
    if changed:
        rows = [
            {
                "user_id": user_id,
                "field": field,
                "old": old,
                "new": new,
                "changed_by": changed_by,
                "changed_at": now,
            }
            for field, old, new in changed
        ]
        conn.execute(insert(preference_changes), rows)


def history(conn: Connection, user_id: str, *, limit: int) -> list[PreferenceChange]:
    """The user's latest `limit` changes, newest first."""
    query = (
        select(preference_changes)
        .where(preference_changes.c.user_id == user_id)
        .order_by(preference_changes.c.seq.desc())
        .limit(limit)
    )
    return [
        PreferenceChange(
            user_id=row["user_id"],
            field=row["field"],
            old=row["old"],
            new=row["new"],
            changed_by=row["changed_by"],
            changed_at=row["changed_at"],
        )
        for row in conn.execute(query).mappings()
    ]


def catalog_values(conn: Connection, attribute: str) -> set[str]:
    """Every value the catalog holds for `attribute` ("category": every category)."""
    if attribute == CATEGORY:
        query = select(item_categories.c.category).distinct()
    else:
        query = select(item_facets.c.value).where(item_facets.c.name == attribute).distinct()
    return {str(value) for value in conn.execute(query).scalars()}


__all__ = [
    "add_schema",
    "catalog_values",
    "history",
    "latest_schema",
    "user_preferences",
    "write_preferences",
]
