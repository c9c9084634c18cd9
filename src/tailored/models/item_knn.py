"""Item-based k nearest neighbours: cosine similarity with shrinkage ("similar items")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender
from tailored.models.sparse import keep_top_per_row, sparse_from_state, sparse_state


class ItemKNN(Recommender):
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
        x = data.matrix().tocsc()
        x.data = np.ones_like(x.data)  # who interacted, not how much
        overlap = (x.T @ x).tocsr().astype(np.float64)
        norms = np.sqrt(overlap.diagonal())
        overlap.setdiag(0.0)
        overlap.eliminate_zeros()
        rows = np.repeat(np.arange(overlap.shape[0]), np.diff(overlap.indptr))
        overlap.data /= norms[rows] * norms[overlap.indices] + self.shrinkage
        self.similarity_ = keep_top_per_row(overlap, self.neighbors)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        h = histories.matrix(n_items=self.n_items)
        return np.asarray((h @ self.similarity_).toarray(), dtype=np.float64)

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        return np.asarray(self.similarity_[items].toarray(), dtype=np.float64)

    def _state(self) -> Arrays:
        return sparse_state(self.similarity_, "similarity")

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.similarity_ = sparse_from_state(state, "similarity")


__all__ = ["ItemKNN"]
