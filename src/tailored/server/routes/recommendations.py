"""Recommendations: for a user, for a session with context, similar and bought together."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tailored.domain.recommendations import Filters
from tailored.server.auth import EngineDep, Serve
from tailored.server.query import attribute_filters
from tailored.server.recommendation_schemas import RecommendationBody, RecommendationsOut

router = APIRouter(tags=["recommendations"])

N = Annotated[int, Query(ge=1, le=100, description="how many items")]
Placement = Annotated[str | None, Query(description="the slot, e.g. home; picks re-ranking")]
Category = Annotated[list[str], Query(description="only items in any of these; repeatable")]
NotCategory = Annotated[list[str], Query(description="never items in these; repeatable")]
Attr = Annotated[
    list[str], Query(description="name:value, e.g. brand:Acme; repeat for any of several")
]
Exclude = Annotated[list[str], Query(description="item ids never to show; repeatable")]


async def _filters(  # async: a plain def dependency would cost a thread hop
    category: Category = [],  # noqa: B006
    exclude_category: NotCategory = [],  # noqa: B006
    attr: Attr = [],  # noqa: B006
    exclude: Exclude = [],  # noqa: B006
) -> Filters:
    """The filter query parameters every GET endpoint here takes."""
    return Filters(
        categories=tuple(category),
        exclude_categories=tuple(exclude_category),
        attributes={k: tuple(v) for k, v in attribute_filters(attr).items()},
        exclude_items=tuple(exclude),
    )


FilterQuery = Annotated[Filters, Depends(_filters)]


@router.get(
    "/v1/users/{user_id}/recommendations",
    response_model=RecommendationsOut,
    summary="Top picks for a user, from what they did up to this moment",
)
def for_user(
    user_id: str,
    engine: EngineDep,
    _key: Serve,
    filters: FilterQuery,
    n: N = 10,
    placement: Placement = None,
) -> RecommendationsOut:
    answer = engine.recommendations.for_user(user_id, n=n, placement=placement, filters=filters)
    return RecommendationsOut.of(answer)


@router.post(
    "/v1/recommendations",
    response_model=RecommendationsOut,
    summary="Recommendations with context: session items, cart, device, location, time",
)
def with_context(body: RecommendationBody, engine: EngineDep, _key: Serve) -> RecommendationsOut:
    answer = engine.recommendations.for_user(
        body.user_id,
        n=body.n,
        placement=body.placement,
        filters=body.filters.value(),
        context=body.context.value(),
    )
    return RecommendationsOut.of(answer)


@router.get(
    "/v1/items/{item_id}/similar",
    response_model=RecommendationsOut,
    summary="Items similar to this one (trending in its category when it is new)",
)
def similar(
    item_id: str,
    engine: EngineDep,
    _key: Serve,
    filters: FilterQuery,
    n: N = 10,
    placement: Placement = None,
) -> RecommendationsOut:
    answer = engine.recommendations.similar(item_id, n=n, placement=placement, filters=filters)
    return RecommendationsOut.of(answer)


@router.get(
    "/v1/items/{item_id}/bought-together",
    response_model=RecommendationsOut,
    summary="Customers who bought this also bought",
)
def bought_together(
    item_id: str,
    engine: EngineDep,
    _key: Serve,
    filters: FilterQuery,
    n: N = 10,
    placement: Placement = None,
) -> RecommendationsOut:
    answer = engine.recommendations.bought_together(
        item_id, n=n, placement=placement, filters=filters
    )
    return RecommendationsOut.of(answer)


__all__ = ["router"]
