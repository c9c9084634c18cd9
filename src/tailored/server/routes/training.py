"""/v1/admin/training and /v1/admin/models: train in the background, poll, activate."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from tailored.server.auth import Admin, EngineDep
from tailored.server.input_checks import api_router
from tailored.server.params import RecordId
from tailored.server.schemas.training import ModelVersionOut, TrainingBody, TrainingJobOut

router = api_router(prefix="/v1/admin", tags=["training"])


@router.post(
    "/training",
    response_model=TrainingJobOut,
    status_code=202,
    summary="Queue a training job",
    description="Answers at once with the queued job; poll `GET /v1/admin/training/{id}` "
    "(the `Location` header) until its status is `succeeded` or `failed`. Jobs run one at "
    "a time, in the order they came: a request while another job runs waits in the queue.",
)
def submit_training(
    body: TrainingBody, response: Response, engine: EngineDep, _key: Admin
) -> TrainingJobOut:
    job = engine.jobs.submit(body.model, params=body.params, tune=body.tune, activate=body.activate)
    response.headers["Location"] = f"/v1/admin/training/{job.id}"
    return TrainingJobOut.of(job)


@router.get("/training", response_model=list[TrainingJobOut], summary="Recent jobs, newest first")
def list_training(
    engine: EngineDep, _key: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> list[TrainingJobOut]:
    return [TrainingJobOut.of(job) for job in engine.jobs.list(limit=limit)]


@router.get("/training/{job_id}", response_model=TrainingJobOut, summary="Poll one job")
def get_training(job_id: RecordId, engine: EngineDep, _key: Admin) -> TrainingJobOut:
    return TrainingJobOut.of(engine.jobs.get(job_id))


@router.get(
    "/models", response_model=list[ModelVersionOut], summary="Trained versions, newest first"
)
def list_models(engine: EngineDep, _key: Admin) -> list[ModelVersionOut]:
    return [ModelVersionOut.of(version) for version in engine.training.versions()]


@router.post(
    "/models/{version_id}/activate",
    response_model=ModelVersionOut,
    summary="Serve this version (also how to roll back)",
)
def activate_model(version_id: RecordId, engine: EngineDep, _key: Admin) -> ModelVersionOut:
    return ModelVersionOut.of(engine.training.activate(version_id))


__all__ = ["router"]
