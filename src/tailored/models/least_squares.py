"""The per-row least squares of implicit ALS, solved for many rows at once.

Row u of `ratings` (weights w_u over its items) asks for the x_u that minimises

    sum_i c_ui (p_ui - x_u . y_i)^2 + l2 |x_u|^2,

with p_ui = 1 and c_ui = 1 + alpha w_ui on the row's items, p_ui = 0 and c_ui = 1
elsewhere (Hu, Koren and Volinsky, 2008). Its normal equations are

    (Y'Y + Y_u' diag(alpha w_u) Y_u + l2 I) x_u = Y_u' (1 + alpha w_u).

Rows are taken in batches of similar length; a batch's item factors are gathered into
one padded (rows x longest x k) array, the padding weighted zero, so every step is a
stacked numpy product.
`solve_exact` builds and solves each row's k x k system; `solve_cg` takes a few
conjugate-gradient steps from a starting point instead (Takács, Pilászy and Tikk,
"Applications of the conjugate gradient method for implicit feedback collaborative
filtering", RecSys 2011), which costs time linear in the ratings rather than in k^2.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

Array = npt.NDArray[np.floating[Any]]

BATCH_VALUES = 1 << 20
"""Gathered factor values per batch (8 MB in float64: a few passes stay in cache)."""


def solve_exact(
    ratings: sp.csr_matrix,
    fixed: Array,
    *,
    l2: float,
    alpha: float,
    gram: Array | None = None,
) -> npt.NDArray[np.float64]:
    """Each row's exact solution against the `fixed` factors (`gram` = Y'Y, if known);
    a row without ratings gets zeros.

    >>> ratings = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]]))
    >>> solve_exact(ratings, np.eye(2), l2=1.0, alpha=1.0).tolist()
    [[0.6666666666666666, 0.0], [0.0, 0.0]]
    """
    fixed = np.asarray(fixed, dtype=np.float64)
    k = fixed.shape[1]
    base = (fixed.T @ fixed if gram is None else gram) + l2 * np.eye(k)
    solved = np.zeros((ratings.shape[0], k))
    for rows, factors, extra, target in _batches(ratings, fixed, alpha):
        transposed = factors.transpose(0, 2, 1)
        a = base + (transposed * extra[:, None, :]) @ factors
        b = transposed @ target[:, :, None]
        solved[rows] = np.linalg.solve(a, b)[:, :, 0]
    return solved


def solve_cg(
    ratings: sp.csr_matrix,
    fixed: Array,
    start: Array,
    *,
    l2: float,
    alpha: float,
    steps: int,
) -> Array:
    """`steps` conjugate-gradient steps on each row's system from its row of `start`
    (in the dtype of `fixed`); a row without ratings gets zeros. With `start` the
    previous iteration's answer, three steps are about as good as an exact solve; with
    k steps it is exact, up to rounding.

    >>> ratings = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]]))
    >>> start = np.ones((2, 2))
    >>> solve_cg(ratings, np.eye(2), start, l2=1.0, alpha=1.0, steps=2).round(6).tolist()
    [[0.666667, 0.0], [0.0, 0.0]]
    """
    k = fixed.shape[1]
    base = fixed.T @ fixed + l2 * np.eye(k, dtype=fixed.dtype)
    solved = np.zeros((ratings.shape[0], k), dtype=fixed.dtype)
    for rows, factors, extra, target in _batches(ratings, fixed, alpha):

        def times_a(v: Array, factors: Array = factors, extra: Array = extra) -> Array:
            projected = (factors @ v[:, :, None])[:, :, 0] * extra
            return v @ base + (projected[:, None, :] @ factors)[:, 0, :]

        x = start[rows].astype(fixed.dtype)
        residual = (target[:, None, :] @ factors)[:, 0, :] - times_a(x)
        direction = residual.copy()
        norm = np.einsum("bk,bk->b", residual, residual)
        for _ in range(steps):
            along = times_a(direction)
            length = _ratio(norm, np.einsum("bk,bk->b", direction, along))
            x += length[:, None] * direction
            residual -= length[:, None] * along
            new_norm = np.einsum("bk,bk->b", residual, residual)
            direction = residual + _ratio(new_norm, norm)[:, None] * direction
            norm = new_norm
        solved[rows] = x
    return solved


def _ratio(top: Array, bottom: Array) -> Array:
    """top / bottom, 0 where bottom is 0 (a row already solved)."""
    return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)


class _Batch(NamedTuple):
    """Rows of similar length, padded to the longest: entry (r, j) is the j-th rating
    of row r, or padding, which has zero extra confidence and zero target."""

    rows: npt.NDArray[np.intp]
    factors: Array  # rows x longest x k: the rated items' fixed factors
    extra: Array  # rows x longest: c - 1 = alpha * weight
    target: Array  # rows x longest: c p = 1 + alpha * weight


def _batches(ratings: sp.csr_matrix, fixed: Array, alpha: float) -> Iterator[_Batch]:
    """The non-empty rows of `ratings`, shortest first, in batches of `BATCH_VALUES`."""
    k = fixed.shape[1]
    lengths = np.diff(ratings.indptr)
    order = np.argsort(lengths, kind="stable")
    order = order[lengths[order] > 0]
    ordered = ratings[order]  # each batch's entries are now one slice, row after row
    ordered_lengths = lengths[order]
    weights = (alpha * ordered.data).astype(fixed.dtype)
    capacity = max(BATCH_VALUES // k, 1)  # padded entries per batch
    start = 0
    while start < len(order):
        stop = min(len(order), start + max(1, capacity // ordered_lengths[start]))
        while stop - start > 1 and ordered_lengths[stop - 1] * (stop - start) > capacity:
            stop = start + max(1, capacity // ordered_lengths[stop - 1])
        inside = np.arange(ordered_lengths[stop - 1]) < ordered_lengths[start:stop, None]
        entries = slice(ordered.indptr[start], ordered.indptr[stop])
        items = np.zeros(inside.shape, dtype=ordered.indices.dtype)  # padding: item 0
        items[inside] = ordered.indices[entries]
        extra = np.zeros(inside.shape, dtype=fixed.dtype)
        extra[inside] = weights[entries]
        yield _Batch(order[start:stop], fixed[items], extra, inside + extra)
        start = stop


__all__ = ["BATCH_VALUES", "solve_cg", "solve_exact"]
