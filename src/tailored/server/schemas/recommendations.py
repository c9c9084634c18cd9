"""Request and response schemas of the recommendation endpoints."""

from __future__ import annotations

from typing import Annotated

import orjson
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from tailored.domain.catalog import facet_text
from tailored.domain.recommendations import (
    Context,
    Filters,
    ReasonKind,
    RecommendationList,
    StrategyOrigin,
)
from tailored.engine.inputs import Identifier

Id = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Scalar = str | int | float | bool


class RangeIn(BaseModel):
    """Bounds of a numeric attribute, both included; leave one out for an open end."""

    model_config = ConfigDict(extra="forbid")

    min: float | None = Field(None, allow_inf_nan=False)
    max: float | None = Field(None, allow_inf_nan=False)

    @model_validator(mode="after")
    def _ordered(self) -> RangeIn:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) must not be above max ({self.max:g})")
        return self


class FiltersIn(BaseModel):
    """Which items may appear (unavailable items never do)."""

    model_config = ConfigDict(extra="forbid")

    categories: list[Id] = Field([], description="only items in any of these")
    exclude_categories: list[Id] = Field([], description="never items in any of these")
    attributes: dict[Id, list[Scalar] | Scalar] = Field(
        {}, description='e.g. {"brand": ["Acme", "Zeta"], "size": 42}: any value per name'
    )
    exclude_items: list[Identifier] = Field([], max_length=10_000)
    exclude_attributes: dict[Id, list[Scalar] | Scalar] = Field(
        {}, description='e.g. {"brand": ["Zeta"]}: never items with any of these values'
    )
    ranges: dict[Id, RangeIn] = Field(
        {},
        description='e.g. {"price": {"min": 10, "max": 50}}: a numeric attribute within the '
        "bounds (items without the attribute still pass)",
    )

    def value(self) -> Filters:
        return Filters(
            categories=tuple(self.categories),
            exclude_categories=tuple(self.exclude_categories),
            attributes=_facets(self.attributes),
            exclude_items=tuple(self.exclude_items),
            exclude_attributes=_facets(self.exclude_attributes),
            ranges={name: (r.min, r.max) for name, r in self.ranges.items()},
        )


def _facets(given: dict[str, list[Scalar] | Scalar]) -> dict[str, tuple[str, ...]]:
    return {
        name: tuple(
            text
            for v in (values if isinstance(values, list) else [values])
            if (text := facet_text(v)) is not None
        )
        for name, values in given.items()
    }


class ContextIn(BaseModel):
    """The situation of the request."""

    model_config = ConfigDict(extra="forbid")

    session_items: list[Identifier] = Field(
        [], max_length=1000, description="items viewed in this session, oldest first"
    )
    cart_items: list[Identifier] = Field([], max_length=1000, description="items in the cart now")
    device: Id | None = None
    location: Id | None = None
    time: AwareDatetime | None = Field(
        None, description="the request's time (default now): gives daypart, weekday, season"
    )
    facts: dict[Id, Id] = Field(
        {}, description='anything else placements can boost on, e.g. {"weather": "rain"}'
    )

    def value(self) -> Context:
        facts = dict(self.facts)
        if self.device is not None:
            facts["device"] = self.device
        if self.location is not None:
            facts["location"] = self.location
        return Context(
            session_items=tuple(self.session_items),
            cart_items=tuple(self.cart_items),
            facts=facts,
            time=self.time,
        )


class RecommendationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Identifier | None = Field(None, description="omit for an anonymous session")
    n: int = Field(10, ge=1, le=100)
    placement: Id | None = None
    filters: FiltersIn = FiltersIn()
    context: ContextIn = ContextIn()


class ReasonOut(BaseModel):
    kind: ReasonKind
    text: str = Field(description="for people, e.g. 'because you viewed Trail runner'")
    item_id: str | None = Field(None, description="the item the reason names, if any")
    category: str | None = None


class RecommendedOut(BaseModel):
    id: str
    title: str
    score: float = Field(description="after re-ranking; comparable within one list only")
    reason: ReasonOut
    boosted: bool = Field(description="a placement boost raised it")


class StrategyOut(BaseModel):
    """The placement strategy that ranked the list."""

    placement: str | None = Field(
        description="the placement it belongs to: the one asked for, or 'default'"
    )
    version: int | None = Field(description="its stored version (null: not stored)")
    origin: StrategyOrigin = Field(
        description="stored, settings (TAILORED_PLACEMENTS) or built_in (no strategy given)"
    )


class RecommendationsOut(BaseModel):
    items: list[RecommendedOut]
    personalized: bool = Field(description="built from this user's own activity")
    source: str = Field(description="the model that scored, or 'trending'")
    model_version: int | None
    placement: str | None
    notice: str | None = Field(description="why the list is not personalized, if it is not")
    strategy: StrategyOut


def answer_json(answer: RecommendationList) -> bytes:
    """The answer as `RecommendationsOut` JSON, written directly: the hot path skips
    building and validating the pydantic models (the schema documents the shape, and a
    test holds the two together)."""
    return orjson.dumps(
        {
            "items": [
                {
                    "id": r.item_id,
                    "title": r.title,
                    "score": r.score,
                    "reason": {
                        "kind": r.reason.kind,
                        "text": r.reason.text,
                        "item_id": r.reason.item_id,
                        "category": r.reason.category,
                    },
                    "boosted": r.boosted,
                }
                for r in answer.items
            ],
            "personalized": answer.personalized,
            "source": answer.source,
            "model_version": answer.model_version,
            "placement": answer.placement,
            "notice": answer.notice,
            "strategy": {
                "placement": answer.strategy.placement,
                "version": answer.strategy.version,
                "origin": answer.strategy.origin,
            },
        }
    )


__all__ = [
    "ContextIn",
    "FiltersIn",
    "RecommendationBody",
    "RecommendationsOut",
    "StrategyOut",
    "answer_json",
]
