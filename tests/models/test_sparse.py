"""The sparse top-k the neighbourhood models keep."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from tailored.models.sparse import keep_top_per_row


def reference_top(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Row by row: the stored values sorted by value descending, then column."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    kept = sp.lil_matrix(matrix.shape)
    for r in range(matrix.shape[0]):
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        columns, values = matrix.indices[start:end], matrix.data[start:end]
        for n in np.lexsort((columns, -values))[:k]:
            kept[r, columns[n]] = values[n]
    return kept.tocsr()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 5])
def test_keeps_the_k_largest_of_each_row_ties_to_lower_columns(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    matrix = sp.random(12, 30, density=0.4, random_state=seed, format="csr")
    matrix.data = rng.integers(-2, 4, matrix.nnz).astype(np.float64)  # many ties
    matrix.data[matrix.data == 0] = 3.0
    kept = keep_top_per_row(matrix, k)
    expected = reference_top(matrix, k)
    assert (kept != expected).nnz == 0
    assert kept.nnz == expected.nnz
    assert np.diff(kept.indptr).max() <= k


def test_rows_within_k_are_kept_whole_and_the_input_is_unchanged() -> None:
    matrix = sp.csr_matrix(np.array([[0.0, 2.0, 2.0, 2.0, 1.0], [0.0, 0.0, 5.0, 0.0, 0.0]]))
    before = matrix.toarray().copy()
    kept = keep_top_per_row(matrix, 2)
    assert kept.toarray().tolist() == [[0.0, 2.0, 2.0, 0.0, 0.0], [0.0, 0.0, 5.0, 0.0, 0.0]]
    assert (matrix.toarray() == before).all()
