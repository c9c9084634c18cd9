"""What the sequence-aware models share: histories weighted by recency,
exp(-position_from_end / tau), so the latest item counts 1 and older ones fade, and the
pairs and windows of positions within one history. See docs/research/sequential-models.md.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.models.base import FloatArray


def recency_matrix(histories: Histories, *, n_items: int, tau: float) -> sp.csr_matrix:
    """Rows x items, exp(-position_from_end / tau) per interaction (repeats add up)."""
    weights = np.exp(-histories.positions_from_end() / tau)
    return histories.matrix(n_items=n_items, weights=weights)


def offset_pairs(
    histories: Histories, offset: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Global positions (a, a + offset) that lie in the same history."""
    ends = np.repeat(histories.indptr[1:], histories.lengths())
    a = np.flatnonzero(np.arange(len(histories.items)) + offset < ends)
    return a, a + offset


def windows(
    histories: Histories, row_of: npt.NDArray[np.int64], width: int, tau: float, *, before: bool
) -> tuple[FloatArray, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    """(values, (rows, items)) for every cut c (a position with row_of[c] >= 0): the items
    at c - 1 - d (`before`) or at c + d (after) for d < width, weighted exp(-d / tau)."""
    values, rows, items = [], [], []
    for d in range(width):
        if before:  # the item at p = c - 1 - d, i.e. pairs (p, c) at offset d + 1
            p, c = offset_pairs(histories, d + 1)
        else:  # the item at q = c + d, i.e. pairs (c, q) at offset d
            c, p = offset_pairs(histories, d)
        keep = row_of[c] >= 0
        rows.append(row_of[c[keep]])
        items.append(histories.items[p[keep]])
        values.append(np.full(int(keep.sum()), math.exp(-d / tau)))
    return np.concatenate(values), (np.concatenate(rows), np.concatenate(items))


__all__ = ["offset_pairs", "recency_matrix", "windows"]
