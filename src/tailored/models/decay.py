"""Time decay of interaction weights, shared by every model that forgets."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tailored.errors import InvalidInput

DAY = 86_400.0


def decay_weights(
    times: npt.NDArray[np.float64], *, now: float, half_life_days: float | None
) -> npt.NDArray[np.float64]:
    """0.5 ** (age / half-life) per interaction; 1 for all when there is no half-life.

    >>> decay_weights(np.array([0.0, DAY, 2 * DAY]), now=2 * DAY, half_life_days=1).tolist()
    [0.25, 0.5, 1.0]
    """
    if half_life_days is None:
        return np.ones(len(times))
    if half_life_days <= 0:
        raise InvalidInput("half_life_days", f"must be positive or None, not {half_life_days}")
    age = np.maximum(now - times, 0.0) / DAY
    return np.exp2(-age / half_life_days)


__all__ = ["DAY", "decay_weights"]
