"""The batched iALS solvers against a plain per-row solve."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp

from tailored.models import least_squares
from tailored.models.least_squares import solve_cg, solve_exact


def problem(seed: int = 0, k: int = 5) -> tuple[sp.csr_matrix, np.ndarray]:
    """Rows of very different lengths (some empty), weighted ratings, random factors."""
    rng = np.random.default_rng(seed)
    ratings = sp.random(40, 30, density=0.2, random_state=seed, format="lil")
    ratings[3, :] = 0.0
    ratings[7, :] = 1.0  # one row holds every item
    ratings = ratings.tocsr()
    ratings.eliminate_zeros()
    ratings.data = rng.integers(1, 4, ratings.nnz).astype(np.float64)
    return ratings, rng.normal(0, 0.5, (30, k))


def row_by_row(ratings: sp.csr_matrix, fixed: np.ndarray, *, l2: float, alpha: float) -> np.ndarray:
    """(Y'Y + Y_u' (C_u - I) Y_u + l2 I) x_u = Y_u' C_u 1, one scipy solve per row."""
    k = fixed.shape[1]
    solved = np.zeros((ratings.shape[0], k))
    for u in range(ratings.shape[0]):
        row = ratings[u]
        if row.nnz == 0:
            continue
        y, confidence = fixed[row.indices], alpha * row.data
        a = fixed.T @ fixed + (y.T * confidence) @ y + l2 * np.eye(k)
        solved[u] = scipy.linalg.solve(a, y.T @ (1.0 + confidence), assume_a="pos")
    return solved


@pytest.mark.parametrize("batch_values", [1, 64, 1 << 22])
def test_exact_equals_one_solve_per_row(batch_values: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(least_squares, "BATCH_VALUES", batch_values)
    ratings, fixed = problem()
    solved = solve_exact(ratings, fixed, l2=0.5, alpha=3.0)
    np.testing.assert_allclose(solved, row_by_row(ratings, fixed, l2=0.5, alpha=3.0), atol=1e-10)
    assert (solved[3] == 0).all()


def test_exact_uses_a_given_gram() -> None:
    ratings, fixed = problem(1)
    gram = fixed.T @ fixed
    np.testing.assert_allclose(
        solve_exact(ratings, fixed, l2=1.0, alpha=2.0, gram=gram),
        solve_exact(ratings, fixed, l2=1.0, alpha=2.0),
    )


@pytest.mark.parametrize("batch_values", [1, 64, 1 << 22])
def test_cg_with_k_steps_is_exact(batch_values: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(least_squares, "BATCH_VALUES", batch_values)
    ratings, fixed = problem(2, k=4)
    start = np.random.default_rng(3).normal(size=(40, 4))
    solved = solve_cg(ratings, fixed, start, l2=0.5, alpha=3.0, steps=8)
    np.testing.assert_allclose(solved, row_by_row(ratings, fixed, l2=0.5, alpha=3.0), atol=1e-8)
    assert (solved[3] == 0).all()


def test_cg_steps_approach_the_answer_and_stay_there() -> None:
    ratings, fixed = problem(4, k=8)
    exact = row_by_row(ratings, fixed, l2=0.1, alpha=10.0)
    start = np.zeros((40, 8))
    errors = [
        np.abs(solve_cg(ratings, fixed, start, l2=0.1, alpha=10.0, steps=s) - exact).max()
        for s in (1, 3, 6)
    ]
    assert errors[0] > errors[1] > errors[2]
    again = solve_cg(ratings, fixed, exact, l2=0.1, alpha=10.0, steps=3)
    np.testing.assert_allclose(again, exact, atol=1e-9)


def test_cg_works_in_the_dtype_of_the_factors() -> None:
    ratings, fixed = problem(5)
    fixed32 = fixed.astype(np.float32)
    start = np.zeros((40, 5), dtype=np.float32)
    solved = solve_cg(ratings, fixed32, start, l2=0.5, alpha=3.0, steps=5)
    assert solved.dtype == np.float32
    exact = row_by_row(ratings, fixed, l2=0.5, alpha=3.0)
    np.testing.assert_allclose(solved, exact, rtol=1e-3, atol=1e-3)
