"""How what a user chose shapes what they are shown: `block` fields become hard
filters, `range` fields numeric bounds, `boost` fields boosts that name the choice.

>>> from tailored.domain.preferences import PreferenceField, PreferenceSchema
>>> schema = PreferenceSchema((
...     PreferenceField("likes", "choices", "Likes", attribute="category", effect="boost"),
...     PreferenceField("never", "choices", "Never", attribute="brand", effect="block"),
...     PreferenceField("budget", "range", "Budget", attribute="price", effect="range"),
... ))
>>> values = {"likes": ["Running"], "never": ["Acme"], "budget": {"min": None, "max": 80}}
>>> filters = preference_filters(schema, values)
>>> filters.exclude_attributes, filters.ranges
({'brand': ('Acme',)}, {'price': (None, 80)})
>>> [(b.category, b.factor, b.chosen) for b in preference_boosts(schema, values, weight=1.0)]
[('Running', 2.0, 'Running')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tailored.domain.preferences import CATEGORY, PreferenceSchema
from tailored.domain.recommendations import Boost, Filters


def preference_filters(schema: PreferenceSchema, values: Mapping[str, Any]) -> Filters:
    """What the user said never to show, and the bounds they set."""
    exclude_categories: list[str] = []
    exclude_attributes: dict[str, tuple[str, ...]] = {}
    ranges: dict[str, tuple[float | None, float | None]] = {}
    for spec in schema.with_effect("block", "range"):
        value = values.get(spec.name)
        if value is None or spec.attribute is None:
            continue
        if spec.effect == "range" and isinstance(value, dict):
            ranges[spec.attribute] = (value.get("min"), value.get("max"))
        elif spec.effect == "block":
            chosen = _listed(value)
            if spec.attribute == CATEGORY:
                exclude_categories += chosen
            else:
                exclude_attributes[spec.attribute] = (
                    *exclude_attributes.get(spec.attribute, ()),
                    *chosen,
                )
    return Filters(
        exclude_categories=tuple(exclude_categories),
        exclude_attributes=exclude_attributes,
        ranges=ranges,
    )


def preference_boosts(
    schema: PreferenceSchema, values: Mapping[str, Any], *, weight: float
) -> tuple[Boost, ...]:
    """One boost of factor 1 + `weight` per chosen value of every `boost` field."""
    if weight <= 0:
        return ()
    boosts = []
    for spec in schema.with_effect("boost"):
        for chosen in _listed(values.get(spec.name)):
            if spec.attribute == CATEGORY:
                boosts.append(Boost(1.0 + weight, category=chosen, chosen=chosen))
            elif spec.attribute is not None:
                boosts.append(
                    Boost(1.0 + weight, attribute=spec.attribute, value=chosen, chosen=chosen)
                )
    return tuple(boosts)


def _listed(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


__all__ = ["preference_boosts", "preference_filters"]
