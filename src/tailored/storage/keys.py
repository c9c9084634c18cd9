"""API-key queries."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, RowMapping, insert, or_, select, update

from tailored.domain.keys import ApiKey, Per, RateLimit
from tailored.storage.tables import api_keys
from tailored.types import Scope


def insert_key(conn: Connection, key: ApiKey, key_hash: str) -> None:
    limit = key.rate_limit
    conn.execute(
        insert(api_keys).values(
            id=key.id,
            name=key.name,
            key_hash=key_hash,
            scopes=" ".join(key.scopes),
            created_at=key.created_at,
            revoked_at=None,
            expires_at=key.expires_at,
            rate_requests=limit.requests if limit else None,
            rate_per=limit.per if limit else None,
            rate_burst=limit.burst if limit else None,
        )
    )


def find_by_hash(conn: Connection, key_hash: str) -> tuple[ApiKey, datetime | None] | None:
    """The key whose current or previous secret has `key_hash`, and when that secret
    stops working on its own (None for the current secret; the end of the overlap for
    the previous one, which may be past)."""
    row = (
        conn.execute(
            select(api_keys).where(
                or_(api_keys.c.key_hash == key_hash, api_keys.c.previous_key_hash == key_hash)
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    if row["key_hash"] == key_hash:
        return _key(row), None
    return _key(row), row["previous_expires_at"]


def get_key(conn: Connection, key_id: str) -> ApiKey | None:
    row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    return _key(row) if row else None


def list_keys(conn: Connection) -> list[ApiKey]:
    query = select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id)
    return [_key(row) for row in conn.execute(query).mappings()]


def revoke_key(conn: Connection, key_id: str, *, now: datetime) -> bool:
    result = conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount > 0


def rotate_key(
    conn: Connection, key_id: str, new_hash: str, *, now: datetime, previous_until: datetime | None
) -> None:
    """The key's secret becomes `new_hash`; the one it replaces works until
    `previous_until` (None: not at all). A secret from an earlier rotation is dropped."""
    conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id)
        .values(
            previous_key_hash=api_keys.c.key_hash if previous_until is not None else None,
            previous_expires_at=previous_until,
            key_hash=new_hash,
            rotated_at=now,
        )
    )


def key_exists(conn: Connection, key_id: str) -> bool:
    return conn.execute(select(api_keys.c.id).where(api_keys.c.id == key_id)).first() is not None


def _key(row: RowMapping) -> ApiKey:
    limit = None
    if row["rate_requests"] is not None:
        limit = RateLimit(row["rate_requests"], cast(Per, row["rate_per"]), row["rate_burst"])
    return ApiKey(
        id=row["id"],
        name=row["name"],
        scopes=cast(tuple[Scope, ...], tuple(row["scopes"].split())),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        expires_at=row["expires_at"],
        rate_limit=limit,
        rotated_at=row["rotated_at"],
        previous_secret_until=row["previous_expires_at"],
    )
