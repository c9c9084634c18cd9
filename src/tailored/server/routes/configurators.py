"""/v1/configurators and /v1/users/{user_id}/designs: the product configurator."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response
from fastapi.responses import JSONResponse

from tailored.domain.configurator.template import InvalidDesign
from tailored.server.auth import Admin, EngineDep, Ingest, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import ConfiguratorId, RecordId, UserId
from tailored.server.schemas.configurators import (
    AnalyticsOut,
    ChoicesBody,
    ConfigurationOrderBody,
    ConfiguredOrderOut,
    DesignBody,
    DesignOut,
    DesignPage,
    ReorderBody,
    ReorderOut,
    TemplateBody,
    TemplateOut,
    ValidationOut,
    ViolationOut,
)

router = api_router(tags=["configurators"])

_REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "The design breaks rules of the template: `error.message` names each, "
        "`error.violations` lists them (constraint name, kind, groups, choices, message)."
    }
}


def _refused(error: InvalidDesign) -> JSONResponse:
    """The usual 422 body, plus every violation for a storefront to show."""
    body = {
        "error": {
            "code": "invalid_input",
            "message": str(error),
            "field": error.field,
            "violations": [ViolationOut.of(v).model_dump() for v in error.violations],
        }
    }
    return JSONResponse(body, status_code=422)


@router.put(
    "/v1/configurators/{configurator_id}",
    response_model=TemplateOut,
    summary="Define a configurator template, or change it (a change makes a new version)",
)
def put_configurator(
    configurator_id: ConfiguratorId, body: TemplateBody, engine: EngineDep, _key: Admin
) -> TemplateOut:
    defined = engine.configurators.define(body.definition(), template_id=configurator_id)
    return TemplateOut.of(defined)


@router.get(
    "/v1/configurators",
    response_model=list[TemplateOut],
    summary="Every configurator template (current versions)",
)
def list_configurators(engine: EngineDep, _key: Serve) -> list[TemplateOut]:
    return [TemplateOut.of(t) for t in engine.configurators.list()]


@router.get(
    "/v1/configurators/{configurator_id}",
    response_model=TemplateOut,
    summary="A template: its groups, choices, constraints and prices, to render it",
)
def get_configurator(
    configurator_id: ConfiguratorId,
    engine: EngineDep,
    _key: Serve,
    version: Annotated[int | None, Query(ge=1, description="default: the current one")] = None,
) -> TemplateOut:
    return TemplateOut.of(engine.configurators.get(configurator_id, version=version))


@router.post(
    "/v1/configurators/{configurator_id}/validate",
    response_model=ValidationOut,
    summary="Price a design and list every rule it breaks (as the user clicks)",
    description="Always 200 for a design, valid or not: `valid`, the price with its "
    "breakdown, the resolved choices and attributes, and every violation by name.",
)
def validate_design(
    configurator_id: ConfiguratorId, body: ChoicesBody, engine: EngineDep, _key: Serve
) -> ValidationOut:
    return ValidationOut.of(engine.configurators.validate(configurator_id, body.choices))


@router.post(
    "/v1/configurators/{configurator_id}/order",
    response_model=ConfiguredOrderOut,
    responses=_REFUSED,
    summary="Order a configuration as it is, without saving a design (records a purchase)",
    description="The purchase event carries the priced choices (defaults included) in its "
    "context; a configuration that breaks rules is refused and nothing is recorded.",
)
def order_configuration(
    configurator_id: ConfiguratorId, body: ConfigurationOrderBody, engine: EngineDep, _key: Ingest
) -> ConfiguredOrderOut | JSONResponse:
    try:
        ordered = engine.configurators.order(
            body.user_id, configurator_id, body.choices, order_id=body.order_id
        )
    except InvalidDesign as error:
        return _refused(error)
    return ConfiguredOrderOut.of(ordered)


@router.get(
    "/v1/configurators/{configurator_id}/analytics",
    response_model=AnalyticsOut,
    summary="Most picked choices per group and most frequent pairs, over saved designs",
)
def configurator_analytics(
    configurator_id: ConfiguratorId,
    engine: EngineDep,
    _key: Admin,
    pairs: Annotated[int, Query(ge=0, le=1000, description="how many top pairs")] = 20,
) -> AnalyticsOut:
    return AnalyticsOut.of(engine.configurators.analytics(configurator_id, top_pairs=pairs))


@router.post(
    "/v1/users/{user_id}/designs",
    response_model=DesignOut,
    status_code=201,
    responses=_REFUSED,
    summary="Save a design for a user (refused, naming every rule broken, when invalid)",
)
def save_design(
    user_id: UserId, body: DesignBody, engine: EngineDep, _key: Ingest
) -> DesignOut | JSONResponse:
    try:
        saved = engine.configurators.save_design(
            user_id, body.configurator_id, body.name, body.choices
        )
    except InvalidDesign as error:
        return _refused(error)
    return DesignOut.of(saved)


@router.get(
    "/v1/users/{user_id}/designs",
    response_model=DesignPage,
    summary="A user's designs, newest first, each priced against the current template",
)
def list_designs(
    user_id: UserId,
    engine: EngineDep,
    _key: Serve,
    configurator: Annotated[str | None, Query(description="only designs of this one")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> DesignPage:
    page = engine.configurators.list_designs(
        user_id, template_id=configurator, cursor=cursor, limit=limit
    )
    return DesignPage(designs=[DesignOut.of(d) for d in page.items], next_cursor=page.next_cursor)


@router.get(
    "/v1/users/{user_id}/designs/{design_id}",
    response_model=DesignOut,
    summary="One design: the price saved, the price today, and what changed",
)
def get_design(user_id: UserId, design_id: RecordId, engine: EngineDep, _key: Serve) -> DesignOut:
    return DesignOut.of(engine.configurators.get_design(user_id, design_id))


@router.delete("/v1/users/{user_id}/designs/{design_id}", status_code=204, response_class=Response)
def delete_design(
    user_id: UserId, design_id: RecordId, engine: EngineDep, _key: Ingest
) -> Response:
    engine.configurators.delete_design(user_id, design_id)
    return Response(status_code=204)


@router.post(
    "/v1/users/{user_id}/designs/{design_id}/reorder",
    response_model=ReorderOut,
    responses=_REFUSED,
    summary="Order a saved design again at today's price (records a purchase event)",
)
def reorder_design(
    user_id: UserId,
    design_id: RecordId,
    engine: EngineDep,
    _key: Ingest,
    body: ReorderBody | None = None,
) -> ReorderOut | JSONResponse:
    order_id = body.order_id if body is not None else None
    try:
        reorder = engine.configurators.reorder(user_id, design_id, order_id=order_id)
    except InvalidDesign as error:
        return _refused(error)
    return ReorderOut.of(reorder)


__all__ = ["router"]
