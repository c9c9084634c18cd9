"""Placement queries: the version in force of each placement, every version, changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from tailored.storage.tables import placement_versions, placements
from tailored.storage.upsert import insert_new
from tailored.types import JSONObject


@dataclass(frozen=True, slots=True)
class StoredPlacement:
    """A placement's version in force as stored: its strategy's JSON, not yet parsed.

    >>> from datetime import UTC
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> StoredPlacement("home", 2, 3, "", {}, at, at).version
    2
    """

    id: str
    version: int
    latest: int
    description: str
    strategy: JSONObject
    created_at: datetime  # when this version was written
    updated_at: datetime  # when it was written or activated again


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One version of a placement as stored.

    >>> from datetime import UTC
    >>> StoredVersion("home", 1, "", {}, datetime(2026, 1, 1, tzinfo=UTC)).version
    1
    """

    placement_id: str
    version: int
    description: str
    strategy: JSONObject
    created_at: datetime


def lock_placement(conn: Connection, placement_id: str, *, now: datetime) -> tuple[int, int]:
    """(version in force, newest version) of a placement, (0, 0) for a new one (whose row
    this creates), locked until the transaction ends so concurrent changes take turns."""
    row = {"id": placement_id, "version": 0, "latest": 0, "created_at": now, "updated_at": now}
    insert_new(conn, placements, [row], keys=("id",))
    query = select(placements.c.version, placements.c.latest).where(placements.c.id == placement_id)
    version, latest = conn.execute(query.with_for_update()).one()
    return int(version), int(latest)


def add_version(
    conn: Connection,
    placement_id: str,
    version: int,
    *,
    description: str,
    strategy: JSONObject,
    now: datetime,
) -> None:
    """Write a new version and put it in force."""
    conn.execute(
        insert(placement_versions).values(
            placement_id=placement_id,
            version=version,
            description=description,
            strategy=strategy,
            created_at=now,
        )
    )
    conn.execute(
        update(placements)
        .where(placements.c.id == placement_id)
        .values(version=version, latest=version, updated_at=now)
    )


def activate(conn: Connection, placement_id: str, version: int, *, now: datetime) -> None:
    """Put a stored version in force again (a rollback); the newest stays the newest."""
    conn.execute(
        update(placements)
        .where(placements.c.id == placement_id)
        .values(version=version, updated_at=now)
    )


def current(conn: Connection, placement_id: str) -> StoredPlacement | None:
    row = conn.execute(_in_force().where(placements.c.id == placement_id)).mappings().first()
    return _placement(row) if row else None


def all_current(conn: Connection) -> list[StoredPlacement]:
    """The version in force of every placement, by id."""
    rows = conn.execute(_in_force().order_by(placements.c.id)).mappings()
    return [_placement(row) for row in rows]


def get_version(conn: Connection, placement_id: str, version: int) -> StoredVersion | None:
    query = select(placement_versions).where(
        placement_versions.c.placement_id == placement_id,
        placement_versions.c.version == version,
    )
    row = conn.execute(query).mappings().first()
    return _version(row) if row else None


def versions(conn: Connection, placement_id: str) -> list[StoredVersion]:
    """Every version of a placement, newest first."""
    query = (
        select(placement_versions)
        .where(placement_versions.c.placement_id == placement_id)
        .order_by(placement_versions.c.version.desc())
    )
    return [_version(row) for row in conn.execute(query).mappings()]


def _in_force() -> Any:
    return select(
        placements.c.id,
        placements.c.version,
        placements.c.latest,
        placements.c.updated_at,
        placement_versions.c.description,
        placement_versions.c.strategy,
        placement_versions.c.created_at,
    ).join(
        placement_versions,
        (placement_versions.c.placement_id == placements.c.id)
        & (placement_versions.c.version == placements.c.version),
    )


def _placement(row: RowMapping) -> StoredPlacement:
    return StoredPlacement(
        id=row["id"],
        version=int(row["version"]),
        latest=int(row["latest"]),
        description=row["description"],
        strategy=row["strategy"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _version(row: RowMapping) -> StoredVersion:
    return StoredVersion(
        placement_id=row["placement_id"],
        version=int(row["version"]),
        description=row["description"],
        strategy=row["strategy"],
        created_at=row["created_at"],
    )


__all__ = [
    "StoredPlacement",
    "StoredVersion",
    "activate",
    "add_version",
    "all_current",
    "current",
    "get_version",
    "lock_placement",
    "versions",
]
