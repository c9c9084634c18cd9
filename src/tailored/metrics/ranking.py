"""Ranking metrics on lists, as in the "Offline evaluation protocol" of DESIGN.md.

They compare recommended lists with sets of relevant items, nothing else: `hits` turns
both into a boolean matrix (users x ranks) and each metric reads it.

>>> recommended = np.array([[3, 1, 2], [0, 4, 5]])
>>> relevant = [{1, 9}, {7}]
>>> h = hits(recommended, relevant)
>>> h.tolist()
[[False, True, False], [False, False, False]]
>>> round(float(ndcg(h, relevant, k=3)[0]), 4)  # (1/log2(3)) / (1 + 1/log2(3))
0.3869
>>> recall(h, relevant, k=3).tolist(), hit_rate(h, k=3).tolist()
([0.5, 0.0], [1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def top_n(scores: FloatArray, n: int) -> npt.NDArray[np.int64]:
    """Column indices of the `n` highest scores per row, best first (-inf never wins
    over a finite score; ties go to the lower index)."""
    n = min(n, scores.shape[1])
    if n == 0:
        return np.zeros((scores.shape[0], 0), dtype=np.int64)
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    picked = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -picked), axis=1)
    return np.take_along_axis(part, order, axis=1).astype(np.int64)


def hits(recommended: npt.NDArray[np.integer], relevant: Sequence[Collection[int]]) -> BoolArray:
    """hits[u, r]: the item at rank r of user u's list is relevant to u."""
    return np.array(
        [[int(i) in rel for i in row] for row, rel in zip(recommended, relevant, strict=True)],
        dtype=bool,
    ).reshape(recommended.shape)


def ndcg(h: BoolArray, relevant: Sequence[Collection[int]], *, k: int) -> FloatArray:
    """Binary gains, log2 discount, ideal DCG over min(|relevant|, k) positions."""
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (h[:, :k] * discount[: h[:, :k].shape[1]]).sum(axis=1)
    ideal_len = np.minimum([len(r) for r in relevant], k)
    ideal = np.concatenate(([0.0], np.cumsum(discount)))[ideal_len]
    return np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0)


def recall(h: BoolArray, relevant: Sequence[Collection[int]], *, k: int) -> FloatArray:
    """Hits in the top k over min(|relevant|, k)."""
    denominator = np.minimum([len(r) for r in relevant], k).astype(np.float64)
    found = h[:, :k].sum(axis=1).astype(np.float64)
    return np.divide(found, denominator, out=np.zeros_like(found), where=denominator > 0)


def hit_rate(h: BoolArray, *, k: int) -> FloatArray:
    """1 where the top k holds at least one relevant item."""
    return np.asarray(h[:, :k].any(axis=1), dtype=np.float64)


def coverage(recommended: npt.NDArray[np.integer], *, k: int, n_candidates: int) -> float:
    """Share of the candidate items that appear in anyone's top k."""
    if n_candidates == 0:
        return 0.0
    return len(np.unique(recommended[:, :k])) / n_candidates


__all__ = ["coverage", "hit_rate", "hits", "ndcg", "recall", "top_n"]
