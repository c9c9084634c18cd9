"""How a placement ranks, as a description with one part per step of the pipeline.

candidates -> filters -> boosts -> diversity -> top-n. Each part can be replaced alone (an
experiment trying another diversity, a campaign with its own boosts, another model as the
source of candidates) and `tailored.ranking.pipeline.Pipeline.of` assembles the steps it
describes. Every default is what a placement without a strategy gets.

>>> strategy = Strategy(diversity=DiversitySpec(strength=0.3))
>>> strategy.diversity.strength, strategy.candidates.model, strategy.top_n.limit
(0.3, None, None)
>>> strategy.candidates.depth(4), strategy.candidates.depth(20)
(100, 200)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tailored.domain.recommendations import Boost, Filters

DEPTH_PER_SLOT = 10  # how deep re-ranking looks: n * this, at least MIN_DEPTH
MIN_DEPTH = 100


@dataclass(frozen=True, slots=True)
class CandidateSpec:
    """Where candidates come from and how many of the best the later steps see.

    `model` is asked first (None: the endpoint's own, `TAILORED_RECOMMEND_MODEL`,
    `..._SIMILAR_MODEL` or `..._BOUGHT_TOGETHER_MODEL`); trending fills what it leaves.
    The best `depth_per_slot` per slot asked for, at least `min_depth`, are re-ranked.

    >>> CandidateSpec(model="ials", depth_per_slot=5, min_depth=20).depth(3)
    20
    """

    model: str | None = None
    depth_per_slot: int = DEPTH_PER_SLOT
    min_depth: int = MIN_DEPTH

    def depth(self, n: int) -> int:
        return max(n * self.depth_per_slot, self.min_depth)


@dataclass(frozen=True, slots=True)
class FilterSpec:
    """Which items the placement never shows: those outside its own `catalog` filters
    (on top of the request's and the user's), and the user's own items.

    >>> FilterSpec(catalog=Filters(exclude_categories=("gift-cards",))).exclude_seen
    True
    """

    exclude_seen: bool = True
    exclude_purchased: bool = True
    catalog: Filters = field(default_factory=Filters)


@dataclass(frozen=True, slots=True)
class BoostSpec:
    """The business's boosts, and how much what users chose counts: items matching a
    'boost' preference score (1 + `preference_weight`) times higher (0: not at all).

    >>> BoostSpec(rules=(Boost(1.5, category="sale"),)).rules[0].factor
    1.5
    """

    rules: tuple[Boost, ...] = ()
    preference_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class DiversitySpec:
    """Category diversity: 0 none; 0.5 halves the score of each further item from a
    category already shown (again for each one shown).

    >>> DiversitySpec(0.5).strength
    0.5
    """

    strength: float = 0.0


@dataclass(frozen=True, slots=True)
class TopNSpec:
    """The most items the placement shows, whatever a request asks for (None: as asked).

    >>> TopNSpec(limit=4).size(10), TopNSpec().size(10)
    (4, 10)
    """

    limit: int | None = None

    def size(self, n: int) -> int:
        return n if self.limit is None else min(n, self.limit)


@dataclass(frozen=True, slots=True)
class Strategy:
    """A placement's ranking, step by step (see the module).

    >>> Strategy().filters.exclude_purchased
    True
    """

    candidates: CandidateSpec = field(default_factory=CandidateSpec)
    filters: FilterSpec = field(default_factory=FilterSpec)
    boosts: BoostSpec = field(default_factory=BoostSpec)
    diversity: DiversitySpec = field(default_factory=DiversitySpec)
    top_n: TopNSpec = field(default_factory=TopNSpec)


STEPS = ("candidates", "filters", "boosts", "diversity", "top_n")

__all__ = [
    "DEPTH_PER_SLOT",
    "MIN_DEPTH",
    "STEPS",
    "BoostSpec",
    "CandidateSpec",
    "DiversitySpec",
    "FilterSpec",
    "Strategy",
    "TopNSpec",
]
