"""Training in the background and the trained versions, as `engine.jobs` and
`engine.training` offer them (an admin key).

A version over HTTP has no `artifact` (the model file is the server's), so versions and
jobs are the client's own values, with the engine's field names.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.jobs import JobOrigin, JobStatus

SUBMIT = Route("POST", "/v1/admin/training", idempotent=False)  # again: a second job
LIST = Route("GET", "/v1/admin/training", idempotent=True)
GET = Route("GET", "/v1/admin/training/{job_id}", idempotent=True)
VERSIONS = Route("GET", "/v1/admin/models", idempotent=True)
ACTIVATE = Route("POST", "/v1/admin/models/{version_id}/activate", idempotent=True)


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """A trained model: algorithm, hyper-parameters, the data window it learned from,
    offline `metrics` (ndcg@10, recall@20, ...; empty when the data was too small for an
    honest evaluation, and `metrics_note` says why) and whether it is served (`active`).

    >>> from datetime import UTC
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> ModelVersion(3, "ease", {"l2": 300}, {}, None, at, 1200, 90, 40, at, active=True).model
    'ease'
    """

    id: int
    model: str
    params: dict[str, Any]
    metrics: dict[str, Any]
    data_from: datetime | None
    data_to: datetime | None
    interactions: int
    users: int
    items: int
    created_at: datetime
    active: bool = False
    metrics_note: str | None = None


@dataclass(frozen=True, slots=True)
class TrainingJob:
    """A training request and what became of it: `version` once it `succeeded`,
    `error` once it `failed`.

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
    version: ModelVersion | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")


def read_version(data: Any) -> ModelVersion:
    return ModelVersion(
        id=data["id"],
        model=data["model"],
        params=dict(data["params"]),
        metrics=dict(data["metrics"]),
        data_from=reading.maybe_moment(data["data_from"]),
        data_to=reading.maybe_moment(data["data_to"]),
        interactions=data["interactions"],
        users=data["users"],
        items=data["items"],
        created_at=reading.moment(data["created_at"]),
        active=data["active"],
        metrics_note=data["metrics_note"],
    )


def read_job(data: Any) -> TrainingJob:
    version = data["version"]
    return TrainingJob(
        id=data["id"],
        model=data["model"],
        params=dict(data["params"]),
        tune=data["tune"],
        activate=data["activate"],
        origin=data["origin"],
        status=data["status"],
        created_at=reading.moment(data["created_at"]),
        started_at=reading.maybe_moment(data["started_at"]),
        finished_at=reading.maybe_moment(data["finished_at"]),
        version=read_version(version) if version is not None else None,
        error=data["error"],
    )


class Jobs(Resource[Mode]):
    """Training jobs: queue one, then poll it until it has `finished`.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> views = client.events.record_many(
    ...     [{"user_id": f"u{n}", "type": "view", "item_id": f"i{n % 3}"} for n in range(9)])
    >>> job = client.jobs.submit("popular", tune=False)
    >>> job.status, [j.id for j in client.jobs.list()] == [job.id]
    ('queued', True)
    >>> engine.jobs.run_pending()[0].status    # what a server's background runner does
    'succeeded'
    >>> client.jobs.get(job.id).version.model
    'popular'
    >>> engine.close()
    """

    @operation(SUBMIT)
    def submit(
        self,
        model: str | None = None,
        *,
        params: Mapping[str, Any] | None = None,
        tune: bool = True,
        activate: bool = True,
    ) -> Call[TrainingJob]:
        """Queue training `model` (None: the server's default); answers the queued job.
        `params` are used as given (no tuning); `activate` serves the version once
        trained. Never sent twice: each call queues a job."""
        body = {
            "model": model,
            "params": dict(params) if params is not None else None,
            "tune": tune,
            "activate": activate,
        }
        return SUBMIT.call(read_job, body=body)

    @operation(GET)
    def get(self, job_id: int) -> Call[TrainingJob]:
        return GET.call(read_job, path={"job_id": job_id})

    @operation(LIST)
    def list(self, *, limit: int = 50) -> Call[builtins.list[TrainingJob]]:
        """Recent jobs, newest first."""
        return LIST.call(
            lambda data: builtins.list(reading.rows(data, read_job)), query=[("limit", limit)]
        )


class Training(Resource[Mode]):
    """Trained model versions, and which one serves.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> client.training.versions()
    []
    >>> engine.close()
    """

    @operation(VERSIONS)
    def versions(self) -> Call[list[ModelVersion]]:
        """Trained versions, newest first."""
        return VERSIONS.call(lambda data: list(reading.rows(data, read_version)))

    @operation(ACTIVATE)
    def activate(self, version_id: int) -> Call[ModelVersion]:
        """Serve this version of its model (also how to roll back)."""
        return ACTIVATE.call(read_version, path={"version_id": version_id})


__all__ = ["Jobs", "ModelVersion", "Training", "TrainingJob", "read_job", "read_version"]
