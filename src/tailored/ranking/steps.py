"""The steps of the ranking pipeline as a strategy describes them, one small component
each: candidates, filters, boosts, diversity, top-n. Each implements one interface of
`tailored.ranking.pipeline`; another implementation of the same interface (an experiment's
own diversity, say) can take its place without touching the others. Pure: arrays in,
arrays out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from tailored.domain.placements.strategy import (
    BoostSpec,
    CandidateSpec,
    DiversitySpec,
    FilterSpec,
    TopNSpec,
)
from tailored.domain.recommendations import Boost, Filters
from tailored.metrics.ranking import top_n
from tailored.ranking.catalog_index import CatalogIndex, Mask
from tailored.ranking.trending import Trending

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class BestCandidates:
    """The candidates step: the model asked first (None: the endpoint's own) and the
    best-scored candidates the later steps look at.

    >>> step = BestCandidates(CandidateSpec(depth_per_slot=1, min_depth=2))
    >>> step.shortlist(np.arange(4), np.array([1.0, 4.0, 3.0, 2.0]), 1)[0].tolist()
    [1, 2]
    """

    def __init__(self, spec: CandidateSpec) -> None:
        self.spec = spec
        self.model = spec.model

    def shortlist(
        self, positions: IntArray, scores: FloatArray, n: int
    ) -> tuple[IntArray, FloatArray]:
        """The best of a model's candidates (catalog `positions` with `scores`), as deep
        as re-ranking `n` slots looks; in no particular order."""
        depth = self.spec.depth(n)
        if len(positions) <= depth:
            return positions, scores
        best = top_n(scores[None, :], depth)[0]
        return positions[best], scores[best]

    def popular(self, trending: Trending, allowed: Mask, n: int) -> tuple[IntArray, FloatArray]:
        """The most popular `allowed` items, best first, as deep as for `n` slots."""
        ranked = trending.order[allowed[trending.order]]
        best = ranked[: self.spec.depth(n)]
        return best, trending.scores()[best]


class PlacementFilters:
    """The filters step: what may be shown (available, and passing the request's filters
    and the placement's own), and which of the user's own items to leave out.

    >>> index = CatalogIndex.build([(i, i, [c], {}, True) for i, c in [("a", "x"), ("b", "y")]])
    >>> step = PlacementFilters(FilterSpec(catalog=Filters(exclude_categories=("y",))))
    >>> step.allowed(index, Filters()).tolist(), step.hidden(["a"], [])
    ([True, False], ['a'])
    """

    def __init__(self, spec: FilterSpec) -> None:
        self.spec = spec

    def allowed(self, catalog: CatalogIndex, request: Filters) -> Mask:
        allowed = catalog.mask(request)
        if not self.spec.catalog.is_empty:
            allowed &= catalog.mask(self.spec.catalog)
        return allowed

    def hidden(self, seen: Sequence[str], bought: Sequence[str]) -> list[str]:
        """Of the items the user interacted with (`seen`) and bought, those not shown."""
        left_out = list(seen) if self.spec.exclude_seen else []
        return left_out + list(bought) if self.spec.exclude_purchased else left_out


class RuleBoosts:
    """The boosts step: each rule that applies to the request's context multiplies the
    scores of the items it matches; the rule that lifted an item most is remembered for
    its reason (-1: none).

    >>> index = CatalogIndex.build([(i, i, [c], {}, True) for i, c in [("a", "x"), ("b", "y")]])
    >>> step = RuleBoosts(BoostSpec(rules=(Boost(3.0, category="y"),)))
    >>> value, lifted_by = step.apply(index, np.arange(2), np.array([1.0, 0.5]), {})
    >>> value.tolist(), lifted_by.tolist()
    ([1.0, 1.5], [-1, 0])
    """

    def __init__(self, spec: BoostSpec) -> None:
        self.spec = spec
        self.rules = spec.rules
        self.preference_weight = spec.preference_weight

    def with_rules(self, extra: Sequence[Boost]) -> RuleBoosts:
        """These rules too, after the placement's (e.g. what the user chose)."""
        if not extra:
            return self
        return RuleBoosts(BoostSpec((*self.rules, *extra), self.preference_weight))

    def apply(
        self,
        catalog: CatalogIndex,
        positions: IntArray,
        value: FloatArray,
        facts: Mapping[str, str],
    ) -> tuple[FloatArray, IntArray]:
        value = value.copy()
        boosted_by = np.full(len(positions), -1, dtype=np.int64)
        strongest = np.ones(len(positions))
        for k, boost in enumerate(self.rules):
            if boost.factor != 1.0 and boost.applies_to(facts):
                hit = catalog.matches(boost)[positions]
                value[hit] *= boost.factor
                lifts = hit & (boost.factor > strongest)
                boosted_by[lifts], strongest[lifts] = k, boost.factor
        return value, boosted_by


class CategoryDiversity:
    """The diversity step, greedy: each further item of an already chosen category counts
    (1 - strength) times less per item of it shown before. Items without a category
    (-1) are never penalised.

    >>> step = CategoryDiversity(DiversitySpec(0.9))
    >>> step.order(np.array([3.0, 2.0, 1.5]), np.array([0, 0, 1]), 2).tolist()
    [0, 2]
    """

    def __init__(self, spec: DiversitySpec) -> None:
        self.spec = spec

    def order(self, value: FloatArray, groups: IntArray, n: int) -> IntArray:
        """The first `n` candidates to show, best first."""
        if self.spec.strength <= 0:
            return np.argsort(-value, kind="stable")[:n]
        damping = 1.0 - self.spec.strength
        shown: dict[int, int] = {}
        penalty = np.ones(len(value))
        left = np.ones(len(value), dtype=np.bool_)
        chosen: list[int] = []
        for _ in range(min(n, len(value))):
            best = int(np.argmax(np.where(left, value * penalty, -np.inf)))
            chosen.append(best)
            left[best] = False
            group = int(groups[best])
            if group >= 0:
                shown[group] = shown.get(group, 0) + 1
                penalty[groups == group] = damping ** shown[group]
        return np.asarray(chosen, dtype=np.int64)


class TopN:
    """The top-n step: how many items a list holds for a request of `n`.

    >>> TopN(TopNSpec(limit=3)).size(10)
    3
    """

    def __init__(self, spec: TopNSpec) -> None:
        self.spec = spec

    def size(self, n: int) -> int:
        return self.spec.size(n)


__all__ = ["BestCandidates", "CategoryDiversity", "PlacementFilters", "RuleBoosts", "TopN"]
