"""The ranking pipeline's steps, alone and swapped one at a time."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pytest

from tailored.domain.placements.strategy import (
    BoostSpec,
    CandidateSpec,
    DiversitySpec,
    FilterSpec,
    Strategy,
    TopNSpec,
)
from tailored.domain.recommendations import Boost, Filters, StrategySource
from tailored.ranking.catalog_index import CatalogIndex
from tailored.ranking.chain import filled
from tailored.ranking.pipeline import Picked, Pipeline, Pipelines
from tailored.ranking.trending import Trending

# a..f: shoes a b c, socks d e, f without a category; e unavailable
CATALOG = CatalogIndex.build(
    [
        ("a", "A", ["shoes"], {"brand": "Acme"}, True),
        ("b", "B", ["shoes"], {"brand": "Zeta"}, True),
        ("c", "C", ["shoes", "sale"], {"brand": "Acme"}, True),
        ("d", "D", ["socks"], {"brand": "Zeta"}, True),
        ("e", "E", ["socks"], {"brand": "Acme"}, False),
        ("f", "F", [], {"brand": "Zeta"}, True),
    ]
)
EVERY = np.arange(6)
SCORES = np.array([6.0, 5.0, 4.0, 3.0, 2.0, 1.0])


def _ids(picked: Picked) -> list[str]:
    return CATALOG.items.ids_of(picked.positions)


def _pick(strategy: Strategy, n: int = 6, facts: dict[str, str] | None = None) -> Picked:
    return Pipeline.of(strategy).pick(EVERY, SCORES, n, catalog=CATALOG, facts=facts or {})


def test_the_built_in_strategy_keeps_the_models_order_with_normalised_scores() -> None:
    picked = _pick(Strategy(), n=3)
    assert _ids(picked) == ["a", "b", "c"]
    assert picked.scores.tolist() == pytest.approx([1.0, 0.05 + 0.95 * 5 / 6, 0.05 + 0.95 * 4 / 6])
    assert not picked.boosted.any()


def test_candidates_are_cut_to_the_depth_before_anything_else() -> None:
    # Only the 2 best reach the boosts: a boost cannot lift what the cut left out.
    shallow = Strategy(
        candidates=CandidateSpec(depth_per_slot=1, min_depth=2),
        boosts=BoostSpec(rules=(Boost(100.0, category="socks"),)),
    )
    assert _ids(_pick(shallow, n=2)) == ["a", "b"]
    deep = replace(shallow, candidates=CandidateSpec())
    assert _ids(_pick(deep, n=2)) == ["d", "e"]


def test_boosts_multiply_and_remember_the_strongest_rule() -> None:
    rules = (
        Boost(2.0, category="shoes"),
        Boost(3.0, attribute="brand", value="Acme"),
        Boost(0.1, category="socks"),  # a demotion marks nothing as boosted
        Boost(50.0, items=("f",), when={"season": "winter"}),
    )
    picked = _pick(Strategy(boosts=BoostSpec(rules=rules)), facts={"season": "summer"})
    assert _ids(picked)[:3] == ["a", "c", "b"]  # a: x6, c: x6, b: x2
    assert dict(zip(_ids(picked), picked.boosted_by.tolist(), strict=True)) == {
        "a": 1, "c": 1, "b": 0, "d": -1, "e": 1, "f": -1,
    }  # fmt: skip
    winter = _pick(Strategy(boosts=BoostSpec(rules=rules)), facts={"season": "winter"})
    assert _ids(winter)[0] == "f" and winter.boosted_by[0] == 3


def test_diversity_spreads_categories_and_top_n_caps_the_list() -> None:
    assert _ids(_pick(Strategy(diversity=DiversitySpec(0.9)), n=3)) == ["a", "d", "f"]
    assert Pipeline.of(Strategy(top_n=TopNSpec(limit=2))).top_n.size(10) == 2


def test_filters_join_the_requests_and_leave_out_the_users_own_items() -> None:
    own = FilterSpec(catalog=Filters(exclude_attributes={"brand": ("Zeta",)}))
    filters = Pipeline.of(Strategy(filters=own)).filters
    allowed = filters.allowed(CATALOG, Filters(categories=("shoes", "socks")))
    assert CATALOG.items.ids_of(np.flatnonzero(allowed)) == ["a", "c"]  # e is unavailable
    assert filters.hidden(["a", "b"], ["b"]) == ["a", "b", "b"]
    keep_seen = Pipeline.of(Strategy(filters=FilterSpec(exclude_seen=False))).filters
    assert keep_seen.hidden(["a", "b"], ["b"]) == ["b"]
    keep_all = FilterSpec(exclude_seen=False, exclude_purchased=False)
    assert Pipeline.of(Strategy(filters=keep_all)).filters.hidden(["a"], ["a"]) == []


class Reversed:
    """Another diversity step: the worst first (anything with the same interface fits)."""

    def order(
        self, value: npt.NDArray[np.float64], groups: npt.NDArray[np.int64], n: int
    ) -> npt.NDArray[np.int64]:
        return np.argsort(value, kind="stable")[:n]


def test_one_step_can_be_swapped_and_the_others_stay() -> None:
    strategy = Strategy(boosts=BoostSpec(rules=(Boost(10.0, category="socks"),)))
    pipeline = Pipeline.of(strategy)
    swapped = replace(pipeline, diversity=Reversed())
    assert swapped.boosts is pipeline.boosts and swapped.candidates is pipeline.candidates
    picked = swapped.pick(EVERY, SCORES, 2, catalog=CATALOG, facts={})
    assert _ids(picked) == ["f", "c"]  # the boosted socks go last
    assert _ids(pipeline.pick(EVERY, SCORES, 2, catalog=CATALOG, facts={})) == ["d", "e"]


def test_the_users_choices_join_the_placements_boosts() -> None:
    pipeline = Pipeline.of(Strategy(boosts=BoostSpec(rules=(Boost(2.0, category="socks"),))))
    chosen = pipeline.with_boosts([Boost(5.0, category="sale", chosen="Sale")])
    assert [r.factor for r in chosen.boosts.rules] == [2.0, 5.0]
    assert pipeline.with_boosts([]) is pipeline
    assert len(pipeline.boosts.rules) == 1  # the placement's own are left as they were


def test_popular_items_go_through_the_same_steps_and_the_chain_fills_in_order() -> None:
    trending = Trending(np.array([0, 5, 0, 9, 0, 7.0]), np.array([1, 5, 1, 9, 0, 7.0]))
    pipeline = Pipeline.of(Strategy())
    allowed = CATALOG.available.copy()
    assert _ids(pipeline.popular(trending, allowed, 2, catalog=CATALOG, facts={})) == ["d", "f"]
    shoes = CATALOG.in_categories(["shoes"]) & allowed
    start = pipeline.pick(np.array([2]), np.array([1.0]), 1, catalog=CATALOG, facts={})
    every = filled(start, [shoes, allowed], 4, pipeline=pipeline, trending=trending,
                   catalog=CATALOG, facts={})  # fmt: skip
    assert _ids(every) == ["c", "b", "a", "d"]  # c picked; shoes by popularity; then the rest
    assert len(set(every.positions.tolist())) == 4


def test_placements_find_their_own_pipeline_else_defaults() -> None:
    home = Strategy(candidates=CandidateSpec(model="ials"))
    stored = StrategySource("home", 3, "stored")
    pipelines = Pipelines({"home": (home, stored)})
    assert pipelines.find("home")[1] == stored
    assert pipelines.find("home")[0].candidates.model == "ials"
    assert pipelines.find("cart")[1] == StrategySource()
    assert pipelines.find(None)[0].candidates.model is None
    assert pipelines.models() == {"ials"}
    fallback = StrategySource("default", None, "settings")
    with_default = Pipelines({"home": (home, stored), "default": (Strategy(), fallback)})
    assert with_default.find("cart")[1] == fallback and with_default.find(None)[1] == fallback
