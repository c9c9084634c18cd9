"""The console's configurator analytics: which choices and pairs of choices users pick
in the designs they save, per product template."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tailored.console.pages.common import problem
from tailored.console.rendering import engine_of, page
from tailored.errors import NotFound

router = APIRouter()
TOP_PAIRS = 10


@router.get("/configurators", response_class=HTMLResponse, response_model=None)
def configurators(request: Request) -> Response:
    engine = engine_of(request)
    templates = engine.configurators.list()
    designs = {
        t.template.id: engine.configurators.analytics(t.template.id, top_pairs=0).designs
        for t in templates
    }
    return page(
        request,
        "console/configurators.html",
        section="configurators",
        templates=templates,
        designs=designs,
    )


@router.get("/configurators/{template_id}", response_class=HTMLResponse, response_model=None)
def configurator(request: Request, template_id: str) -> Response:
    engine = engine_of(request)
    try:
        current = engine.configurators.get(template_id)
        analytics = engine.configurators.analytics(template_id, top_pairs=TOP_PAIRS)
    except NotFound:
        message = f"There is no configurator {template_id!r}."
        return problem(request, message, status_code=404, section="configurators")
    return page(
        request,
        "console/configurator.html",
        section="configurators",
        current=current,
        analytics=analytics,
    )


__all__ = ["router"]
