"""SeqBlend: SLIT and SeqEASE together, the best on ml-100k and what `auto` training
falls back to on data too small to compare models (see
docs/research/sequential-models.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender
from tailored.models.seq_ease import SeqEASE
from tailored.models.slit import SLIT


class SeqBlend(Recommender):
    """SLIT and SeqEASE together: each one's scores standardised per history over the
    items not in it (z-scores), then z(SLIT) + weight * z(SeqEASE). On ml-100k's temporal
    protocol this is the strongest model we have (docs/research/sequential-models.md).

    >>> data = Interactions.from_ids(["u"] * 3 + ["v"] * 3, list("abcabc"), times=[1, 2, 3] * 2)
    >>> model = SeqBlend(slit_l2=1.0, ease_l2=1.0).fit(data)
    >>> model.recommend(Histories.from_sequences([[1]]), n=1)[0].items
    ('c',)
    """

    name = "seq_blend"

    def __init__(
        self,
        *,
        weight: float = 0.5,
        slit_l2: float = 3000.0,
        slit_tau_in: float = 20.0,
        slit_tau_out: float = 2.0,
        slit_tau: float = 20.0,
        ease_l2: float = 1000.0,
        ease_kernel_width: float = 50.0,
        ease_tau: float = 5.0,
        max_items: int = 20_000,
    ) -> None:
        self.weight = weight
        self.slit_l2 = slit_l2
        self.slit_tau_in = slit_tau_in
        self.slit_tau_out = slit_tau_out
        self.slit_tau = slit_tau
        self.ease_l2 = ease_l2
        self.ease_kernel_width = ease_kernel_width
        self.ease_tau = ease_tau
        self.max_items = max_items

    def get_params(self) -> dict[str, Any]:
        names = (
            "weight", "slit_l2", "slit_tau_in", "slit_tau_out", "slit_tau", "ease_l2",
            "ease_kernel_width", "ease_tau", "max_items",
        )  # fmt: skip
        return {name: getattr(self, name) for name in names}

    def _parts(self) -> tuple[SLIT, SeqEASE]:
        slit = SLIT(
            l2=self.slit_l2,
            tau_in=self.slit_tau_in,
            tau_out=self.slit_tau_out,
            tau=self.slit_tau,
            max_items=self.max_items,
        )
        ease = SeqEASE(
            l2=self.ease_l2,
            kernel_width=self.ease_kernel_width,
            tau=self.ease_tau,
            max_items=self.max_items,
        )
        return slit, ease

    def _fit(self, data: Interactions) -> None:
        if self.weight < 0:
            raise InvalidInput("weight", f"must be 0 or more, not {self.weight}")
        slit, ease = self._parts()
        self.slit_, self.ease_ = slit.fit(data), ease.fit(data)

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        seen = histories.matrix(n_items=self.n_items).toarray() > 0
        return _standardised(self.slit_.score(histories), seen) + self.weight * _standardised(
            self.ease_.score(histories), seen
        )

    def _state(self) -> Arrays:
        return {"slit": self.slit_.weights_, "ease": self.ease_.weights_}

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.slit_, self.ease_ = self._parts()
        for part, key in ((self.slit_, "slit"), (self.ease_, "ease")):
            part.items_, part.fitted_at_ = self.items_, self.fitted_at_
            part.weights_ = state[key]


def _standardised(scores: FloatArray, seen: npt.NDArray[np.bool_]) -> FloatArray:
    """Per row, (score - mean) / std over the items not seen (std 0 counts as 1)."""
    unseen = ~seen
    count = np.maximum(unseen.sum(axis=1, keepdims=True), 1)
    mean = np.where(unseen, scores, 0.0).sum(axis=1, keepdims=True) / count
    spread = np.where(unseen, (scores - mean) ** 2, 0.0).sum(axis=1, keepdims=True) / count
    std = np.sqrt(spread)
    std[std == 0] = 1.0
    return np.asarray((scores - mean) / std, dtype=np.float64)


__all__ = ["SeqBlend"]
