"""The re-ranking end of the chain: the best candidates, business boosts, then category
diversity, then the top n. Pure: scores and masks in, positions out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tailored.domain.recommendations import Strategy
from tailored.metrics.ranking import top_n
from tailored.ranking.catalog_index import CatalogIndex

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CANDIDATES_PER_SLOT = 10  # how deep re-ranking looks: n * this, at least MIN_CANDIDATES
MIN_CANDIDATES = 100
FLOOR = 0.05  # the weakest candidate's normalised score: boosts still lift it


@dataclass(frozen=True, slots=True)
class Picked:
    """The chosen catalog positions, best first, with their final scores and the boost
    that lifted each most (an index into the strategy's boosts; -1: none)."""

    positions: IntArray
    scores: FloatArray
    boosted_by: IntArray

    @property
    def boosted(self) -> npt.NDArray[np.bool_]:
        return self.boosted_by >= 0


def pick(
    positions: IntArray,
    scores: FloatArray,
    n: int,
    *,
    catalog: CatalogIndex,
    strategy: Strategy,
    facts: Mapping[str, str],
) -> Picked:
    """The top `n` of the candidates (catalog `positions` that passed the filters, with
    their `scores`) after boosts and diversity.

    Scores are normalised to [FLOOR, 1] over the best candidates, so boosts multiply
    comparable numbers whatever the model's scale.

    >>> index = CatalogIndex.build([(i, i, [c], {}, True) for i, c in
    ...     [("a", "x"), ("b", "x"), ("c", "y")]])
    >>> every = np.arange(3)
    >>> pick(every, np.array([3.0, 2.0, 1.0]), 2, catalog=index, strategy=Strategy(),
    ...      facts={}).positions.tolist()
    [0, 1]
    >>> pick(every, np.array([3.0, 2.0, 1.5]), 2, catalog=index,
    ...      strategy=Strategy(diversity=0.9), facts={}).positions.tolist()
    [0, 2]
    """
    depth = max(n * CANDIDATES_PER_SLOT, MIN_CANDIDATES)
    if len(positions) > depth:
        best = top_n(scores[None, :], depth)[0]
        positions, scores = positions[best], scores[best]
    if len(positions) == 0 or n == 0:
        return Picked(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
    value = _normalised(scores)
    boosted_by = np.full(len(positions), -1, dtype=np.int64)
    strongest = np.ones(len(positions))
    for k, boost in enumerate(strategy.boosts):
        if boost.factor != 1.0 and boost.applies_to(facts):
            hit = catalog.matches(boost)[positions]
            value[hit] *= boost.factor
            lifts = hit & (boost.factor > strongest)
            boosted_by[lifts], strongest[lifts] = k, boost.factor
    order = _diverse(value, catalog.primary[positions], n, strategy.diversity)
    return Picked(positions[order], value[order], boosted_by[order])


def _normalised(scores: FloatArray) -> FloatArray:
    """Scores onto [FLOOR, 1]: proportionally when none is negative (similarities,
    counts), else min-max (z-scores, regression outputs)."""
    low = 0.0 if scores.min() >= 0 else scores.min()
    spread = scores.max() - low
    if spread <= 0:
        return np.ones_like(scores)
    return np.asarray(FLOOR + (1 - FLOOR) * (scores - low) / spread)


def _diverse(value: FloatArray, category: IntArray, n: int, diversity: float) -> IntArray:
    """Greedy: each further item of an already chosen category counts (1 - diversity)
    times less per item shown before it. Items without a category are never penalised."""
    if diversity <= 0:
        return np.argsort(-value, kind="stable")[:n]
    damping = 1.0 - diversity
    shown: dict[int, int] = {}
    penalty = np.ones(len(value))
    left = np.ones(len(value), dtype=np.bool_)
    chosen: list[int] = []
    for _ in range(min(n, len(value))):
        best = int(np.argmax(np.where(left, value * penalty, -np.inf)))
        chosen.append(best)
        left[best] = False
        group = int(category[best])
        if group >= 0:
            shown[group] = shown.get(group, 0) + 1
            penalty[category == group] = damping ** shown[group]
    return np.asarray(chosen, dtype=np.int64)


__all__ = ["Picked", "pick"]
