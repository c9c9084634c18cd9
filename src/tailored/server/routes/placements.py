"""/v1/placements: how each slot ranks, with versions (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from tailored.server.auth import Admin, EngineDep
from tailored.server.input_checks import api_router
from tailored.server.params import PlacementId
from tailored.server.schemas.placements import PlacementBody, PlacementOut, PlacementVersionOut

router = api_router(prefix="/v1/placements", tags=["placements"])

Version = Annotated[int, Path(ge=1, le=2**31 - 1, description="A version of the placement.")]


@router.get(
    "",
    response_model=list[PlacementOut],
    summary="Every placement with a strategy in force (stored, or from the settings)",
)
def list_placements(engine: EngineDep, _key: Admin) -> list[PlacementOut]:
    return [PlacementOut.of(p) for p in engine.placements.list()]


@router.get(
    "/{placement_id}", response_model=PlacementOut, summary="A placement's strategy in force"
)
def get_placement(placement_id: PlacementId, engine: EngineDep, _key: Admin) -> PlacementOut:
    return PlacementOut.of(engine.placements.get(placement_id))


@router.put(
    "/{placement_id}",
    response_model=PlacementOut,
    summary="Set a placement's strategy: a new version, in force from serving's next refresh",
    description="Every change is a new version (the same description and strategy as the "
    "version in force change nothing). Serving re-reads placements every "
    "`TAILORED_SERVING_REFRESH_SECONDS`; the worker that took the change re-reads at once. "
    "A mistake is a 422 naming the field, e.g. `strategy.boosts.rules[0].factor`.",
)
def put_placement(
    placement_id: PlacementId, body: PlacementBody, engine: EngineDep, _key: Admin
) -> PlacementOut:
    return PlacementOut.of(engine.placements.set(body.document(), placement_id=placement_id))


@router.get(
    "/{placement_id}/versions",
    response_model=list[PlacementVersionOut],
    summary="Every version of a placement, newest first",
)
def placement_versions(
    placement_id: PlacementId, engine: EngineDep, _key: Admin
) -> list[PlacementVersionOut]:
    return [PlacementVersionOut.of(v) for v in engine.placements.history(placement_id)]


@router.post(
    "/{placement_id}/versions/{version}/activate",
    response_model=PlacementOut,
    summary="Put an older version back in force (a rollback)",
)
def activate_placement_version(
    placement_id: PlacementId, version: Version, engine: EngineDep, _key: Admin
) -> PlacementOut:
    return PlacementOut.of(engine.placements.activate(placement_id, version))


__all__ = ["router"]
