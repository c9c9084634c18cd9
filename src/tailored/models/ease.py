"""EASE: a closed-form linear item-item model (Steck, "Embarrassingly Shallow
Autoencoders for Sparse Data", WWW 2019)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.linalg

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender


def ease_weights(gram: FloatArray, l2: float) -> npt.NDArray[np.float32]:
    """The EASE closed form for an item Gram matrix (overwritten to save memory)."""
    gram[np.diag_indices_from(gram)] += l2
    precision = scipy.linalg.inv(gram, overwrite_a=True, check_finite=False)
    weights = precision / -np.diag(precision)
    weights[np.diag_indices_from(weights)] = 0.0
    return weights.astype(np.float32)


class DenseItemWeights(Recommender):
    """Models whose learning is one dense items x items matrix `weights_`: its rows are
    the item similarities, and it is the whole saved state."""

    weights_: npt.NDArray[np.float32]
    max_items: int

    def _check_params(self, *positive: str) -> None:
        """Refuse non-positive `positive` parameters and catalogs over `max_items`."""
        for name in positive:
            value = getattr(self, name)
            if not value > 0:
                raise InvalidInput(name, f"must be positive, not {value}")
        if len(self.items_) > self.max_items:
            raise InvalidInput(
                "max_items",
                f"the catalog has {len(self.items_)} items, {self.name} is limited to "
                f"{self.max_items} (memory grows with its square); raise it or use ials",
            )

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        return np.asarray(self.weights_[items], dtype=np.float64)

    def _state(self) -> Arrays:
        return {"weights": self.weights_}

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.weights_ = state["weights"]


class EASE(DenseItemWeights):
    """B = I - P / diag(P) with P = (X'X + l2 I)^-1: each item predicted from all the
    others, its own weight held at zero. Dense in the number of items, so it refuses
    catalogs beyond `max_items` (use iALS there).

    >>> data = Interactions.from_ids(["u1", "u1", "u2", "u2", "u3"], list("abab") + ["c"])
    >>> EASE(l2=1.0).fit(data).recommend(Histories.from_sequences([[0]]), n=1)[0].items
    ('b',)
    """

    name = "ease"

    def __init__(self, *, l2: float = 500.0, max_items: int = 20_000) -> None:
        self.l2 = l2
        self.max_items = max_items

    def get_params(self) -> dict[str, Any]:
        return {"l2": self.l2, "max_items": self.max_items}

    def _fit(self, data: Interactions) -> None:
        self._check_params("l2")
        x = data.matrix()
        x.data = np.ones_like(x.data)
        self.weights_ = ease_weights(np.asarray((x.T @ x).toarray(), dtype=np.float64), self.l2)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        h = histories.matrix(n_items=self.n_items)
        return np.asarray(h @ self.weights_, dtype=np.float64)


__all__ = ["EASE", "DenseItemWeights", "ease_weights"]
