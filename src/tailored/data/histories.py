"""Users' interactions as time-ordered sequences: what models score a user from.

A history is the input at request time too, so serving can score a user's *current*
history (an event a second old included) without retraining.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Histories:
    """Ragged rows: row r holds items[indptr[r]:indptr[r+1]] in (time, item) order.

    >>> h = Histories.from_sequences([[2, 0], [], [1]])
    >>> len(h), h.row(0).tolist(), h.row(1).tolist()
    (3, [2, 0], [])
    >>> h.matrix(n_items=3).toarray().tolist()
    [[1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """

    indptr: IntArray
    items: IntArray
    times: FloatArray
    weights: FloatArray

    @classmethod
    def from_columns(
        cls,
        row: IntArray,
        item: IntArray,
        time: FloatArray,
        weight: FloatArray,
        *,
        n_rows: int,
    ) -> Histories:
        order = np.lexsort((item, time, row))
        counts = np.bincount(row, minlength=n_rows)
        indptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return cls(indptr, item[order].astype(np.int64), time[order], weight[order])

    @classmethod
    def from_sequences(
        cls,
        sequences: Sequence[Sequence[int]],
        *,
        times: Sequence[Sequence[float]] | None = None,
        weights: Sequence[Sequence[float]] | None = None,
    ) -> Histories:
        """Rows given in order (oldest first); times default to 0, 1, 2, ..."""
        lengths = [len(s) for s in sequences]
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        items = np.fromiter((i for s in sequences for i in s), dtype=np.int64, count=indptr[-1])
        if times is None:
            ranks = [np.arange(n, dtype=np.float64) for n in lengths]
            time = np.concatenate(ranks) if ranks else np.zeros(0)
        else:
            time = np.fromiter((t for s in times for t in s), dtype=np.float64)
        if weights is None:
            weight = np.ones(len(items))
        else:
            weight = np.fromiter((w for s in weights for w in s), dtype=np.float64)
        return cls(indptr, items, time.astype(np.float64), weight)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def row(self, r: int) -> IntArray:
        return self.items[self.indptr[r] : self.indptr[r + 1]]

    def row_times(self, r: int) -> FloatArray:
        return self.times[self.indptr[r] : self.indptr[r + 1]]

    def row_weights(self, r: int) -> FloatArray:
        return self.weights[self.indptr[r] : self.indptr[r + 1]]

    def lengths(self) -> IntArray:
        return np.diff(self.indptr)

    def take(self, rows: Sequence[int] | IntArray) -> Histories:
        """These rows, in this order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        pieces = [np.arange(s, e) for s, e in zip(starts, ends, strict=True)]
        picked = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int64)
        indptr = np.concatenate(([0], np.cumsum(ends - starts))).astype(np.int64)
        return Histories(indptr, self.items[picked], self.times[picked], self.weights[picked])

    def matrix(self, *, n_items: int, weights: FloatArray | None = None) -> sp.csr_matrix:
        """Rows x items; repeated items in a row add up. `weights` replaces the stored
        per-interaction weights (e.g. recency-weighted ones)."""
        data = self.weights if weights is None else weights
        known = (self.items >= 0) & (self.items < n_items)
        if known.all():
            matrix = sp.csr_matrix((data, self.items, self.indptr), shape=(len(self), n_items))
        else:
            rows = np.repeat(np.arange(len(self)), self.lengths())[known]
            matrix = sp.csr_matrix(
                (data[known], (rows, self.items[known])), shape=(len(self), n_items)
            )
        matrix.sum_duplicates()
        return matrix

    def hide_seen(self, scores: FloatArray) -> None:
        """Set -inf in `scores` (rows x items, aligned with these rows) for every item a
        row's history holds, so ranking never offers it again."""
        rows = np.repeat(np.arange(len(self)), self.lengths())
        known = (self.items >= 0) & (self.items < scores.shape[1])
        scores[rows[known], self.items[known]] = -np.inf

    def positions_from_end(self) -> IntArray:
        """0 for each row's latest interaction, 1 for the one before, and so on."""
        ends = np.repeat(self.indptr[1:], self.lengths())
        return ends - np.arange(len(self.items)) - 1


__all__ = ["Histories"]
