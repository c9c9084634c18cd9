"""Sequence-aware linear item models: what a user does next follows from what they just
did. See docs/research/sequential-models.md for how they were found and how they score.

Both read a history weighted by recency: exp(-position_from_end / tau), so the latest
item counts 1 and older ones fade.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender
from tailored.models.ease import DenseItemWeights, ease_weights


def recency_matrix(histories: Histories, *, n_items: int, tau: float) -> sp.csr_matrix:
    """Rows x items, exp(-position_from_end / tau) per interaction (repeats add up)."""
    weights = np.exp(-histories.positions_from_end() / tau)
    return histories.matrix(n_items=n_items, weights=weights)


def _offset_pairs(
    histories: Histories, offset: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Global positions (a, a + offset) that lie in the same history."""
    ends = np.repeat(histories.indptr[1:], histories.lengths())
    a = np.flatnonzero(np.arange(len(histories.items)) + offset < ends)
    return a, a + offset


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
            a, b = _offset_pairs(histories, offset)
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
        inputs = _windows(histories, row_of, math.ceil(3 * self.tau_in), self.tau_in, before=True)
        targets = _windows(
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


def _windows(
    histories: Histories, row_of: npt.NDArray[np.int64], width: int, tau: float, *, before: bool
) -> tuple[FloatArray, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """(values, (rows, items)) for every cut c (a position with row_of[c] >= 0): the items
    at c - 1 - d (`before`) or at c + d (after) for d < width, weighted exp(-d / tau)."""
    values, rows, items = [], [], []
    for d in range(width):
        if before:  # the item at p = c - 1 - d, i.e. pairs (p, c) at offset d + 1
            p, c = _offset_pairs(histories, d + 1)
        else:  # the item at q = c + d, i.e. pairs (c, q) at offset d
            c, p = _offset_pairs(histories, d)
        keep = row_of[c] >= 0
        rows.append(row_of[c[keep]])
        items.append(histories.items[p[keep]])
        values.append(np.full(int(keep.sum()), math.exp(-d / tau)))
    return np.concatenate(values), (np.concatenate(rows), np.concatenate(items))


class SeqBlend(Recommender):
    """SLIT and SeqEASE together: each one's scores standardised per history over the
    items not in it (z-scores), then z(SLIT) + weight * z(SeqEASE). On ml-100k's temporal
    protocol this is the strongest model we have (docs/research/sequential-models.md).

    >>> data = Interactions.from_ids(["u"] * 3 + ["v"] * 3, list("abcabc"), times=[1, 2, 3] * 2)
    >>> model = SeqBlend(slit_l2=1.0, ease_l2=1.0).fit(data)
    >>> model.recommend(Histories.from_sequences([[1]]), n=1)[0].items
    ('c',)
    """

    name = "seq_blend"

    def __init__(
        self,
        *,
        weight: float = 0.5,
        slit_l2: float = 3000.0,
        slit_tau_in: float = 20.0,
        slit_tau_out: float = 2.0,
        slit_tau: float = 20.0,
        ease_l2: float = 1000.0,
        ease_kernel_width: float = 50.0,
        ease_tau: float = 5.0,
        max_items: int = 20_000,
    ) -> None:
        self.weight = weight
        self.slit_l2 = slit_l2
        self.slit_tau_in = slit_tau_in
        self.slit_tau_out = slit_tau_out
        self.slit_tau = slit_tau
        self.ease_l2 = ease_l2
        self.ease_kernel_width = ease_kernel_width
        self.ease_tau = ease_tau
        self.max_items = max_items

    def get_params(self) -> dict[str, Any]:
        names = (
            "weight", "slit_l2", "slit_tau_in", "slit_tau_out", "slit_tau", "ease_l2",
            "ease_kernel_width", "ease_tau", "max_items",
        )  # fmt: skip
        return {name: getattr(self, name) for name in names}

    def _parts(self) -> tuple[SLIT, SeqEASE]:
        slit = SLIT(
            l2=self.slit_l2,
            tau_in=self.slit_tau_in,
            tau_out=self.slit_tau_out,
            tau=self.slit_tau,
            max_items=self.max_items,
        )
        ease = SeqEASE(
            l2=self.ease_l2,
            kernel_width=self.ease_kernel_width,
            tau=self.ease_tau,
            max_items=self.max_items,
        )
        return slit, ease

    def _fit(self, data: Interactions) -> None:
        if self.weight < 0:
            raise InvalidInput("weight", f"must be 0 or more, not {self.weight}")
        slit, ease = self._parts()
        self.slit_, self.ease_ = slit.fit(data), ease.fit(data)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        seen = histories.matrix(n_items=self.n_items).toarray() > 0
        return _standardised(self.slit_.score(histories), seen) + self.weight * _standardised(
            self.ease_.score(histories), seen
        )

    def _state(self) -> Arrays:
        return {"slit": self.slit_.weights_, "ease": self.ease_.weights_}

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.slit_, self.ease_ = self._parts()
        for part, key in ((self.slit_, "slit"), (self.ease_, "ease")):
            part.items_, part.fitted_at_ = self.items_, self.fitted_at_
            part.weights_ = state[key]


def _standardised(scores: FloatArray, seen: npt.NDArray[np.bool_]) -> FloatArray:
    """Per row, (score - mean) / std over the items not seen (std 0 counts as 1)."""
    unseen = ~seen
    count = np.maximum(unseen.sum(axis=1, keepdims=True), 1)
    mean = np.where(unseen, scores, 0.0).sum(axis=1, keepdims=True) / count
    spread = np.where(unseen, (scores - mean) ** 2, 0.0).sum(axis=1, keepdims=True) / count
    std = np.sqrt(spread)
    std[std == 0] = 1.0
    return np.asarray((scores - mean) / std, dtype=np.float64)


__all__ = ["SLIT", "SeqBlend", "SeqEASE", "recency_matrix"]
