"""The rows of an erasure: every table that holds user data, walked as it declares
(`storage/ownership.py`), so a table added later is erased without a change here; and
the suppression list of erased ids (keyed hashes, made by the caller).

The caller holds the locks (`users.lock_against_ingestion`) and decides who is erased:
this module only counts, deletes and anonymizes rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, delete, func, select, update

from tailored.domain.models import ModelVersion
from tailored.storage.ownership import Erase, Owned, registry
from tailored.storage.tables import events, metadata, suppressions, user_merges
from tailored.storage.upsert import insert_new, member_of


@cache
def _registry() -> tuple[Owned, ...]:
    return registry(metadata)  # the schema is fixed once imported: derived once


def erase_rows(conn: Connection, user_id: str) -> dict[str, int]:
    """Delete (or anonymize, as its table declares) every row of `user_id`, the rows
    that refer to others first; returns the rows touched per table (none: left out).
    Rows declared `Erase.KEEP` stay."""
    touched: dict[str, int] = {}
    for entry in reversed(_registry()):
        if entry.erase is Erase.KEEP:
            continue
        if entry.erase is Erase.ANONYMIZE:
            statement = update(entry.table).where(entry.rows_of(user_id))
            count = conn.execute(statement.values({entry.column.name: None})).rowcount
        else:
            count = conn.execute(delete(entry.table).where(entry.rows_of(user_id))).rowcount
        if count:
            touched[entry.table.name] = touched.get(entry.table.name, 0) + int(count)
    return touched


def merged_into(conn: Connection, user_id: str) -> list[str]:
    """The anonymous ids merged into `user_id` (each leads straight to its user)."""
    query = select(user_merges.c.anonymous_id).where(user_merges.c.user_id == user_id)
    return sorted(conn.execute(query).scalars())


def events_learned(conn: Connection, user_ids: Sequence[str], version: ModelVersion) -> int:
    """How many of these users' events `version` may have learned from: those in its
    data window, received before it was trained."""
    e = events.c
    query = select(func.count()).where(e.received_at <= version.created_at)
    if version.data_from is not None:
        query = query.where(e.timestamp >= version.data_from)
    if version.data_to is not None:
        query = query.where(e.timestamp <= version.data_to)
    total = 0
    for among in member_of(conn, e.user_id, list(user_ids)):
        total += int(conn.execute(query.where(among)).scalar_one())
    return total


def suppress(conn: Connection, hashes: Sequence[str], *, now: datetime) -> None:
    """Put these id hashes on the suppression list (those already there stay as they are)."""
    rows = [{"id_hash": h, "erased_at": now} for h in dict.fromkeys(hashes)]
    if rows:
        insert_new(conn, suppressions, rows, keys=("id_hash",))


def unsuppress(conn: Connection, hashes: Sequence[str]) -> int:
    """Take these hashes off the list; returns how many were on it."""
    if not hashes:
        return 0
    statement = delete(suppressions).where(suppressions.c.id_hash.in_(list(hashes)))
    return int(conn.execute(statement).rowcount)


def suppressed(conn: Connection, hashes: Sequence[str]) -> set[str]:
    """Those of `hashes` on the suppression list."""
    found: set[str] = set()
    for among in member_of(conn, suppressions.c.id_hash, list(dict.fromkeys(hashes))):
        found.update(conn.execute(select(suppressions.c.id_hash).where(among)).scalars())
    return found


def count_suppressed(conn: Connection) -> int:
    """The size of the suppression list (the console shows it)."""
    return int(conn.execute(select(func.count()).select_from(suppressions)).scalar_one())


__all__ = [
    "count_suppressed",
    "erase_rows",
    "events_learned",
    "merged_into",
    "suppress",
    "suppressed",
    "unsuppress",
]
