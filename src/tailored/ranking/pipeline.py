"""The ranking pipeline: candidates -> filters -> boosts -> diversity -> top-n.

Each step is a component with one interface (below); `Pipeline.of` assembles the steps a
placement's `Strategy` describes (`tailored.ranking.steps`), and `dataclasses.replace`
swaps one of them, so that an experiment or a campaign can vary one step (another
diversity, other boosts, another model as the source of candidates) and keep the rest.
`Pipelines` holds the pipeline of every placement and finds the one a request names.

The top-n step says how many items a list holds and the filters step makes the mask of
what may be shown (the caller adds what it knows of the user: the cart, what was seen);
`pick` then takes a source's candidates that passed the mask through the candidates,
boosts and diversity steps. Scores are normalised to [FLOOR, 1] over the best candidates
before boosts, so boosts multiply comparable numbers whatever the model's scale.

>>> from tailored.domain.placements.strategy import DiversitySpec, Strategy
>>> index = CatalogIndex.build([(i, i, [c], {}, True) for i, c in
...     [("a", "x"), ("b", "x"), ("c", "y")]])
>>> every = np.arange(3)
>>> Pipeline.of(Strategy()).pick(every, np.array([3.0, 2.0, 1.0]), 2, catalog=index,
...                              facts={}).positions.tolist()
[0, 1]
>>> diverse = Pipeline.of(Strategy(diversity=DiversitySpec(0.9)))
>>> diverse.pick(every, np.array([3.0, 2.0, 1.5]), 2, catalog=index, facts={}).positions.tolist()
[0, 2]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from tailored.domain.placements.strategy import Strategy
from tailored.domain.recommendations import Boost, Filters, StrategySource
from tailored.ranking.catalog_index import CatalogIndex, Mask
from tailored.ranking.steps import (
    BestCandidates,
    CategoryDiversity,
    PlacementFilters,
    RuleBoosts,
    TopN,
)
from tailored.ranking.trending import Trending

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FLOOR = 0.05  # the weakest candidate's normalised score: boosts still lift it
DEFAULT = "default"  # the placement whose strategy serves placements without their own


class CandidateStep(Protocol):
    """Where candidates come from, and which of them the later steps see."""

    model: str | None  # the model asked first; None: the endpoint's own

    def shortlist(
        self, positions: IntArray, scores: FloatArray, n: int
    ) -> tuple[IntArray, FloatArray]: ...

    def popular(self, trending: Trending, allowed: Mask, n: int) -> tuple[IntArray, FloatArray]: ...


class FilterStep(Protocol):
    """What may be shown at all, and which of the user's own items are left out."""

    def allowed(self, catalog: CatalogIndex, request: Filters) -> Mask: ...

    def hidden(self, seen: Sequence[str], bought: Sequence[str]) -> list[str]: ...


class BoostStep(Protocol):
    """Score multipliers, and which rule lifted each candidate most (-1: none)."""

    rules: tuple[Boost, ...]
    preference_weight: float

    def with_rules(self, extra: Sequence[Boost]) -> BoostStep: ...

    def apply(
        self,
        catalog: CatalogIndex,
        positions: IntArray,
        value: FloatArray,
        facts: Mapping[str, str],
    ) -> tuple[FloatArray, IntArray]: ...


class DiversityStep(Protocol):
    """The order of the first `n` candidates to show (indices into `value`)."""

    def order(self, value: FloatArray, groups: IntArray, n: int) -> IntArray: ...


class TopNStep(Protocol):
    """How many items a list holds when a request asks for `n`."""

    def size(self, n: int) -> int: ...


@dataclass(frozen=True, slots=True)
class Picked:
    """The chosen catalog positions, best first, with their final scores and the boost
    that lifted each most (an index into the pipeline's boost rules; -1: none)."""

    positions: IntArray
    scores: FloatArray
    boosted_by: IntArray

    @classmethod
    def empty(cls) -> Picked:
        return cls(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.positions)

    def __add__(self, other: Picked) -> Picked:
        return Picked(
            np.concatenate([self.positions, other.positions]),
            np.concatenate([self.scores, other.scores]),
            np.concatenate([self.boosted_by, other.boosted_by]),
        )

    @property
    def boosted(self) -> npt.NDArray[np.bool_]:
        return self.boosted_by >= 0


