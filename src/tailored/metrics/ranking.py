"""Ranking metrics on lists, as in the "Offline evaluation protocol" of DESIGN.md.

They compare recommended lists with sets of relevant items, nothing else: `hits` turns
both into a boolean matrix (users x ranks) and each metric reads it. A list holds only
items with a finite score (`recommendation_lists`); where fewer can be ranked than the
list is long, its tail is `NO_ITEM`, which is never a hit and never covered.

>>> recommended = np.array([[3, 1, 2], [0, 4, NO_ITEM]])
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

from tailored.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NO_ITEM = -1
"""The filler of a recommendation list's tail where too few items have a finite score."""


def top_n(scores: FloatArray, n: int) -> npt.NDArray[np.int64]:
    """Column indices of the `n` highest scores per row, best first (-inf never wins
    over a finite score; ties go to the lower index). Where a row has fewer than `n`
    finite scores its tail holds -inf (or NaN) columns: serving drops them itself, and
    evaluation uses `recommendation_lists`."""
    n = min(n, scores.shape[1])
    if n == 0:
        return np.zeros((scores.shape[0], 0), dtype=np.int64)
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    picked = np.take_along_axis(scores, part, axis=1)
    order = np.lexsort((part, -picked), axis=1)
    return np.take_along_axis(part, order, axis=1).astype(np.int64)


def recommendation_lists(scores: FloatArray, n: int) -> npt.NDArray[np.int64]:
    """Each row's list: the columns of its `n` highest finite scores, best first, then
    `NO_ITEM` for as many places as fewer items could be ranked (-inf marks an item that
    is not a candidate or was seen already; NaN one the model cannot score).

    >>> recommendation_lists(np.array([[0.5, -np.inf, 2.0], [-np.inf, -np.inf, 1.0]]), 3)
    array([[ 2,  0, -1],
           [ 2, -1, -1]])
    """
    best = top_n(scores, n)
    best[~np.isfinite(np.take_along_axis(scores, best, axis=1))] = NO_ITEM
    return best


def hits(recommended: npt.NDArray[np.integer], relevant: Sequence[Collection[int]]) -> BoolArray:
    """hits[u, r]: the item at rank r of user u's list is relevant to u (`NO_ITEM`
    never is)."""
    return np.array(
        [
            [int(i) != NO_ITEM and int(i) in rel for i in row]
            for row, rel in zip(recommended, relevant, strict=True)
        ],
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
    """Share of the `n_candidates` items that appear in someone's top k (at most 1: the
    lists hold candidates only, and `NO_ITEM` is not an item).

    >>> coverage(np.array([[0, 1], [1, NO_ITEM]]), k=2, n_candidates=4)
    0.5
    """
    shown = np.unique(recommended[:, :k])
    distinct = int(np.count_nonzero(shown != NO_ITEM))
    if distinct > n_candidates:
        raise InvalidInput(
            "recommended",
            f"holds {distinct} distinct items, more than the {n_candidates} candidates: "
            "lists must hold candidates only (use recommendation_lists)",
        )
    return distinct / n_candidates if n_candidates else 0.0


__all__ = [
    "NO_ITEM",
    "coverage",
    "hit_rate",
    "hits",
    "ndcg",
    "recall",
    "recommendation_lists",
    "top_n",
]
