"""SeqEASE: EASE where items close together in a history count more (see
docs/research/sequential-models.md)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.models.base import FloatArray
from tailored.models.ease import DenseItemWeights, ease_weights
from tailored.models.sequences import offset_pairs, recency_matrix


class SeqEASE(DenseItemWeights):
    """EASE on a Gram matrix where two items of one history count
    exp(-|distance in the history| / kernel_width) instead of 1; scored with a
    recency-weighted history.

    >>> data = Interactions.from_ids(["u"] * 3 + ["v"] * 3, list("abcabc"), times=[1, 2, 3] * 2)
    >>> SeqEASE(l2=1.0).fit(data).recommend(Histories.from_sequences([[0]]), n=1)[0].items
    ('b',)
    """

    name = "seq_ease"

    def __init__(
        self,
        *,
        l2: float = 1000.0,
        kernel_width: float = 50.0,
        tau: float = 5.0,
        max_items: int = 20_000,
    ) -> None:
        self.l2 = l2
        self.kernel_width = kernel_width
        self.tau = tau
        self.max_items = max_items

    def get_params(self) -> dict[str, Any]:
        return {
            "l2": self.l2,
            "kernel_width": self.kernel_width,
            "tau": self.tau,
            "max_items": self.max_items,
        }

    def _fit(self, data: Interactions) -> None:
        self._check_params("l2", "kernel_width", "tau")
        histories = data.histories()
        n = len(self.items_)
        reach = min(math.ceil(5 * self.kernel_width), int(histories.lengths().max()))
        gram = np.zeros((n, n))
        for offset in range(reach + 1):  # beyond 5 widths a pair weighs < 0.7 %
            a, b = offset_pairs(histories, offset)
            weight = math.exp(-offset / self.kernel_width)
            left, right = histories.items[a], histories.items[b]
            np.add.at(gram, (left, right), weight)
            if offset:
                np.add.at(gram, (right, left), weight)
        self.weights_ = ease_weights(gram, self.l2)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        h = recency_matrix(histories, n_items=self.n_items, tau=self.tau)
        return np.asarray(h @ self.weights_, dtype=np.float64)


__all__ = ["SeqEASE"]
