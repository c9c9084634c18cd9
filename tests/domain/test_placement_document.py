"""The JSON form of a placement strategy: every setting read back exactly, every mistake
named by its path."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tailored.domain.placements.document import (
    placement_from_dict,
    strategy_from_dict,
    strategy_to_dict,
)
from tailored.domain.placements.strategy import Strategy
from tailored.domain.recommendations import Boost, Filters
from tailored.errors import InvalidInput

EVERYTHING: dict[str, Any] = {
    "candidates": {"model": "ials", "depth_per_slot": 4, "min_depth": 30},
    "filters": {
        "exclude_seen": False,
        "exclude_purchased": True,
        "categories": ["shoes", "socks"],
        "exclude_categories": ["gift-cards"],
        "attributes": {"brand": ["Acme", "Zeta"], "size": 42},
        "exclude_attributes": {"vegan": False},
        "exclude_items": ["sku-9"],
        "ranges": {"price": {"min": 10, "max": 120.5}, "weight": {"max": 3}},
    },
    "boosts": {
        "preference_weight": 0.5,
        "rules": [
            {"category": "sale", "factor": 1.5},
            {"attribute": "brand", "value": "Acme", "factor": 0.8, "when": {"device": "mobile"}},
            {"items": ["sku-1", "sku-2"], "category": "shoes", "factor": 3},
        ],
    },
    "diversity": {"strength": 0.25},
    "top_n": {"limit": 12},
}


def test_every_setting_is_read_and_written_back_exactly() -> None:
    strategy = strategy_from_dict(EVERYTHING)
    assert strategy.candidates.model == "ials" and strategy.candidates.depth(2) == 30
    assert strategy.filters.catalog == Filters(
        categories=("shoes", "socks"),
        exclude_categories=("gift-cards",),
        attributes={"brand": ("Acme", "Zeta"), "size": ("42",)},  # facet text, as items
        exclude_attributes={"vegan": ("false",)},
        exclude_items=("sku-9",),
        ranges={"price": (10.0, 120.5), "weight": (None, 3.0)},
    )
    assert strategy.boosts.rules[1] == Boost(
        0.8, attribute="brand", value="Acme", when={"device": "mobile"}
    )
    assert strategy.boosts.rules[2].items == ("sku-1", "sku-2")
    assert (strategy.diversity.strength, strategy.top_n.limit) == (0.25, 12)
    written = strategy_to_dict(strategy)
    assert strategy_from_dict(written) == strategy
    assert written["boosts"]["rules"][0] == {"factor": 1.5, "category": "sale"}


def test_what_is_left_out_keeps_its_default() -> None:
    assert strategy_from_dict({}) == Strategy()
    assert strategy_from_dict({"filters": None, "boosts": {}}) == Strategy()
    defaults = strategy_to_dict(Strategy())
    assert defaults["candidates"] == {"model": None, "depth_per_slot": 10, "min_depth": 100}
    assert defaults["filters"]["exclude_seen"] is True
    assert defaults["boosts"] == {"preference_weight": 1.0, "rules": []}


@pytest.mark.parametrize(
    ("strategy", "field", "problem"),
    [
        ({"top": {}}, "strategy.top", "unknown field; known fields: candidates"),
        ({"diversity": 0.3}, "strategy.diversity", "must be a JSON object"),
        ({"diversity": {"strength": -0.1}}, "strategy.diversity.strength", "between 0 and 1"),
        ({"diversity": {"strength": "high"}}, "strategy.diversity.strength", "must be a number"),
        ({"diversity": {"strength": True}}, "strategy.diversity.strength", "must be a number"),
        ({"diversity": {"strength": math.nan}}, "strategy.diversity.strength", "finite"),
        ({"candidates": {"model": "Item KNN"}}, "strategy.candidates.model", "model name"),
        ({"candidates": {"depth_per_slot": 0}}, "strategy.candidates.depth_per_slot",
         "between 1 and 1000"),
        ({"candidates": {"min_depth": 2.5}}, "strategy.candidates.min_depth", "whole number"),
        ({"filters": {"exclude_seen": "no"}}, "strategy.filters.exclude_seen", "true or false"),
        ({"filters": {"categories": "shoes"}}, "strategy.filters.categories", "must be a list"),
        ({"filters": {"categories": ["shoes", 3]}}, "strategy.filters.categories[1]",
         "must be a text"),
        ({"filters": {"attributes": {"brand": []}}}, "strategy.filters.attributes.brand",
         "1-10000 values"),
        ({"filters": {"attributes": {"brand": [{"a": 1}]}}},
         "strategy.filters.attributes.brand[0]", "text, number or boolean"),
        ({"filters": {"exclude_items": [""]}}, "strategy.filters.exclude_items[0]",
         "1-256 characters"),
        ({"filters": {"ranges": {"price": {"min": 9, "max": 1}}}},
         "strategy.filters.ranges.price.min", "above max"),
        ({"filters": {"ranges": {"price": {}}}}, "strategy.filters.ranges.price",
         "a min, a max or both"),
        ({"filters": {"ranges": {"price": {"below": 3}}}}, "strategy.filters.ranges.price.below",
         "unknown field"),
        ({"boosts": {"preference_weight": -1}}, "strategy.boosts.preference_weight",
         "between 0 and 1000"),
        ({"boosts": {"rules": {}}}, "strategy.boosts.rules", "must be a list"),
        ({"boosts": {"rules": [{"category": "sale"}]}}, "strategy.boosts.rules[0].factor",
         "is required"),
        ({"boosts": {"rules": [{"category": "sale", "factor": 0}]}},
         "strategy.boosts.rules[0].factor", "above 0"),
        ({"boosts": {"rules": [{"value": "Acme", "factor": 2}]}},
         "strategy.boosts.rules[0].attribute", "attribute and value together"),
        ({"boosts": {"rules": [{"factor": 2, "when": {"season": "winter"}}]}},
         "strategy.boosts.rules[0]", "a category, an attribute and value, or items"),
        ({"boosts": {"rules": [{"category": "x", "factor": 2, "when": {"season": 1}}]}},
         "strategy.boosts.rules[0].when.season", "must be a text"),
        ({"boosts": {"rules": [{"category": "x", "factor": 2, "colour": "red"}]}},
         "strategy.boosts.rules[0].colour", "unknown field"),
        ({"boosts": {"rules": [{"category": "x", "factor": 2}] * 201}}, "strategy.boosts.rules",
         "at most 200"),
        ({"top_n": {"limit": 101}}, "strategy.top_n.limit", "between 1 and 100"),
        ({"filters": {"categories": ["a\x00b"]}}, "strategy.filters.categories[0]", ""),
    ],
)  # fmt: skip
def test_a_mistake_is_named_by_its_path(strategy: Any, field: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as error:
        strategy_from_dict(strategy)
    assert error.value.field == field
    assert problem in error.value.problem


def test_a_placement_document_names_its_id_and_description() -> None:
    identifier, description, strategy = placement_from_dict(
        {"id": " home ", "description": " Top picks ", "strategy": {"diversity": {"strength": 1}}}
    )
    assert (identifier, description, strategy.diversity.strength) == ("home", "Top picks", 1.0)
    with pytest.raises(InvalidInput, match=r"^id: is required"):
        placement_from_dict({"strategy": {}})
    with pytest.raises(InvalidInput, match=r"^id: must be 1-256"):
        placement_from_dict({"id": "a/b", "strategy": {}})
    with pytest.raises(InvalidInput, match=r"^name: unknown field"):
        placement_from_dict({"id": "home", "name": "x", "strategy": {}})
    with pytest.raises(InvalidInput, match=r"^description: must be a text of at most 2000"):
        placement_from_dict({"id": "home", "description": "x" * 2001, "strategy": {}})
    with pytest.raises(InvalidInput, match=r"^placement: must be a JSON object"):
        placement_from_dict(["home"])
