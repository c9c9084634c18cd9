"""Implicit-feedback matrix factorization by alternating least squares (Hu, Koren and
Volinsky, "Collaborative Filtering for Implicit Feedback Datasets", ICDM 2008)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender
from tailored.models.least_squares import solve_cg, solve_exact

CG_STEPS = 3
"""Conjugate-gradient steps per row and iteration, each from the previous answer."""


class IALS(Recommender):
    """Users and items as `factors`-dimensional vectors; an interaction of weight w is
    a preference of 1 with confidence 1 + alpha * w, everything else a 0 with
    confidence 1. Training alternates users and items, each row moved by a few
    conjugate-gradient steps from where the last iteration left it; a history is
    folded in exactly (one least-squares solve against the item factors), so users
    need no stored vector and new events count at once.

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
        # float32 while training: half the memory traffic, and CG needs no more.
        users = rng.normal(0, 0.01, (ratings.shape[0], self.factors)).astype(np.float32)
        items = rng.normal(0, 0.01, (ratings.shape[1], self.factors)).astype(np.float32)
        l2, alpha = self.l2, self.alpha
        for _ in range(self.iterations):
            users = solve_cg(ratings, items, users, l2=l2, alpha=alpha, steps=CG_STEPS)
            items = solve_cg(by_item, users, items, l2=l2, alpha=alpha, steps=CG_STEPS)
        self._set_factors(items.astype(np.float64))

    def _set_factors(self, factors: FloatArray) -> None:
        """The learned factors and what serving derives from them once."""
        self.item_factors_ = factors
        self._gram = factors.T @ factors  # for fold-in
        norms = np.linalg.norm(factors, axis=1)
        norms[norms == 0] = 1.0
        self._unit = factors / norms[:, None]  # for cosine similar items

    def user_factors(self, histories: Histories) -> FloatArray:
        """Fold in: each history's vector against the fixed item factors."""
        self._check_fitted()
        h = histories.matrix(n_items=self.n_items)
        return solve_exact(h, self.item_factors_, l2=self.l2, alpha=self.alpha, gram=self._gram)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        return self.user_factors(histories) @ self.item_factors_.T

    def score_items(
        self, histories: Histories, items: npt.NDArray[np.int64], *, now: float | None = None
    ) -> FloatArray:
        return self.user_factors(histories) @ self.item_factors_[items].T

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        return np.asarray(self._unit[items] @ self._unit.T)

    def _state(self) -> Arrays:
        return {"item_factors": self.item_factors_}

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self._set_factors(state["item_factors"])


__all__ = ["IALS"]
