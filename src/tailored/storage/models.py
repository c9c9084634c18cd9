"""Model versions and the interaction columns training reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from tailored.domain.models import ModelVersion
from tailored.storage.tables import events, model_versions

READ_CHUNK = 50_000


def insert_version(conn: Connection, version: dict[str, Any]) -> int:
    result = conn.execute(insert(model_versions).values(**version))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def list_versions(conn: Connection) -> list[ModelVersion]:
    query = select(model_versions).order_by(model_versions.c.id.desc())
    return [_version(row) for row in conn.execute(query).mappings()]


def get_version(conn: Connection, version_id: int) -> ModelVersion | None:
    query = select(model_versions).where(model_versions.c.id == version_id)
    row = conn.execute(query).mappings().first()
    return _version(row) if row else None


def active_version(conn: Connection, model: str | None = None) -> ModelVersion | None:
    """The active version of `model`, or (None) the newest active version of any model."""
    query = select(model_versions).where(model_versions.c.active.is_(True))
    if model is not None:
        query = query.where(model_versions.c.model == model)
    row = conn.execute(query.order_by(model_versions.c.id.desc())).mappings().first()
    return _version(row) if row else None


_ACTIVATION_LOCK = 0x7A11_0C  # next to the training-job lock (storage/jobs.py)


def set_active(conn: Connection, version_id: int, model: str) -> None:
    """Make `version_id` the one active version of its `model` (other models keep theirs).

    One UPDATE sets every version of the model, but on PostgreSQL it cannot see a version
    another transaction inserted and has not committed: two trainings finishing at once
    would each leave theirs active. Activations therefore take turns on a transaction-level
    advisory lock (rare and quick); each UPDATE then sees every version committed before
    it. SQLite runs one writer at a time."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_ACTIVATION_LOCK)))
    conn.execute(
        update(model_versions)
        .where(model_versions.c.model == model)
        .values(active=model_versions.c.id == version_id)
    )


def chosen_version(conn: Connection) -> ModelVersion | None:
    """The active version that training's `auto` chose (`retire_chosen` keeps it one)."""
    return next((v for v in active_versions(conn) if v.selection is not None), None)


def retire_chosen(conn: Connection, keep: int) -> None:
    """Deactivate every version `auto` chose except `keep`: the newest activation of an
    automatic choice holds the `auto` role alone (call after `set_active`, which takes
    the lock)."""
    ids = [v.id for v in active_versions(conn) if v.selection is not None and v.id != keep]
    if ids:
        conn.execute(
            update(model_versions).where(model_versions.c.id.in_(ids)).values(active=False)
        )


def active_versions(conn: Connection) -> list[ModelVersion]:
    """Every active version, newest first (one per model, the one `auto` chose too)."""
    query = select(model_versions).where(model_versions.c.active.is_(True))
    return [
        _version(row) for row in conn.execute(query.order_by(model_versions.c.id.desc())).mappings()
    ]


def interaction_rows(
    conn: Connection, types: Sequence[str], *, since: datetime | None = None
) -> Iterator[list[tuple[str, str, str, datetime]]]:
    """(user, item, type, time) of events with an item and one of `types`, in chunks."""
    query = select(events.c.user_id, events.c.item_id, events.c.type, events.c.timestamp).where(
        events.c.item_id.is_not(None), events.c.type.in_(list(types))
    )
    if since is not None:
        query = query.where(events.c.timestamp >= since)
    result = conn.execution_options(yield_per=READ_CHUNK).execute(query.order_by(events.c.seq))
    for chunk in result.partitions():
        yield [tuple(row) for row in chunk]


def _version(row: RowMapping) -> ModelVersion:
    return ModelVersion(
        id=int(row["id"]),
        model=row["model"],
        params=dict(row["params"]),
        metrics=dict(row["metrics"]),
        data_from=row["data_from"],
        data_to=row["data_to"],
        interactions=int(row["interactions"]),
        users=int(row["users"]),
        items=int(row["items"]),
        artifact=row["artifact"],
        created_at=row["created_at"],
        active=bool(row["active"]),
        metrics_note=row["metrics_note"],
    )


__all__ = [
    "active_version",
    "active_versions",
    "get_version",
    "insert_version",
    "interaction_rows",
    "list_versions",
    "set_active",
]
