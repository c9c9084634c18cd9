"""Training-job queries: queue, claim, heartbeat, finish.

Claims that must not race (the next job to run, the next scheduled job) call
`lock_jobs` first, inside a write transaction: on SQLite the write transaction already
holds the database's one write lock; on PostgreSQL a transaction-level advisory lock
serialises the claimers, and each statement after it sees what the previous holder
committed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, func, insert, or_, select, update

from tailored.domain.jobs import JobOrigin, JobStatus, TrainingJob
from tailored.storage.tables import training_jobs

_LOCK_ID = 0x7A11_0B
_PENDING = ("queued", "running")


def lock_jobs(conn: Connection) -> None:
    """Serialise job claims until the transaction ends (see the module docstring)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_LOCK_ID)))


def insert_job(conn: Connection, job: dict[str, Any]) -> int:
    result = conn.execute(insert(training_jobs).values(**job))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def get_job(conn: Connection, job_id: int) -> TrainingJob | None:
    row = conn.execute(select(training_jobs).where(training_jobs.c.id == job_id)).mappings()
    found = row.first()
    return _job(found) if found else None


def list_jobs(conn: Connection, *, limit: int) -> list[TrainingJob]:
    query = select(training_jobs).order_by(training_jobs.c.id.desc()).limit(limit)
    return [_job(row) for row in conn.execute(query).mappings()]


def running_jobs(conn: Connection) -> list[TrainingJob]:
    query = select(training_jobs).where(training_jobs.c.status == "running")
    return [_job(row) for row in conn.execute(query.order_by(training_jobs.c.id)).mappings()]


def claim_next(conn: Connection, *, worker: str, now: datetime) -> TrainingJob | None:
    """Mark the oldest queued job running for `worker`, unless a job is running already
    (one training at a time across every process). Call `lock_jobs` first."""
    c = training_jobs.c
    if conn.execute(select(c.id).where(c.status == "running").limit(1)).first():
        return None
    oldest = conn.execute(select(c.id).where(c.status == "queued").order_by(c.id).limit(1)).scalar()
    if oldest is None:
        return None
    claimed = conn.execute(
        update(training_jobs)
        .where(c.id == oldest, c.status == "queued")
        .values(status="running", started_at=now, heartbeat_at=now, worker=worker)
    )
    return get_job(conn, oldest) if claimed.rowcount == 1 else None


def beat(conn: Connection, job_id: int, *, worker: str, now: datetime) -> bool:
    """Record that `worker` still runs the job; False if it no longer owns it."""
    c = training_jobs.c
    result = conn.execute(
        update(training_jobs)
        .where(c.id == job_id, c.status == "running", c.worker == worker)
        .values(heartbeat_at=now)
    )
    return result.rowcount == 1


def finish(
    conn: Connection,
    job_id: int,
    *,
    worker: str | None,
    status: JobStatus,
    now: datetime,
    version_id: int | None = None,
    error: str | None = None,
) -> bool:
    """End a running job (of `worker`, when given); False if it was not running."""
    c = training_jobs.c
    query = update(training_jobs).where(c.id == job_id, c.status == "running")
    if worker is not None:
        query = query.where(c.worker == worker)
    values = {"status": status, "finished_at": now, "version_id": version_id, "error": error}
    return conn.execute(query.values(**values)).rowcount == 1


def queued_like(conn: Connection, job: dict[str, Any]) -> int | None:
    """A queued job (not started yet) with the same model, parameters and origin as
    `job`, if any: queuing `job` too would only train the same thing twice."""
    c = training_jobs.c
    query = select(c.id, c.params).where(
        c.status == "queued", c.model == job["model"], c.origin == job["origin"]
    )
    for job_id, params in conn.execute(query.order_by(c.id)):
        if params == job["params"]:
            return int(job_id)
    return None


def has_pending(conn: Connection) -> bool:
    """Whether a job is queued or running."""
    query = select(training_jobs.c.id).where(training_jobs.c.status.in_(_PENDING)).limit(1)
    return conn.execute(query).first() is not None


def latest_for_schedule(conn: Connection) -> datetime | None:
    """When the newest job that counts for the schedule was created: any job but one
    requested through the API that failed (a failed scheduled job counts, so a failing
    retraining is retried once an interval, not on every check)."""
    c = training_jobs.c
    query = (
        select(c.created_at)
        .where(or_(c.status != "failed", c.origin == "schedule"))
        .order_by(c.created_at.desc())
        .limit(1)
    )
    return cast(datetime | None, conn.execute(query).scalar())


def _job(row: RowMapping) -> TrainingJob:
    version_id = row["version_id"]
    return TrainingJob(
        id=int(row["id"]),
        model=row["model"],
        params=dict(row["params"]),
        tune=bool(row["tune"]),
        activate=bool(row["activate"]),
        origin=cast(JobOrigin, row["origin"]),
        status=cast(JobStatus, row["status"]),
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        heartbeat_at=row["heartbeat_at"],
        worker=row["worker"],
        version_id=int(version_id) if version_id is not None else None,
        error=row["error"],
    )


__all__ = [
    "beat",
    "claim_next",
    "finish",
    "get_job",
    "has_pending",
    "insert_job",
    "latest_for_schedule",
    "list_jobs",
    "lock_jobs",
    "queued_like",
    "running_jobs",
]
