"""SLIT: what a user does next, learned from what came just before (see
docs/research/sequential-models.md)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.models.base import FloatArray
from tailored.models.ease import DenseItemWeights
from tailored.models.sequences import recency_matrix, windows


class SLIT(DenseItemWeights):
    """A linear transition model: ridge regression from the recency-weighted items
    before each point of every history to the items that follow it (in the spirit of
    SLIST, Choi et al., WSDM 2021).

    For each history and each cut c: input sum_{d < 3 tau_in} exp(-d / tau_in) e_{c-1-d},
    target sum_{d < 5 tau_out} exp(-d / tau_out) e_{c+d};
    B = (H'H + l2 I)^-1 H'Y, score = recency-weighted history (tau) times B.

    >>> data = Interactions.from_ids(["u"] * 3 + ["v"] * 3, list("abcabc"), times=[1, 2, 3] * 2)
    >>> SLIT(l2=1.0).fit(data).recommend(Histories.from_sequences([[1]]), n=1)[0].items
    ('c',)
    """

    name = "slit"

    def __init__(
        self,
        *,
        l2: float = 3000.0,
        tau_in: float = 20.0,
        tau_out: float = 2.0,
        tau: float = 20.0,
        max_items: int = 20_000,
    ) -> None:
        self.l2 = l2
        self.tau_in = tau_in
        self.tau_out = tau_out
        self.tau = tau
        self.max_items = max_items

    def get_params(self) -> dict[str, Any]:
        return {
            "l2": self.l2,
            "tau_in": self.tau_in,
            "tau_out": self.tau_out,
            "tau": self.tau,
            "max_items": self.max_items,
        }

    def _fit(self, data: Interactions) -> None:
        self._check_params("l2", "tau_in", "tau_out", "tau")
        histories = data.histories()
        n_items = len(self.items_)
        n = len(histories.items)
        # A cut before every interaction that has one before it in its history.
        first = np.zeros(n, dtype=bool)
        first[histories.indptr[:-1][histories.lengths() > 0]] = True
        cuts = np.flatnonzero(~first)
        row_of = np.full(n, -1, dtype=np.int64)
        row_of[cuts] = np.arange(len(cuts))
        inputs = windows(histories, row_of, math.ceil(3 * self.tau_in), self.tau_in, before=True)
        targets = windows(
            histories, row_of, math.ceil(5 * self.tau_out), self.tau_out, before=False
        )
        shape = (len(cuts), n_items)
        h = sp.csr_matrix(inputs, shape=shape)
        y = sp.csr_matrix(targets, shape=shape)
        gram = np.asarray((h.T @ h).toarray())
        gram[np.diag_indices(n_items)] += self.l2
        cross = np.asarray((h.T @ y).toarray())
        self.weights_ = scipy.linalg.solve(
            gram, cross, assume_a="pos", overwrite_a=True, check_finite=False
        ).astype(np.float32)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        h = recency_matrix(histories, n_items=self.n_items, tau=self.tau)
        return np.asarray(h @ self.weights_, dtype=np.float64)

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        # Transitions both ways: what follows an item and what leads to it.
        return np.asarray(self.weights_[items] + self.weights_[:, items].T, dtype=np.float64)


__all__ = ["SLIT"]
