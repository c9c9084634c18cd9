"""Console-session queries: sessions are found by the digest of their secret, together
with the key that logged in (a revoked or expired key, or one without the admin scope,
ends them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from tailored.storage.tables import api_keys, console_sessions


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A stored session and what its key is now."""

    key_id: str
    created_at: datetime
    last_seen_at: datetime
    key_scopes: tuple[str, ...]
    key_revoked: bool
    key_expires_at: datetime | None = None


def insert_session(conn: Connection, token_hash: str, key_id: str, *, now: datetime) -> None:
    conn.execute(
        insert(console_sessions).values(
            token_hash=token_hash, key_id=key_id, created_at=now, last_seen_at=now
        )
    )


def find_session(conn: Connection, token_hash: str) -> SessionRow | None:
    query = (
        select(
            console_sessions.c.key_id,
            console_sessions.c.created_at,
            console_sessions.c.last_seen_at,
            api_keys.c.scopes,
            api_keys.c.revoked_at,
            api_keys.c.expires_at,
        )
        .join(api_keys, api_keys.c.id == console_sessions.c.key_id)
        .where(console_sessions.c.token_hash == token_hash)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    key_id, created_at, last_seen_at, scopes, revoked_at, expires_at = row
    return SessionRow(
        key_id, created_at, last_seen_at, tuple(scopes.split()), revoked_at is not None, expires_at
    )


def touch_session(conn: Connection, token_hash: str, *, now: datetime) -> None:
    conn.execute(
        update(console_sessions)
        .where(console_sessions.c.token_hash == token_hash)
        .values(last_seen_at=now)
    )


def delete_session(conn: Connection, token_hash: str) -> bool:
    result = conn.execute(
        delete(console_sessions).where(console_sessions.c.token_hash == token_hash)
    )
    return result.rowcount > 0


def delete_key_sessions(conn: Connection, key_id: str) -> int:
    result = conn.execute(delete(console_sessions).where(console_sessions.c.key_id == key_id))
    return result.rowcount


def delete_lapsed_sessions(
    conn: Connection, *, idle_since: datetime, created_before: datetime
) -> int:
    """Delete sessions last used before `idle_since` or begun before `created_before`."""
    result = conn.execute(
        delete(console_sessions).where(
            or_(
                console_sessions.c.last_seen_at < idle_since,
                console_sessions.c.created_at < created_before,
            )
        )
    )
    return result.rowcount


def count_sessions(conn: Connection, key_id: str | None = None) -> int:
    query = select(func.count()).select_from(console_sessions)
    if key_id is not None:
        query = query.where(console_sessions.c.key_id == key_id)
    return int(conn.execute(query).scalar_one())


__all__ = [
    "SessionRow",
    "count_sessions",
    "delete_key_sessions",
    "delete_lapsed_sessions",
    "delete_session",
    "find_session",
    "insert_session",
    "touch_session",
]
