"""Items bought or viewed together in the same session: "bought together".

Every interaction counts towards how related two items are; the model also keeps, per
related pair, the share of their shared sessions in which both were bought, so a reason
can say which it was ("often bought together with X" or "often viewed together with X").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput
from tailored.models.base import Arrays, FloatArray, Recommender
from tailored.models.sparse import keep_top_per_row, row_entries, sparse_from_state, sparse_state


def sessions(data: Interactions, *, gap_seconds: float) -> npt.NDArray[np.int64]:
    """A session number per interaction: a user's interactions belong to one session
    until they pause for more than `gap_seconds` (a basket shares one time: gap 0).

    >>> data = Interactions.from_ids(["u"] * 3 + ["v"], list("abca"), times=[0, 10, 999, 5])
    >>> sessions(data, gap_seconds=60).tolist()
    [0, 0, 1, 2]
    """
    order = np.lexsort((data.time, data.user))
    user, time = data.user[order], data.time[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (user[1:] != user[:-1]) | (time[1:] - time[:-1] > gap_seconds)
    numbers = np.empty(len(order), dtype=np.int64)
    numbers[order] = np.cumsum(new) - 1
    return numbers


class CoOccurrence(Recommender):
    """score(i -> j) = sessions with both i and j / (sessions with i + shrinkage): the
    share of i's sessions that also hold j, shrunk for rare items; each item keeps its
    `neighbors` strongest partners. `bought_` holds, for those pairs, the share of their
    shared sessions in which both were bought (`Interactions.converted`).

    >>> users = ["u1", "u1", "u2", "u2", "u3", "u3"]
    >>> bought = [True, True, False, False, False, True]
    >>> data = Interactions.from_ids(users, list("abab") + ["a", "c"], converted=bought)
    >>> model = CoOccurrence(shrinkage=0).fit(data)
    >>> model.similar_items(["a"], n=2)[0].items
    ('b', 'c')
    >>> model.purchase_share(0, np.array([1, 2])).tolist()  # a-b: 1 of 2 sessions; a-c: 0
    [0.5, 0.0]
    """

    name = "cooccurrence"

    def __init__(
        self, *, gap_seconds: float = 3600.0, shrinkage: float = 5.0, neighbors: int = 200
    ) -> None:
        self.gap_seconds = gap_seconds
        self.shrinkage = shrinkage
        self.neighbors = neighbors

    def get_params(self) -> dict[str, Any]:
        return {
            "gap_seconds": self.gap_seconds,
            "shrinkage": self.shrinkage,
            "neighbors": self.neighbors,
        }

    def _fit(self, data: Interactions) -> None:
        if self.gap_seconds < 0:
            raise InvalidInput("gap_seconds", f"must be 0 or more, not {self.gap_seconds}")
        if self.shrinkage < 0:
            raise InvalidInput("shrinkage", f"must be 0 or more, not {self.shrinkage}")
        if self.neighbors < 1:
            raise InvalidInput("neighbors", f"must be 1 or more, not {self.neighbors}")
        session = sessions(data, gap_seconds=self.gap_seconds)
        shape = (int(session.max()) + 1, len(self.items_))
        counts = _pairs(session, data.item, shape)
        sizes = counts.diagonal()
        counts.setdiag(0.0)
        counts.eliminate_zeros()
        together = counts.copy()
        rows = np.repeat(np.arange(together.shape[0]), np.diff(together.indptr))
        together.data = together.data / (sizes[rows] + self.shrinkage)
        self.together_ = keep_top_per_row(together, self.neighbors)
        # Of the kept pairs, the share of their sessions in which both were bought.
        bought = data.bought
        both = _pairs(session[bought], data.item[bought], shape)
        kept = self.together_.copy()
        kept.data = np.ones_like(kept.data)
        self.bought_ = both.multiply(kept).multiply(counts.power(-1.0)).tocsr()
        self.bought_.eliminate_zeros()
        self.bought_.sort_indices()

    def score(self, histories: Histories, *, now: float | None = None) -> FloatArray:
        self._check_fitted()
        h = histories.matrix(n_items=self.n_items)
        h.data = np.ones_like(h.data)
        return np.asarray((h @ self.together_).toarray(), dtype=np.float64)

    def candidates(
        self, history: Histories, *, now: float | None = None
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        self._check_fitted()
        h = history.matrix(n_items=self.n_items)
        h.data = np.ones_like(h.data)
        return row_entries((h @ self.together_).tocsr(), 0)

    def related(self, item: int) -> tuple[npt.NDArray[np.int64], FloatArray]:
        self._check_fitted()
        return row_entries(self.together_, item)

    def purchase_share(self, item: int, others: npt.NDArray[np.int64]) -> FloatArray:
        """For each of `others`, the share of the sessions it shared with `item` in
        which both were bought (0 for a pair only viewed together, or not related)."""
        self._check_fitted()
        start, end = self.bought_.indptr[item], self.bought_.indptr[item + 1]
        columns, values = self.bought_.indices[start:end], self.bought_.data[start:end]
        share = np.zeros(len(others), dtype=np.float64)
        if len(columns):  # a row's columns are sorted: look each one up
            at = np.minimum(np.searchsorted(columns, others), len(columns) - 1)
            found = columns[at] == others
            share[found] = values[at[found]]
        return share

    def _item_similarity(self, items: npt.NDArray[np.int64]) -> FloatArray:
        return np.asarray(self.together_[items].toarray(), dtype=np.float64)

    def _state(self) -> Arrays:
        return sparse_state(self.together_, "together") | sparse_state(self.bought_, "bought")

    def _restore(self, state: Mapping[str, npt.NDArray[Any]]) -> None:
        self.together_ = sparse_from_state(state, "together")
        if "bought.shape" in state:
            self.bought_ = sparse_from_state(state, "bought")
            self.bought_.sort_indices()
        else:  # saved before purchases were told apart: every pair reads as viewed
            self.bought_ = sp.csr_matrix(self.together_.shape, dtype=np.float64)


def _pairs(
    session: npt.NDArray[np.int64], item: npt.NDArray[np.int64], shape: tuple[int, int]
) -> sp.csr_matrix:
    """Items x items: in how many sessions each pair occurs (the diagonal: each item)."""
    baskets = sp.csr_matrix((np.ones(len(item)), (session, item)), shape=shape)
    baskets.data = np.ones_like(baskets.data)  # an item counts once per session
    return (baskets.T @ baskets).tocsr()


__all__ = ["CoOccurrence", "sessions"]
