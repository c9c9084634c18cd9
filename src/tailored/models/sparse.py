"""Sparse-matrix helpers the models share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp


def keep_top_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest values of each row (a sparse top-k; ties keep lower columns).

    Linear in the stored values: each long row's k-th largest value is found by
    partition, the values above it are kept and the ties at it fill the remaining
    places from the lowest column up.

    >>> m = sp.csr_matrix(np.array([[0.1, 0.5, 0.3, 0.5], [0.0, 0.2, 0.0, -1.0]]))
    >>> keep_top_per_row(m, 1).toarray().tolist()
    [[0.0, 0.5, 0.0, 0.0], [0.0, 0.2, 0.0, 0.0]]
    >>> keep_top_per_row(m, 2).toarray().tolist()
    [[0.0, 0.5, 0.0, 0.5], [0.0, 0.2, 0.0, -1.0]]
    """
    matrix = matrix.tocsr()
    matrix.sum_duplicates()  # and sorts each row's columns
    indptr, data = matrix.indptr, matrix.data
    lengths = np.diff(indptr)
    if lengths.max(initial=0) <= k:
        return matrix
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    long = lengths > k
    kth = np.zeros(matrix.shape[0], dtype=data.dtype)
    for r in np.flatnonzero(long):
        values = data[indptr[r] : indptr[r + 1]]
        kth[r] = np.partition(values, len(values) - k)[len(values) - k]
    keep = ~long[rows] | (data > kth[rows])
    tied = np.flatnonzero(long[rows] & (data == kth[rows]))  # row-major, columns ascending
    room = k - np.bincount(rows[keep], minlength=matrix.shape[0])
    tied_rows = rows[tied]
    rank = np.arange(len(tied)) - np.searchsorted(tied_rows, tied_rows)
    keep[tied[rank < room[tied_rows]]] = True
    kept_indptr = np.zeros_like(indptr)
    np.cumsum(np.bincount(rows[keep], minlength=matrix.shape[0]), out=kept_indptr[1:])
    return sp.csr_matrix((data[keep], matrix.indices[keep], kept_indptr), shape=matrix.shape)


def row_entries(
    matrix: sp.csr_matrix, row: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """(columns, values) of one row's stored entries that are above 0."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    columns, values = matrix.indices[start:end], matrix.data[start:end]
    keep = values > 0
    return columns[keep].astype(np.int64), values[keep].astype(np.float64)


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


__all__ = ["keep_top_per_row", "row_entries", "sparse_from_state", "sparse_state"]
