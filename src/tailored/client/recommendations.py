"""Recommendations for a user or a session, similar items and bought together, as
`engine.recommendations` offers them, with the same `Filters` and `Context` values.

The REST API filters by categories, attribute values and item ids; the `Filters` that
only the engine applies in-process (`exclude_attributes`, `ranges`, which a user's
preferences produce there) are refused here by name rather than dropped.
"""

from __future__ import annotations

from typing import Any

from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.client.wire import QueryValue
from tailored.domain.recommendations import (
    Context,
    Filters,
    Reason,
    RecommendationList,
    Recommended,
    StrategySource,
)
from tailored.errors import InvalidInput

FOR_USER = Route("GET", "/v1/users/{user_id}/recommendations", idempotent=True)
WITH_CONTEXT = Route("POST", "/v1/recommendations", idempotent=True)  # a read
SIMILAR = Route("GET", "/v1/items/{item_id}/similar", idempotent=True)
BOUGHT_TOGETHER = Route("GET", "/v1/items/{item_id}/bought-together", idempotent=True)


def read_answer(data: Any) -> RecommendationList:
    return RecommendationList(
        items=tuple(
            Recommended(
                item_id=row["id"],
                title=row["title"],
                score=row["score"],
                reason=Reason(
                    kind=row["reason"]["kind"],
                    text=row["reason"]["text"],
                    item_id=row["reason"]["item_id"],
                    category=row["reason"]["category"],
                ),
                boosted=row["boosted"],
            )
            for row in data["items"]
        ),
        personalized=data["personalized"],
        source=data["source"],
        model_version=data["model_version"],
        placement=data["placement"],
        notice=data["notice"],
        strategy=StrategySource(
            placement=data["strategy"]["placement"],
            version=data["strategy"]["version"],
            origin=data["strategy"]["origin"],
        ),
    )


def _in_query(filters: Filters) -> bool:
    """Whether the GET endpoints' query parameters can say all of `filters`."""
    return not (filters.exclude_attributes or filters.ranges)


def filter_query(filters: Filters | None) -> list[tuple[str, QueryValue]]:
    """`filters` as the query parameters of the GET endpoints."""
    chosen = filters or Filters()
    for name in ("exclude_attributes", "ranges"):
        if getattr(chosen, name):
            raise InvalidInput(
                f"filters.{name}",
                "cannot go in a query string; for_user sends it in the body instead "
                "(POST /v1/recommendations)",
            )
    attributes = [
        f"{name}:{value}" for name, values in chosen.attributes.items() for value in values
    ]
    return [
        ("category", list(chosen.categories)),
        ("exclude_category", list(chosen.exclude_categories)),
        ("attr", attributes),
        ("exclude", list(chosen.exclude_items)),
    ]


def _filters_body(filters: Filters | None) -> dict[str, Any]:
    chosen = filters or Filters()
    return {
        "categories": list(chosen.categories),
        "exclude_categories": list(chosen.exclude_categories),
        "attributes": {name: list(values) for name, values in chosen.attributes.items()},
        "exclude_items": list(chosen.exclude_items),
        "exclude_attributes": {
            name: list(values) for name, values in chosen.exclude_attributes.items()
        },
        "ranges": {name: {"min": low, "max": high} for name, (low, high) in chosen.ranges.items()},
    }


def _context_body(context: Context | None) -> dict[str, Any]:
    chosen = context or Context()
    return {
        "session_items": list(chosen.session_items),
        "cart_items": list(chosen.cart_items),
        "facts": dict(chosen.facts),
        "time": chosen.time,
    }


class Recommendations(Resource[Mode]):
    """Ranked lists with a reason a person can read for every item.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.domain.recommendations import Context, Filters
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> stored = client.items.upsert_many([{"id": i, "categories": ["mugs"]} for i in "abc"])
    >>> viewed = client.events.record({"user_id": "u1", "type": "view", "item_id": "a"})
    >>> top = client.recommendations.for_user("u42", n=2, filters=Filters(exclude_items=("b",)))
    >>> [(r.item_id, r.reason.kind) for r in top.items], top.personalized
    ([('a', 'trending'), ('c', 'catalog')], False)
    >>> cart = client.recommendations.for_user(None, context=Context(cart_items=("a",)))
    >>> "a" in [r.item_id for r in cart.items]
    False
    >>> engine.close()
    """

    @operation(FOR_USER, WITH_CONTEXT)
    def for_user(
        self,
        user_id: str | None,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
        context: Context | None = None,
    ) -> Call[RecommendationList]:
        """Top `n` for a user from what they did up to now; `user_id=None` for an
        anonymous session. With a `context` (session and cart items, facts such as
        device or weather, the time), or filters a query string cannot say (excluded
        attribute values, ranges), the request goes as a POST that carries them."""
        if user_id is not None and context is None and _in_query(filters or Filters()):
            query = [("n", n), ("placement", placement), *filter_query(filters)]
            return FOR_USER.call(read_answer, path={"user_id": user_id}, query=query)
        body = {
            "user_id": user_id,
            "n": n,
            "placement": placement,
            "filters": _filters_body(filters),
            "context": _context_body(context),
        }
        return WITH_CONTEXT.call(read_answer, body=body)

    @operation(SIMILAR)
    def similar(
        self,
        item_id: str,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
        user_id: str | None = None,
    ) -> Call[RecommendationList]:
        """Items like `item_id`; with `user_id`, what that user blocked never appears."""
        query = [("n", n), ("placement", placement), ("user_id", user_id), *filter_query(filters)]
        return SIMILAR.call(read_answer, path={"item_id": item_id}, query=query)

    @operation(BOUGHT_TOGETHER)
    def bought_together(
        self,
        item_id: str,
        *,
        n: int = 10,
        placement: str | None = None,
        filters: Filters | None = None,
        user_id: str | None = None,
    ) -> Call[RecommendationList]:
        """Customers who bought `item_id` also bought these."""
        query = [("n", n), ("placement", placement), ("user_id", user_id), *filter_query(filters)]
        return BOUGHT_TOGETHER.call(read_answer, path={"item_id": item_id}, query=query)


__all__ = ["Recommendations", "filter_query", "read_answer"]