@dataclass(frozen=True, slots=True)
class Pipeline:
    """The five steps of one placement's ranking (see the module)."""

    candidates: CandidateStep
    filters: FilterStep
    boosts: BoostStep
    diversity: DiversityStep
    top_n: TopNStep

    @classmethod
    def of(cls, strategy: Strategy) -> Pipeline:
        """The steps `strategy` describes."""
        return cls(
            candidates=BestCandidates(strategy.candidates),
            filters=PlacementFilters(strategy.filters),
            boosts=RuleBoosts(strategy.boosts),
            diversity=CategoryDiversity(strategy.diversity),
            top_n=TopN(strategy.top_n),
        )

    def with_boosts(self, extra: Sequence[Boost]) -> Pipeline:
        """The same pipeline, boosting by `extra` rules too (what the user chose)."""
        return self if not extra else replace(self, boosts=self.boosts.with_rules(extra))

    def pick(
        self,
        positions: IntArray,
        scores: FloatArray,
        n: int,
        *,
        catalog: CatalogIndex,
        facts: Mapping[str, str],
    ) -> Picked:
        """The top `n` of a source's candidates (catalog `positions` that passed the
        filters, with their `scores`) after boosts and diversity."""
        positions, scores = self.candidates.shortlist(positions, scores, n)
        if len(positions) == 0 or n == 0:
            return Picked.empty()
        value, boosted_by = self.boosts.apply(catalog, positions, normalised(scores), facts)
        order = self.diversity.order(value, catalog.primary[positions], n)
        return Picked(positions[order], value[order], boosted_by[order])

    def popular(
        self,
        trending: Trending,
        allowed: Mask,
        n: int,
        *,
        catalog: CatalogIndex,
        facts: Mapping[str, str],
    ) -> Picked:
        """The top `n` of what is popular among `allowed`, through the same steps."""
        positions, scores = self.candidates.popular(trending, allowed, n)
        return self.pick(positions, scores, n, catalog=catalog, facts=facts)


def normalised(scores: FloatArray) -> FloatArray:
    """Scores onto [FLOOR, 1]: proportionally when none is negative (similarities,
    counts), else min-max (z-scores, regression outputs).

    >>> normalised(np.array([2.0, 1.0])).tolist(), normalised(np.array([1.0, -1.0])).tolist()
    ([1.0, 0.525], [1.0, 0.05])
    """
    low = 0.0 if scores.min() >= 0 else scores.min()
    spread = scores.max() - low
    if spread <= 0:
        return np.ones_like(scores)
    return np.asarray(FLOOR + (1 - FLOOR) * (scores - low) / spread)


class Pipelines:
    """The pipeline of every placement with a strategy, and the strategy's source.

    A placement without its own gets the 'default' placement's, else the built-in one.

    >>> from tailored.domain.placements.strategy import DiversitySpec, Strategy
    >>> strategies = {"default": (Strategy(), StrategySource("default", 2, "stored"))}
    >>> pipelines = Pipelines(strategies)
    >>> pipelines.find("home")[1], pipelines.find(None)[1].version
    (StrategySource(placement='default', version=2, origin='stored'), 2)
    >>> Pipelines({}).find("home")[1].origin
    'built_in'
    """

    def __init__(self, strategies: Mapping[str, tuple[Strategy, StrategySource]]) -> None:
        self.strategies = dict(strategies)
        self._pipelines = {name: Pipeline.of(s) for name, (s, _) in self.strategies.items()}
        self._built_in = Pipeline.of(Strategy())

    def find(self, placement: str | None) -> tuple[Pipeline, StrategySource]:
        for name in (placement, DEFAULT):
            if name is not None and name in self._pipelines:
                return self._pipelines[name], self.strategies[name][1]
        return self._built_in, StrategySource()

    def models(self) -> set[str]:
        """The models placements ask for by name (each needs its active version)."""
        return {
            strategy.candidates.model
            for strategy, _ in self.strategies.values()
            if strategy.candidates.model is not None
        }


__all__ = [
    "DEFAULT",
    "FLOOR",
    "BoostStep",
    "CandidateStep",
    "DiversityStep",
    "FilterStep",
    "Picked",
    "Pipeline",
    "Pipelines",
    "TopNStep",
    "normalised",
]
