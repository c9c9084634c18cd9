"""Implicit-feedback matrix factorization by alternating least squares (Hu, Koren and
Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender


class IALS(Recommender):
    """Users and items as `factors`-dimensional vectors; an interaction of weight w is
    a preference of 1 with confidence 1 + alpha * w, everything else a 0 with
    confidence 1. A history is folded in (one least-squares solve against the item
    factors), so users need no stored vector and new events count at once.

    >>> users = ["u1", "u1", "u2", "u2", "u3", "u3"]
    >>> data = Interactions.from_ids(users, list("ababcd"))
    >>> model = IALS(factors=4, iterations=10, seed=1).fit(data)
    >>> model.recommend(Histories.from_sequences([[0]]), n=1)[0].items
    ('b',)
    """

    name = "ials"

    def __init__(
        self,
        *,
        factors: int = 64,
        l2: float = 0.1,
        alpha: float = 10.0,
        iterations: int = 15,
        seed: int = 0,
    ) -> None:
        self.factors = factors
        self.l2 = l2
        self.alpha = alpha
        self.iterations = iterations
        self.seed = seed

    def get_params(self) -> dict[str, Any]:
        return {
            "factors": self.factors,
            "l2": self.l2,
            "alpha": self.alpha,
            "iterations": self.iterations,
            "seed": self.seed,
        }

    def _fit(self, data: Interactions) -> None:
        for name in ("factors", "iterations"):
            if getattr(self, name) < 1:
                raise InvalidInput(name, f"must be 1 or more, not {getattr(self, name)}")
        for name in ("l2", "alpha"):
            if getattr(self, name) <= 0:
                raise InvalidInput(name, f"must be positive, not {getattr(self, name)}")
        ratings = data.matrix()
        by_item = ratings.T.tocsr()
        rng = np.random.default_rng(self.seed)
        users = rng.normal(0, 0.01, (ratings.shape[0], self.factors))
        items = rng.normal(0, 0.01, (ratings.shape[1], self.factors))
        for _ in range(self.iterations):
            users = _solve_rows(ratings, items, l2=self.l2, alpha=self.alpha)
            items = _solve_rows(by_item, users, l2=self.l2, alpha=self.alpha)
        self.item_factors_ = items
        self._gram = items.T @ items

    def user_factors(self, histories: Histories) -> FloatArray:
        """Fold in: each history's vector against the fixed item factors."""
        self._check_fitted()
        h = histories.matrix(n_items=self.n_items)
        return _solve_rows(h, self.item_factors_, l2=self.l2, alpha=self.alpha, gram=self._gram)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        return self.user_factors(histories) @ self.item_factors_.T

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        norms = np.linalg.norm(self.item_factors_, axis=1)
        norms[norms == 0] = 1.0
        unit = self.item_factors_ / norms[:, None]
        return unit[items] @ unit.T

    def _state(self) -> Arrays:
        return {"item_factors": self.item_factors_}

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.item_factors_ = state["item_factors"]
        self._gram = self.item_factors_.T @ self.item_factors_


def _solve_rows(
    ratings: sp.csr_matrix,
    fixed: FloatArray,
    *,
    l2: float,
    alpha: float,
    gram: FloatArray | None = None,
) -> FloatArray:
    """For each row u: (Y'Y + Y_u' (C_u - I) Y_u + l2 I) x_u = Y_u' C_u 1."""
    k = fixed.shape[1]
    base = (fixed.T @ fixed if gram is None else gram) + l2 * np.eye(k)
    solved = np.zeros((ratings.shape[0], k))
    indptr, indices, data = ratings.indptr, ratings.indices, ratings.data
    for u in range(ratings.shape[0]):
        start, end = indptr[u], indptr[u + 1]
        if start == end:
            continue
        y = fixed[indices[start:end]]
        confidence = alpha * data[start:end]
        a = base + (y.T * confidence) @ y
        b = y.T @ (1.0 + confidence)
        solved[u] = scipy.linalg.solve(a, b, assume_a="pos", check_finite=False)
    return solved


__all__ = ["IALS"]
