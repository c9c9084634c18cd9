"""Item-based k nearest neighbours: cosine similarity with shrinkage ("similar items")."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.neighborhood import Neighborhood
from tailored.models.sparse import keep_top_per_row

BLOCK_VALUES = 1 << 24
"""Item pairs a block may hold while fitting (at most, when every pair overlaps)."""


class ItemKNN(Neighborhood):
    """sim(i, j) = x_i . x_j / (|x_i| |x_j| + shrinkage) over the users' interaction
    vectors, keeping each item's `neighbors` most similar items. A history scores item j
    by the summed similarity of its items to j.

    >>> data = Interactions.from_ids(["u1", "u1", "u2", "u2", "u3"], list("abab") + ["c"])
    >>> ItemKNN(neighbors=5, shrinkage=0).fit(data).similar_items(["a"], n=1)[0].items
    ('b',)
    """

    name = "item_knn"

    def __init__(self, *, neighbors: int = 100, shrinkage: float = 10.0) -> None:
        self.neighbors = neighbors
        self.shrinkage = shrinkage

    def get_params(self) -> dict[str, Any]:
        return {"neighbors": self.neighbors, "shrinkage": self.shrinkage}

    def _fit(self, data: Interactions) -> None:
        if self.neighbors < 1:
            raise InvalidInput("neighbors", f"must be 1 or more, not {self.neighbors}")
        if self.shrinkage < 0:
            raise InvalidInput("shrinkage", f"must be 0 or more, not {self.shrinkage}")
        self.similarity_ = cosine_neighbors(
            data.matrix(), neighbors=self.neighbors, shrinkage=self.shrinkage
        )


def cosine_neighbors(
    ratings: sp.csr_matrix,
    *,
    neighbors: int,
    shrinkage: float,
    block_items: int | None = None,
) -> sp.csr_matrix:
    """Items x items: each item's `neighbors` most similar other items (ties keep lower
    columns) under cosine with shrinkage over who interacted (users x items `ratings`).

    The item x item product is never held whole: it is computed for `block_items` items
    at a time (by default as many as `BLOCK_VALUES` allows), normalised and cut to each
    row's top `neighbors` at once, so memory is one block plus the kept neighbours.

    >>> ratings = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]]))
    >>> cosine_neighbors(ratings, neighbors=1, shrinkage=0).toarray().round(3).tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.0, 0.0]]
    """
    x = ratings.tocsr().astype(np.float64)
    x.data = np.ones_like(x.data)  # who interacted, not how much
    by_item = x.T.tocsr()
    n_items = x.shape[1]
    norms = np.sqrt(np.diff(by_item.indptr).astype(np.float64))
    step = block_items or max(1, BLOCK_VALUES // max(n_items, 1))
    blocks = [sp.csr_matrix((0, n_items))]
    for start in range(0, n_items, step):
        overlap = (by_item[start : start + step] @ x).tocsr()
        rows = start + np.repeat(np.arange(overlap.shape[0]), np.diff(overlap.indptr))
        overlap.data /= norms[rows] * norms[overlap.indices] + shrinkage
        overlap.data[overlap.indices == rows] = 0.0  # never itself
        overlap.eliminate_zeros()
        blocks.append(keep_top_per_row(overlap, neighbors))
    return sp.vstack(blocks, format="csr")


__all__ = ["ItemKNN", "cosine_neighbors"]
