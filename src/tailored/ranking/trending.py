"""What is popular now: weighted event counts of the latest days, then of all time.

The non-personalized answer: for unknown users, users without consent, and "popular in
<category>" when an item has no neighbours yet. The window is measured back from the
newest event, so a store whose traffic paused (or a demo of old data) still has a
"this week".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import numpy.typing as npt

from tailored.data.vocabulary import Vocabulary

FloatArray = npt.NDArray[np.float64]


class Trending:
    """Per catalog item, the weighted count of recent events and of all events; ranked
    by the recent count, ties broken by the all-time count.

    >>> items = Vocabulary(["a", "b", "c"])
    >>> rows = [("a", "view", 10, 0), ("b", "purchase", 1, 1), ("c", "view", 3, 2)]
    >>> trending = Trending.build(items, rows, {"view": 1.0, "purchase": 5.0})
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
        weights: Mapping[str, float],
    ) -> Trending:
        """From (item, event type, all events, recent events) rows; items outside
        `items` are skipped."""
        recent = np.zeros(len(items))
        total = np.zeros(len(items))
        for item_id, kind, count, count_recent in rows:
            position = items.position(item_id)
            if position >= 0:
                weight = weights.get(kind, 0.0)
                total[position] += weight * count
                recent[position] += weight * count_recent
        return cls(recent, total)

    @classmethod
    def empty(cls, size: int) -> Trending:
        return cls(np.zeros(size), np.zeros(size))

    def scores(self) -> FloatArray:
        """One score per item (read-only: shared by every request)."""
        return self._scores


__all__ = ["Trending"]
