"""Training jobs and model versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from tailored.domain.jobs import JobOrigin, JobStatus, TrainingJob
from tailored.domain.models import ModelVersion
from tailored.server.schemas.common import OutBase


class TrainingBody(BaseModel):
    """A training request; it is queued and runs in the background."""

    model_config = ConfigDict(extra="forbid")
    model: str | None = Field(
        None,
        description="e.g. ease, item_knn; auto (the default) chooses the model and its "
        "hyper-parameters on a validation split of the stored events (with tune false: "
        "models at their defaults)",
    )
    params: dict[str, Any] | None = Field(
        None, description='hyper-parameters, used as given (no tuning), e.g. {"l2": 300}'
    )
    tune: StrictBool = Field(True, description="choose hyper-parameters on a validation split")
    activate: StrictBool = Field(True, description="serve the new version once trained")


class ModelVersionOut(OutBase):
    id: int
    model: str
    params: dict[str, Any]
    metrics: dict[str, Any] = Field(
        description="offline: ndcg@10, recall@20, hr@10, coverage@10, users; for a model "
        "chosen by auto, selection: the model and params chosen, candidates_val_ndcg@10 "
        "(each candidate's best validation score), tried, skipped, budget_s; empty when "
        "the data was too small for an honest evaluation (see metrics_note)"
    )
    metrics_note: str | None = Field(
        description="why metrics is empty, e.g. 'too little data for an honest offline "
        "evaluation: 3 users with held-out interactions (at least 10 needed)'; null when "
        "there are metrics"
    )
    data_from: datetime | None
    data_to: datetime | None
    interactions: int
    users: int
    items: int
    created_at: datetime
    active: bool

    @classmethod
    def of(cls, version: ModelVersion) -> ModelVersionOut:
        return cls.model_validate(version)


class TrainingJobOut(OutBase):
    id: int
    status: JobStatus = Field(description="queued, running, succeeded or failed")
    model: str
    params: dict[str, Any]
    tune: bool
    activate: bool
    origin: JobOrigin = Field(
        description="api, schedule or erasure (a refit without an erased person)"
    )
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    version: ModelVersionOut | None = Field(description="the trained version, once succeeded")
    error: str | None = Field(description="why it failed, once failed")

    @classmethod
    def of(cls, job: TrainingJob) -> TrainingJobOut:
        return cls.model_validate(job)


__all__ = ["ModelVersionOut", "TrainingBody", "TrainingJobOut"]
