"""What is popular now: weighted event counts of the latest days, then of all time.

The non-personalized answer: for unknown users, users without consent, and "popular in
<category>" when an item has no neighbours yet. The window is measured back from the
newest event, so a store whose traffic paused (or a demo of old data) still has a
"this week".
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from tailored.data.vocabulary import Vocabulary
from tailored.data.weighting import Weighting

FloatArray = npt.NDArray[np.float64]


class Trending:
    """Per catalog item, the weighted count of recent events and of all events; ranked
    by the recent count, ties broken by the all-time count.

    >>> items = Vocabulary(["a", "b", "c"])
    >>> rows = [("a", "view", 10, 0), ("b", "purchase", 1, 1), ("c", "view", 3, 2)]
    >>> trending = Trending.build(items, rows, Weighting({"view": 1.0, "purchase": 5.0}))
    >>> trending.scores().argsort()[::-1].tolist()
    [1, 2, 0]
    >>> trending.recent.tolist()
    [0.0, 5.0, 2.0]
    """

    def __init__(self, recent: FloatArray, total: FloatArray) -> None:
        self.recent = recent
        self.total = total
        # Any recent activity outranks any amount of older (computed once, read often).
        self._scores = recent * (total.max(initial=0.0) + 1.0) + total
        self.order = np.argsort(-self._scores, kind="stable")  # best first, ties by position

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Trending):
            return NotImplemented
        return np.array_equal(self.recent, other.recent) and np.array_equal(self.total, other.total)

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside

    @classmethod
    def build(
        cls,
        items: Vocabulary,
        rows: Iterable[tuple[str, str, int, int]],
        weighting: Weighting,
    ) -> Trending:
        """From (item, event type, all events, recent events) rows, each event weighed
        by its type as everywhere else (`Weighting`); items outside `items` are skipped."""
        found = list(rows)
        position = items.index([row[0] for row in found])
        known = position >= 0
        weight = weighting.weigh([row[1] for row in found])[known]
        counts = np.array([row[2:] for row in found], dtype=np.float64).reshape(-1, 2)[known]
        total = np.bincount(position[known], weights=weight * counts[:, 0], minlength=len(items))
        recent = np.bincount(position[known], weights=weight * counts[:, 1], minlength=len(items))
        return cls(recent.astype(np.float64), total.astype(np.float64))

    @classmethod
    def empty(cls, size: int) -> Trending:
        return cls(np.zeros(size), np.zeros(size))

    def scores(self) -> FloatArray:
        """One score per item (read-only: shared by every request)."""
        return self._scores


__all__ = ["Trending"]
