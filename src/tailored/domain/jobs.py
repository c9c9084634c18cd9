"""Training jobs: a request to train a model, run later by a background worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from tailored.domain.models import ModelVersion

JobStatus = Literal["queued", "running", "succeeded", "failed"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "succeeded", "failed")
JobOrigin = Literal["api", "schedule", "erasure"]


@dataclass(frozen=True, slots=True)
class TrainingJob:
    """One training request and what became of it.

    `params` empty means the model's defaults, or the tuned ones with `tune`. `worker`
    names the process that ran it (host:pid:token); `version` is the trained version
    once the job succeeded, `error` the reason once it failed.

    >>> from datetime import UTC
    >>> job = TrainingJob(1, "ease", {}, True, True, "api", "queued", datetime.now(UTC))
    >>> job.finished
    False
    """

    id: int
    model: str
    params: dict[str, Any]
    tune: bool
    activate: bool
    origin: JobOrigin
    status: JobStatus
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    worker: str | None = None
    version_id: int | None = None
    error: str | None = None
    version: ModelVersion | None = field(default=None, compare=False)

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")


__all__ = ["JOB_STATUSES", "JobOrigin", "JobStatus", "TrainingJob"]
