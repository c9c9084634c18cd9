"""A placement strategy from and to JSON, checked: a mistake is `InvalidInput` naming its
path (``strategy.boosts.rules[1].factor``) and what to do.

The JSON form, one object per step, each optional (what is left out keeps its default)::

    {"candidates": {"model": "item_knn", "depth_per_slot": 10, "min_depth": 100},
     "filters": {"exclude_seen": true, "exclude_purchased": true,
                 "categories": [], "exclude_categories": ["gift-cards"],
                 "attributes": {"brand": ["Acme"]}, "exclude_attributes": {},
                 "exclude_items": [], "ranges": {"price": {"min": null, "max": 200}}},
     "boosts": {"preference_weight": 1.0,
                "rules": [{"category": "sale", "factor": 1.5},
                          {"category": "coats", "factor": 2, "when": {"season": "winter"}}]},
     "diversity": {"strength": 0.3},
     "top_n": {"limit": 8}}

>>> strategy = strategy_from_dict({"diversity": {"strength": 0.3}})
>>> strategy.diversity.strength, strategy_to_dict(strategy)["top_n"]
(0.3, {'limit': None})
>>> strategy_from_dict({"boosts": {"rules": [{"category": "sale", "factor": 0}]}})
Traceback (most recent call last):
...
tailored.errors.InvalidInput: strategy.boosts.rules[0].factor: must be above 0 (below 1 demotes)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from tailored.domain.catalog import facet_text
from tailored.domain.identifiers import check_identifier
from tailored.domain.json_values import storable_text
from tailored.domain.placements.strategy import (
    DEPTH_PER_SLOT,
    MIN_DEPTH,
    STEPS,
    BoostSpec,
    CandidateSpec,
    DiversitySpec,
    FilterSpec,
    Strategy,
    TopNSpec,
)
from tailored.domain.recommendations import Boost, Filters
from tailored.errors import InvalidInput
from tailored.types import JSONObject, JSONValue

MODEL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_RULES = 200  # boosts per placement
MAX_LISTED = 10_000  # ids or values in one list
MAX_FACTOR = 1000.0
MAX_TEXT = 256  # a category, attribute name or value, a context fact
MAX_N = 100  # the most items a list can hold (as a request's n)
MAX_DESCRIPTION = 2000


def strategy_from_dict(data: Any, *, path: str = "strategy") -> Strategy:
    """A checked strategy from its JSON form (see the module)."""
    top = _Object(data, path, STEPS)
    return Strategy(
        candidates=_candidates(top.object("candidates", ("model", "depth_per_slot", "min_depth"))),
        filters=_filters(top.object("filters", FILTER_FIELDS)),
        boosts=_boosts(top.object("boosts", ("preference_weight", "rules"))),
        diversity=DiversitySpec(
            strength=top.object("diversity", ("strength",)).number("strength", 0.0, low=0, high=1)
        ),
        top_n=TopNSpec(limit=top.object("top_n", ("limit",)).maybe_whole("limit", 1, MAX_N)),
    )


def placement_from_dict(data: Any, *, placement_id: str | None = None) -> tuple[str, str, Strategy]:
    """(id, description, strategy) of a placement document ``{"id": "home",
    "description": "...", "strategy": {...}}``; `placement_id` (e.g. from a URL) fills in
    or must match the ``id`` field.

    >>> placement_from_dict({"strategy": {}}, placement_id="home")[:2]
    ('home', '')
    >>> placement_from_dict({"id": "cart", "strategy": {}}, placement_id="home")
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: id: is 'cart' but the URL names 'home'
    """
    if not isinstance(data, Mapping):
        raise InvalidInput("placement", "must be a JSON object with id, description, strategy")
    unknown = [key for key in data if key not in ("id", "description", "strategy")]
    if unknown:
        known = "known fields: id, description, strategy"
        raise InvalidInput(str(unknown[0]), f"unknown field; {known}")
    given = data.get("id")
    if placement_id is not None and given is not None and given != placement_id:
        raise InvalidInput("id", f"is {given!r} but the URL names {placement_id!r}")
    identifier = given if given is not None else placement_id
    if identifier is None:
        raise InvalidInput("id", "is required: the placement's name, e.g. home")
    if not isinstance(identifier, str):
        raise InvalidInput("id", "must be a text")
    description = data.get("description")
    if description is None:
        description = ""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise InvalidInput("description", f"must be a text of at most {MAX_DESCRIPTION} characters")
    if "strategy" not in data:
        raise InvalidInput("strategy", "is required: the steps as JSON ({} for the defaults)")
    return (
        check_identifier("id", identifier),
        storable_text("description", description.strip()),
        strategy_from_dict(data["strategy"]),
    )


def strategy_to_dict(strategy: Strategy) -> JSONObject:
    """The canonical JSON form: every step with every setting, defaults filled in; boost
    rules name only the conditions they have. `strategy_from_dict` reads it back."""
    catalog = strategy.filters.catalog
    return {
        "candidates": {
            "model": strategy.candidates.model,
            "depth_per_slot": strategy.candidates.depth_per_slot,
            "min_depth": strategy.candidates.min_depth,
        },
        "filters": {
            "exclude_seen": strategy.filters.exclude_seen,
            "exclude_purchased": strategy.filters.exclude_purchased,
            "categories": list(catalog.categories),
            "exclude_categories": list(catalog.exclude_categories),
            "attributes": {name: list(values) for name, values in catalog.attributes.items()},
            "exclude_attributes": {
                name: list(values) for name, values in catalog.exclude_attributes.items()
            },
            "exclude_items": list(catalog.exclude_items),
            "ranges": {
                name: {"min": low, "max": high} for name, (low, high) in catalog.ranges.items()
            },
        },
        "boosts": {
            "preference_weight": strategy.boosts.preference_weight,
            "rules": [_rule_to_dict(rule) for rule in strategy.boosts.rules],
        },
        "diversity": {"strength": strategy.diversity.strength},
        "top_n": {"limit": strategy.top_n.limit},
    }


FILTER_FIELDS = (
    "exclude_seen",
    "exclude_purchased",
    "categories",
    "exclude_categories",
    "attributes",
    "exclude_attributes",
    "exclude_items",
    "ranges",
)
RULE_FIELDS = ("factor", "category", "attribute", "value", "items", "when")


def _candidates(step: _Object) -> CandidateSpec:
    model = step.text("model", None)
    if model is not None and not MODEL_NAME.match(model):
        raise InvalidInput(step.at("model"), "must be a model name such as 'item_knn'")
    return CandidateSpec(
        model=model,
        depth_per_slot=step.whole("depth_per_slot", DEPTH_PER_SLOT, 1, 1000),
        min_depth=step.whole("min_depth", MIN_DEPTH, 1, 100_000),
    )


def _filters(step: _Object) -> FilterSpec:
    return FilterSpec(
        exclude_seen=step.flag("exclude_seen", True),
        exclude_purchased=step.flag("exclude_purchased", True),
        catalog=Filters(
            categories=step.texts("categories"),
            exclude_categories=step.texts("exclude_categories"),
            attributes=step.values_by_name("attributes"),
            exclude_attributes=step.values_by_name("exclude_attributes"),
            exclude_items=step.identifiers("exclude_items"),
            ranges=_ranges(step),
        ),
    )


def _ranges(step: _Object) -> dict[str, tuple[float | None, float | None]]:
    ranges: dict[str, tuple[float | None, float | None]] = {}
    for name, value in step.mapping("ranges").items():
        bounds = _Object(value, f"{step.at('ranges')}.{name}", ("min", "max"))
        low = bounds.maybe_number("min")
        high = bounds.maybe_number("max")
        if low is None and high is None:
            raise InvalidInput(bounds.path, "give a min, a max or both")
        if low is not None and high is not None and low > high:
            raise InvalidInput(bounds.at("min"), f"is above max ({low:g} > {high:g})")
        ranges[name] = (low, high)
    return ranges


def _boosts(step: _Object) -> BoostSpec:
    weight = step.number("preference_weight", 1.0, low=0, high=MAX_FACTOR)
    rules = step.list("rules", MAX_RULES)
    return BoostSpec(
        rules=tuple(_rule(_Object(value, path, RULE_FIELDS)) for path, value in rules),
        preference_weight=weight,
    )


def _rule(rule: _Object) -> Boost:
    factor = rule.maybe_number("factor", low=0, high=MAX_FACTOR)
    if factor is None:
        raise InvalidInput(rule.at("factor"), "is required: > 1 promotes, < 1 demotes")
    if factor <= 0:
        raise InvalidInput(rule.at("factor"), "must be above 0 (below 1 demotes)")
    attribute = rule.text("attribute", None)
    value = rule.scalar("value")
    if (attribute is None) != (value is None):
        raise InvalidInput(rule.at("value" if value is None else "attribute"),
                           "give attribute and value together")  # fmt: skip
    category = rule.text("category", None)
    items = rule.identifiers("items")
    if category is None and attribute is None and not items:
        raise InvalidInput(rule.path, "give a category, an attribute and value, or items to boost")
    when = {key: rule.text_in(rule.at(f"when.{key}"), v) for key, v in rule.mapping("when").items()}
    return Boost(
        factor=factor, category=category, attribute=attribute, value=value, items=items, when=when
    )


def _rule_to_dict(rule: Boost) -> JSONObject:
    found: JSONObject = {"factor": rule.factor}
    if rule.category is not None:
        found["category"] = rule.category
    if rule.attribute is not None:
        found["attribute"] = rule.attribute
        found["value"] = rule.value
    if rule.items:
        found["items"] = list(rule.items)
    if rule.when:
        found["when"] = dict(rule.when)
    return found


class _Object:
    """Reads the fields of one JSON object at `path`, refusing fields not `allowed`."""

    def __init__(self, value: Any, path: str, allowed: tuple[str, ...]) -> None:
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            raise InvalidInput(path, "must be a JSON object")
        unknown = [key for key in value if key not in allowed]
        if unknown:
            known = ", ".join(allowed)
            raise InvalidInput(f"{path}.{unknown[0]}", f"unknown field; known fields: {known}")
        self.value, self.path = value, path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"

    def object(self, key: str, allowed: tuple[str, ...]) -> _Object:
        return _Object(self.value.get(key), self.at(key), allowed)

    def flag(self, key: str, default: bool) -> bool:
        value = self.value.get(key, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise InvalidInput(self.at(key), "must be true or false")
        return value

    def number(self, key: str, default: float, *, low: float, high: float) -> float:
        found = self.maybe_number(key, low=low, high=high)
        return default if found is None else found

    def maybe_number(
        self, key: str, *, low: float = -math.inf, high: float = math.inf
    ) -> float | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(self.at(key), "must be a number")
        if not math.isfinite(value):
            raise InvalidInput(self.at(key), "must be a finite number")
        if not low <= value <= high:
            raise InvalidInput(self.at(key), f"must be between {low:g} and {high:g}")
        return float(value)

    def whole(self, key: str, default: int, low: int, high: int) -> int:
        found = self.maybe_whole(key, low, high)
        return default if found is None else found

    def maybe_whole(self, key: str, low: int, high: int) -> int | None:
        value = self.value.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(self.at(key), "must be a whole number")
        if not low <= value <= high:
            raise InvalidInput(self.at(key), f"must be between {low} and {high}")
        return value

    def text(self, key: str, default: str | None) -> str | None:
        value = self.value.get(key)
        return default if value is None else self.text_in(self.at(key), value)

    def scalar(self, key: str) -> str | None:
        value = self.value.get(key)
        return None if value is None else _scalar(self.at(key), value)

    @staticmethod
    def text_in(path: str, value: JSONValue) -> str:
        if not isinstance(value, str):
            raise InvalidInput(path, "must be a text")
        if not value.strip() or len(value) > MAX_TEXT:
            raise InvalidInput(path, f"must be 1-{MAX_TEXT} characters")
        return storable_text(path, value)

    def list(self, key: str, limit: int = MAX_LISTED) -> list[tuple[str, Any]]:
        values = self.value.get(key)
        if values is None:
            return []
        if not isinstance(values, list):
            raise InvalidInput(self.at(key), "must be a list")
        if len(values) > limit:
            raise InvalidInput(self.at(key), f"has {len(values)} entries; at most {limit}")
        return [(f"{self.at(key)}[{i}]", value) for i, value in enumerate(values)]

    def texts(self, key: str) -> tuple[str, ...]:
        return tuple(self.text_in(path, value) for path, value in self.list(key))

    def identifiers(self, key: str) -> tuple[str, ...]:
        found = []
        for path, value in self.list(key):
            if not isinstance(value, str):
                raise InvalidInput(path, "must be an item id (a text)")
            found.append(check_identifier(path, value))
        return tuple(found)

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.value.get(key)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise InvalidInput(self.at(key), "must be a JSON object")
        if len(value) > MAX_LISTED:
            raise InvalidInput(self.at(key), f"has {len(value)} entries; at most {MAX_LISTED}")
        for name in value:
            self.text_in(f"{self.at(key)}.{name}", name)
        return value

    def values_by_name(self, key: str) -> dict[str, tuple[str, ...]]:
        """{name: value or [values]} as canonical facet texts (any value of a name)."""
        found: dict[str, tuple[str, ...]] = {}
        for name, values in self.mapping(key).items():
            path = f"{self.at(key)}.{name}"
            if not isinstance(values, list):
                found[name] = (_scalar(path, values),)
                continue
            if not values or len(values) > MAX_LISTED:
                raise InvalidInput(path, f"must list 1-{MAX_LISTED} values")
            found[name] = tuple(_scalar(f"{path}[{i}]", value) for i, value in enumerate(values))
        return found


def _scalar(path: str, value: Any) -> str:
    """A text, number or boolean, as the canonical text attribute filters compare."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(path, "must be a finite number")
    if not isinstance(value, str | int | float | bool):
        raise InvalidInput(path, "must be a text, number or boolean")
    return _Object.text_in(path, facet_text(value) or "")


__all__ = ["MAX_DESCRIPTION", "placement_from_dict", "strategy_from_dict", "strategy_to_dict"]
