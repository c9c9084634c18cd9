"""API-key queries."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Connection, RowMapping, insert, select, update

from tailored.domain.keys import ApiKey
from tailored.storage.tables import api_keys
from tailored.types import Scope


def insert_key(conn: Connection, key: ApiKey, key_hash: str) -> None:
    conn.execute(
        insert(api_keys).values(
            id=key.id,
            name=key.name,
            key_hash=key_hash,
            scopes=" ".join(key.scopes),
            created_at=key.created_at,
            revoked_at=None,
        )
    )


def find_by_hash(conn: Connection, key_hash: str) -> ApiKey | None:
    row = conn.execute(select(api_keys).where(api_keys.c.key_hash == key_hash)).mappings().first()
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


def key_exists(conn: Connection, key_id: str) -> bool:
    return conn.execute(select(api_keys.c.id).where(api_keys.c.id == key_id)).first() is not None


def _key(row: RowMapping) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        scopes=cast(tuple[Scope, ...], tuple(row["scopes"].split())),
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
