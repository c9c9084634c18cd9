"""How much each event counts as an interaction: the one rule training, serving history
and trending share, so what a model learnt from and what it is asked about cannot drift.

An event counts its type's weight (`EventType.weight`; a type without one is not an
interaction), halved every `half_life_days` of its age. Its age is measured back from the
`now` the caller gives: training passes its clock's time when it trains, serving the
time of the request. Only the ratio between two events' weights depends on their times,
so a history weighed at request time ranks as it would have at training time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tailored.errors import InvalidInput

DAY = 86_400.0
FloatArray = npt.NDArray[np.float64]


def decay(times: FloatArray, *, now: float, half_life_days: float | None) -> FloatArray:
    """0.5 ** (age in days / half-life) per time; 1 for all when there is no half-life.
    Times after `now` count as new (1), never more.

    >>> decay(np.array([0.0, DAY, 2 * DAY, 3 * DAY]), now=2 * DAY, half_life_days=1).tolist()
    [0.25, 0.5, 1.0, 1.0]
    """
    if half_life_days is None:
        return np.ones(len(times))
    _check_half_life(half_life_days)
    age = np.maximum(now - np.asarray(times, dtype=np.float64), 0.0) / DAY
    return np.exp2(-age / half_life_days)


@dataclass(frozen=True)
class Weighting:
    """The interaction weight of events: their type's weight, decayed by their age.

    >>> weighting = Weighting({"view": 1.0, "purchase": 5.0}, half_life_days=7)
    >>> weighting.types
    ('purchase', 'view')
    >>> weighting.weigh(["view", "purchase", "search"], np.array([0.0, 0.0, 0.0]),
    ...                 now=7 * DAY).tolist()
    [0.5, 2.5, 0.0]
    >>> weighting.weigh(["purchase", "view"]).tolist()  # undated counts: no decay
    [5.0, 1.0]
    """

    weights: Mapping[str, float]
    """Per event type; a type left out (or at 0) is not an interaction."""
    half_life_days: float | None = None
    _weights: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, weight in self.weights.items():
            if not (math.isfinite(weight) and weight >= 0):
                raise InvalidInput("weights", f"{name!r}: must be a finite number, 0 or more")
        if self.half_life_days is not None:
            _check_half_life(self.half_life_days)
        interactions = {name: float(w) for name, w in sorted(self.weights.items()) if w > 0}
        object.__setattr__(self, "_weights", interactions)

    @property
    def types(self) -> tuple[str, ...]:
        """The event types that are interactions, by name."""
        return tuple(self._weights)

    def weigh(
        self,
        types: Sequence[str],
        times: FloatArray | None = None,
        *,
        now: float | None = None,
    ) -> FloatArray:
        """One weight per event of `types` at `times` (unix seconds), decayed to `now`;
        without times (counts over a window), the types' weights alone."""
        weight = np.fromiter((self._weights.get(t, 0.0) for t in types), np.float64, len(types))
        if times is None or self.half_life_days is None:
            return weight
        if now is None:
            raise InvalidInput("now", "is needed to decay weights by age")
        if len(times) != len(types):
            raise InvalidInput("times", f"has {len(times)} values, types has {len(types)}")
        return weight * decay(times, now=now, half_life_days=self.half_life_days)


def _check_half_life(half_life_days: float) -> None:
    if not (math.isfinite(half_life_days) and half_life_days > 0):
        raise InvalidInput("half_life_days", f"must be positive or None, not {half_life_days}")


__all__ = ["DAY", "Weighting", "decay"]
