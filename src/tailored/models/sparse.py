"""Sparse-matrix helpers the models share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp


def keep_top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest values of each row (a sparse top-k; ties keep lower columns).

    >>> m = sp.csr_matrix(np.array([[0.1, 0.5, 0.3], [0.0, 0.2, 0.0]]))
    >>> keep_top_per_row(m, 1).toarray().tolist()
    [[0.0, 0.5, 0.0], [0.0, 0.2, 0.0]]
    """
    matrix = matrix.tocsr()
    matrix.sort_indices()
    lengths = np.diff(matrix.indptr)
    if lengths.max(initial=0) <= k:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    # Within each row, order by value descending (then column); keep the first k.
    order = np.lexsort((matrix.indices, -matrix.data, rows))
    rank = np.arange(len(order)) - np.repeat(matrix.indptr[:-1], lengths)
    keep = order[rank < k]
    kept = sp.csr_matrix(
        (matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape
    )
    kept.sort_indices()
    return kept


def sparse_state(matrix: sp.csr_matrix, name: str) -> dict[str, npt.NDArray[Any]]:
    matrix = matrix.tocsr()
    return {
        f"{name}.data": matrix.data,
        f"{name}.indices": matrix.indices,
        f"{name}.indptr": matrix.indptr,
        f"{name}.shape": np.array(matrix.shape),
    }


def sparse_from_state(state: Mapping[str, npt.NDArray[Any]], name: str) -> sp.csr_matrix:
    shape = tuple(int(n) for n in state[f"{name}.shape"])
    return sp.csr_matrix(
        (state[f"{name}.data"], state[f"{name}.indices"], state[f"{name}.indptr"]), shape=shape
    )


__all__ = ["keep_top_per_row", "sparse_from_state", "sparse_state"]
