"""Recommendations: for a user, for a session with context, similar and bought together."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Literal, TypedDict

import anyio
from fastapi import Depends, Query, Request, Response

from tailored.domain.recommendations import Filters, RecommendationList
from tailored.engine import Engine
from tailored.server.auth import EngineDep, Serve
from tailored.server.input_checks import api_router
from tailored.server.params import IdText, ItemId, UserId
from tailored.server.query import attribute_filters
from tailored.server.schemas.recommendations import (
    RecommendationBody,
    RecommendationsOut,
    answer_json,
)

router = api_router(tags=["recommendations"])

N = Annotated[int, Query(ge=1, le=100, description="how many items")]
Placement = Annotated[str | None, Query(description="the slot, e.g. home; picks re-ranking")]
Category = Annotated[list[str], Query(description="only items in any of these; repeatable")]
NotCategory = Annotated[list[str], Query(description="never items in these; repeatable")]
Attr = Annotated[
    list[str], Query(description="name:value, e.g. brand:Acme; repeat for any of several")
]
Exclude = Annotated[list[str], Query(description="item ids never to show; repeatable")]
ForUser = Annotated[
    IdText | None, Query(description="who is looking: their blocked categories never appear")
]


class ListOptions(TypedDict):
    """What every GET endpoint here takes besides its id."""

    n: int
    placement: str | None
    filters: Filters


async def _list_options(  # async: a plain def dependency would cost a thread hop
    n: N = 10,
    placement: Placement = None,
    category: Category = [],  # noqa: B006
    exclude_category: NotCategory = [],  # noqa: B006
    attr: Attr = [],  # noqa: B006
    exclude: Exclude = [],  # noqa: B006
) -> ListOptions:
    filters = Filters(
        categories=tuple(category),
        exclude_categories=tuple(exclude_category),
        attributes={k: tuple(v) for k, v in attribute_filters(attr).items()},
        exclude_items=tuple(exclude),
    )
    return {"n": n, "placement": placement, "filters": filters}


Listing = Annotated[ListOptions, Depends(_list_options)]

SCORING_THREADS = 2


async def _scoring(request: Request) -> anyio.CapacityLimiter:
    """Scoring is short CPU work under the interpreter lock: a few threads of its own
    (not the shared pool of 40) let concurrent requests queue instead of taking turns
    with the lock mid-request."""
    state = request.app.state
    if not hasattr(state, "scoring"):
        state.scoring = anyio.CapacityLimiter(SCORING_THREADS)
    limiter: anyio.CapacityLimiter = state.scoring
    return limiter


Scoring = Annotated[anyio.CapacityLimiter, Depends(_scoring)]


async def _answer(
    limiter: anyio.CapacityLimiter, work: Callable[[], RecommendationList]
) -> Response:
    return _json(await anyio.to_thread.run_sync(work, limiter=limiter))


@router.get(
    "/v1/users/{user_id}/recommendations",
    response_model=RecommendationsOut,
    summary="Top picks for a user, from what they did up to this moment",
)
async def for_user(
    user_id: UserId, engine: EngineDep, _key: Serve, scoring: Scoring, query: Listing
) -> Response:
    work = partial(engine.recommendations.for_user, user_id, **query)
    return await _answer(scoring, work)


@router.post(
    "/v1/recommendations",
    response_model=RecommendationsOut,
    summary="Recommendations with context: session items, cart, device, location, time",
)
async def with_context(
    body: RecommendationBody, engine: EngineDep, _key: Serve, scoring: Scoring
) -> Response:
    work = partial(
        engine.recommendations.for_user,
        body.user_id,
        n=body.n,
        placement=body.placement,
        filters=body.filters.value(),
        context=body.context.value(),
    )
    return await _answer(scoring, work)


@router.get(
    "/v1/items/{item_id}/similar",
    response_model=RecommendationsOut,
    summary="Items similar to this one (trending in its category when it is new)",
)
async def similar(
    item_id: ItemId,
    engine: EngineDep,
    _key: Serve,
    scoring: Scoring,
    query: Listing,
    user_id: ForUser = None,
) -> Response:
    return await _related("similar", item_id, engine, scoring, query, user_id)


@router.get(
    "/v1/items/{item_id}/bought-together",
    response_model=RecommendationsOut,
    summary="Items bought or viewed together with this one (each reason says which)",
)
async def bought_together(
    item_id: ItemId,
    engine: EngineDep,
    _key: Serve,
    scoring: Scoring,
    query: Listing,
    user_id: ForUser = None,
) -> Response:
    return await _related("bought_together", item_id, engine, scoring, query, user_id)


async def _related(
    role: Literal["similar", "bought_together"],
    item_id: ItemId,
    engine: Engine,
    scoring: anyio.CapacityLimiter,
    query: ListOptions,
    user_id: str | None,
) -> Response:
    """An item page's list: straight from memory when it is there (no I/O, so no
    thread hop), else worked out in a scoring thread."""
    service = engine.recommendations
    if user_id is None and (found := service.remembered(role, item_id, **query)):
        return _json(found)
    find = service.similar if role == "similar" else service.bought_together
    return await _answer(scoring, partial(find, item_id, user_id=user_id, **query))


def _json(answer: RecommendationList) -> Response:
    return Response(answer_json(answer), media_type="application/json")


__all__ = ["router"]
