"""The console's models page: trained versions with their data window and offline
metrics, activating one (also how to roll back), and queueing a retraining job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tailored.console.pages.common import problem, stored_id
from tailored.console.rendering import engine_of, page
from tailored.engine.model_params import AUTO, MODEL_NAMES
from tailored.errors import InvalidInput, NotFound
from tailored.metrics import MIN_ITEMS, MIN_USERS

router = APIRouter()
JOBS_SHOWN = 10
METRICS = ("ndcg@10", "recall@20", "hr@10", "coverage@10")  # the evaluation protocol's


@router.get("/models", response_class=HTMLResponse, response_model=None)
def models(request: Request, queued: int | None = None, activated: int | None = None) -> Response:
    messages = []
    if queued is not None:
        messages.append(f"Training job {queued} queued; this page shows how it goes.")
    if activated is not None:
        messages.append(f"Version {activated} is now the active version of its model.")
    return _page(request, messages=messages)


@router.post("/models/retrain", response_model=None)
def retrain(
    request: Request,
    model: Annotated[str, Form()],
    tune: Annotated[bool, Form()] = False,
    activate: Annotated[bool, Form()] = False,
) -> Response:
    try:
        job = engine_of(request).jobs.submit(model, tune=tune, activate=activate)
    except InvalidInput as invalid:
        return _page(request, error=f"{invalid.field}: {invalid.problem}", status_code=422)
    return RedirectResponse(f"/console/models?queued={job.id}", status_code=303)


@router.post("/models/{version_id}/activate", response_model=None)
def activate(request: Request, version_id: str) -> Response:
    number = stored_id(version_id)
    if number is None:  # not a number a version could have (e.g. above 64 bits)
        message = f"There is no model version {version_id!r}."
        return problem(request, message, status_code=404, section="models")
    engine = engine_of(request)
    try:
        version = engine.training.activate(number)
    except NotFound:
        message = f"There is no model version {number}."
        return problem(request, message, status_code=404, section="models")
    except InvalidInput as invalid:  # its file is gone
        return _page(request, error=f"{invalid.field}: {invalid.problem}", status_code=422)
    engine.recommendations.refresh()  # serve it from the next request on
    return RedirectResponse(f"/console/models?activated={version.id}", status_code=303)


def _page(
    request: Request,
    *,
    messages: list[str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    engine = engine_of(request)
    jobs = engine.jobs.list(limit=JOBS_SHOWN)
    versions = engine.training.versions()
    return page(
        request,
        "console/models.html",
        section="models",
        messages=messages or [],
        error=error,
        versions=versions,
        jobs=jobs,
        pending=any(not job.finished for job in jobs),
        model_names=[AUTO, *sorted(MODEL_NAMES)],
        default_model=engine.settings.recommend_model,
        metric_names=METRICS,
        min_users=MIN_USERS,
        min_items=MIN_ITEMS,
        settings=engine.settings,
        status_code=status_code,
    )


__all__ = ["router"]
