"""Models that learn one sparse item x item similarity matrix and serve from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.models.base import Arrays, FloatArray, Recommender
from tailored.models.sparse import row_entries, sparse_from_state, sparse_state


class Neighborhood(Recommender):
    """Scores a history by the summed similarity of its items (`similarity_`, items x
    items, each row holding an item's kept neighbours): item_knn, content and their
    blend. Only neighbours are candidates, which keeps serving a large catalog cheap."""

    similarity_: sp.csr_matrix

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        h = histories.matrix(n_items=self.n_items)
        return np.asarray((h @ self.similarity_).toarray(), dtype=np.float64)

    def candidates(
        self, history: Histories, *, now: float | None = None
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        self._check_fitted()
        product = (history.matrix(n_items=self.n_items) @ self.similarity_).tocsr()
        return row_entries(product, 0)

    def related(self, item: int) -> tuple[npt.NDArray[np.int64], FloatArray]:
        self._check_fitted()
        return row_entries(self.similarity_, item)

    def attribute(
        self,
        history: Histories,
        items: npt.NDArray[np.int64],
        *,
        positions: npt.NDArray[np.int64] | None = None,
        now: float | None = None,
    ) -> FloatArray:
        # Scores are a weighted sum of similarity rows: leaving an interaction out takes
        # away exactly its weight times its row, so no rescoring is needed.
        self._check_one_row(history)
        chosen = np.arange(len(history.items)) if positions is None else positions
        rows = self.similarity_[history.items[chosen]][:, items]
        return np.asarray(history.weights[chosen][:, None] * rows.toarray(), dtype=np.float64)

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        return np.asarray(self.similarity_[items].toarray(), dtype=np.float64)

    def _state(self) -> Arrays:
        return sparse_state(self.similarity_, "similarity")

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.similarity_ = sparse_from_state(state, "similarity")


__all__ = ["Neighborhood"]
