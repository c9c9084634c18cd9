"""Request and response schemas of the placement endpoints.

Bodies are checked for JSON types here; what they mean (ranges, ids, a boost's
conditions, the model's name) is checked by the domain, which names the path of a
mistake (``strategy.boosts.rules[1].factor``). Answers show the strategy in the same
shape, every setting filled in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from tailored.domain.placements.document import strategy_to_dict
from tailored.domain.placements.placement import Placement, PlacementOrigin, PlacementVersion

Number = Annotated[float, Field(allow_inf_nan=False)]
Scalar = str | int | float | bool


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CandidatesIn(_In):
    """Where candidates come from, and how many the later steps look at."""

    model: str | None = Field(
        None, description="the model asked first, e.g. ials (default: the endpoint's own)"
    )
    depth_per_slot: int | None = Field(None, description="candidates re-ranked per slot (10)")
    min_depth: int | None = Field(None, description="candidates re-ranked at least (100)")


class RangeIn(_In):
    min: Number | None = None
    max: Number | None = None


class PlacementFiltersIn(_In):
    """What the placement never shows, on top of the request's filters."""

    exclude_seen: bool | None = Field(None, description="leave out what the user saw (true)")
    exclude_purchased: bool | None = Field(None, description="... and what they bought (true)")
    categories: list[str] | None = Field(None, description="only items in any of these")
    exclude_categories: list[str] | None = None
    attributes: dict[str, list[Scalar] | Scalar] | None = Field(
        None, description='e.g. {"brand": ["Acme", "Zeta"]}: any value per name'
    )
    exclude_attributes: dict[str, list[Scalar] | Scalar] | None = None
    exclude_items: list[str] | None = None
    ranges: dict[str, RangeIn] | None = Field(
        None, description='numeric attributes, e.g. {"price": {"max": 200}}'
    )


class BoostRuleIn(_In):
    """Items matching every condition given score `factor` times more."""

    factor: Number = Field(description="> 1 promotes, < 1 demotes")
    category: str | None = None
    attribute: str | None = Field(None, description="with value")
    value: Scalar | None = None
    items: list[str] | None = None
    when: dict[str, str] | None = Field(
        None, description='only for requests in this context, e.g. {"season": "winter"}'
    )


class BoostsIn(_In):
    preference_weight: Number | None = Field(
        None, description="items matching a 'boost' preference score (1 + this) times more (1)"
    )
    rules: list[BoostRuleIn] | None = None


class DiversityIn(_In):
    strength: Number | None = Field(
        None, description="0: none; 0.5 halves each further item of a shown category"
    )


class TopNIn(_In):
    limit: int | None = Field(None, description="the most items shown, whatever n asks")


class StrategyIn(_In):
    """The steps of the ranking; a step left out keeps its defaults."""

    candidates: CandidatesIn | None = None
    filters: PlacementFiltersIn | None = None
    boosts: BoostsIn | None = None
    diversity: DiversityIn | None = None
    top_n: TopNIn | None = None


class PlacementBody(_In):
    """A placement's new version (the id is in the path)."""

    id: str | None = Field(None, description="optional; must match the path")
    description: str | None = Field(None, description="what the slot is, for people")
    strategy: StrategyIn

    def document(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class PlacementOut(BaseModel):
    id: str
    description: str
    origin: PlacementOrigin = Field(
        description="stored (versions below), or settings (TAILORED_PLACEMENTS)"
    )
    version: int | None = Field(description="the version in force")
    latest_version: int | None = Field(description="the newest; above `version` after a rollback")
    updated_at: datetime | None = Field(description="when the version in force was set")
    strategy: StrategyIn

    @classmethod
    def of(cls, placement: Placement) -> PlacementOut:
        return cls(
            id=placement.id,
            description=placement.description,
            origin=placement.origin,
            version=placement.version,
            latest_version=placement.latest_version,
            updated_at=placement.updated_at,
            strategy=StrategyIn.model_validate(strategy_to_dict(placement.strategy)),
        )


class PlacementVersionOut(BaseModel):
    placement_id: str
    version: int
    description: str
    active: bool = Field(description="the version in force")
    created_at: datetime
    strategy: StrategyIn

    @classmethod
    def of(cls, version: PlacementVersion) -> PlacementVersionOut:
        return cls(
            placement_id=version.placement_id,
            version=version.version,
            description=version.description,
            active=version.active,
            created_at=version.created_at,
            strategy=StrategyIn.model_validate(strategy_to_dict(version.strategy)),
        )


__all__ = ["PlacementBody", "PlacementOut", "PlacementVersionOut", "StrategyIn"]
