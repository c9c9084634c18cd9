"""Most popular items, with older interactions counting less: "trending now"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.data.weighting import decay
from tailored.models.base import Arrays, FloatArray, Recommender


class Popular(Recommender):
    """Item popularity: the sum of interaction weights, each halved every
    `half_life_days` before the latest interaction (None: no decay).

    >>> data = Interactions.from_ids(["u1", "u2", "u3"], ["a", "b", "b"])
    >>> Popular().fit(data).recommend(Histories.from_sequences([[]]), n=2)[0].items
    ('b', 'a')
    """

    name = "popular"

    def __init__(self, *, half_life_days: float | None = 14.0) -> None:
        self.half_life_days = half_life_days

    def get_params(self) -> dict[str, Any]:
        return {"half_life_days": self.half_life_days}

    def _fit(self, data: Interactions) -> None:
        weight = data.weight * decay(
            data.time, now=self.fitted_at_, half_life_days=self.half_life_days
        )
        self.popularity_ = np.bincount(data.item, weights=weight, minlength=len(self.items_))

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        return np.broadcast_to(self.popularity_, (len(histories), self.n_items))

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        return np.broadcast_to(self.popularity_, (len(items), self.n_items))

    def _state(self) -> Arrays:
        return {"popularity": self.popularity_}

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.popularity_ = state["popularity"]


__all__ = ["Popular"]
