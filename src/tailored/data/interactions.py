"""Who interacted with what, when and how strongly: the input every model is fit on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tailored.data.histories import Histories
from tailored.data.vocabulary import Vocabulary
from tailored.errors import InvalidInput

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def natural_order(ids: Sequence[str]) -> list[str]:
    """Ids sorted the way a person expects: numbers by value, then the others by text.

    >>> natural_order(["10", "9", "b", "a"])
    ['9', '10', 'a', 'b']
    """
    unique = set(ids)
    return sorted(unique, key=lambda s: (0, int(s), "") if s.isdigit() else (1, 0, s))


@dataclass(frozen=True, eq=False)
class Interactions:
    """Columnar interactions: one row per (user, item), with dense indices into the
    vocabularies, a time (unix seconds), a weight, and whether the user converted on the
    item (bought it: an event type meaning `conversion`; all False when not known).

    Dense item indices follow the natural order of the item ids, so sorting by
    (time, item index) is sorting by (time, item id), as the evaluation protocol says.

    >>> data = Interactions.from_ids(["u1", "u1", "u2"], ["b", "a", "a"], times=[2, 1, 5])
    >>> data.matrix().toarray().tolist()
    [[1.0, 1.0], [1.0, 0.0]]
    >>> len(data), data.users.ids.tolist(), data.items.ids.tolist()
    (3, ['u1', 'u2'], ['a', 'b'])
    """

    users: Vocabulary
    items: Vocabulary
    user: IntArray
    item: IntArray
    time: FloatArray
    weight: FloatArray
    converted: BoolArray | None = None  # None: all False

    def __post_init__(self) -> None:
        if self.converted is None:
            object.__setattr__(self, "converted", np.zeros(len(self.user), dtype=np.bool_))

    @property
    def bought(self) -> BoolArray:
        """Per row, whether the user converted on the item (see the class)."""
        assert self.converted is not None  # set by __post_init__
        return self.converted

    @classmethod
    def from_ids(
        cls,
        user_ids: Sequence[str],
        item_ids: Sequence[str],
        *,
        times: Sequence[float] | FloatArray | None = None,
        weights: Sequence[float] | FloatArray | None = None,
        converted: Sequence[bool] | BoolArray | None = None,
        users: Vocabulary | None = None,
        items: Vocabulary | None = None,
    ) -> Interactions:
        """Build from parallel columns of the caller's ids.

        Repeated (user, item) pairs merge into one row: weights add up, the time is the
        latest, converted if any of them was. Given vocabularies fix the dense indices;
        rows with ids outside them are dropped (an item no longer in the catalog, say).
        """
        n = len(user_ids)
        if len(item_ids) != n:
            raise InvalidInput("item_ids", f"has {len(item_ids)} values, user_ids has {n}")
        time = _column("times", times, n, default=0.0)
        weight = _column("weights", weights, n, default=1.0)
        users = users or Vocabulary(natural_order([str(u) for u in user_ids]))
        items = items or Vocabulary(natural_order([str(i) for i in item_ids]))
        user, item = users.index(list(user_ids)), items.index(list(item_ids))
        known = (user >= 0) & (item >= 0)
        bought = np.zeros(n, dtype=np.bool_) if converted is None else np.asarray(converted, bool)
        if bought.shape != (n,):
            raise InvalidInput("converted", f"has {bought.size} values, user_ids has {n}")
        return cls.from_indices(
            users, items, user[known], item[known], time[known], weight[known], bought[known]
        )

    @classmethod
    def from_indices(
        cls,
        users: Vocabulary,
        items: Vocabulary,
        user: IntArray,
        item: IntArray,
        time: FloatArray,
        weight: FloatArray,
        converted: BoolArray | None = None,
    ) -> Interactions:
        """From dense indices into `users` and `items` (repeats merge as in `from_ids`)."""
        key = user * max(len(items), 1) + item
        bought = np.zeros(len(key), dtype=np.bool_) if converted is None else converted
        order = np.lexsort((time, key))
        key, user, item, time, weight, bought = (
            key[order],
            user[order],
            item[order],
            time[order],
            weight[order],
            bought[order],
        )
        last = np.r_[key[1:] != key[:-1], True] if len(key) else np.zeros(0, dtype=bool)
        first = np.r_[True, last[:-1]] if len(key) else last
        starts = np.flatnonzero(first)
        summed = np.add.reduceat(weight, starts) if len(key) else weight
        anyone = np.logical_or.reduceat(bought, starts) if len(key) else bought
        return cls(
            users, items, user[last], item[last], time[last], summed.astype(np.float64),
            anyone.astype(np.bool_),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self.user)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.users), len(self.items)

    def matrix(self) -> sp.csr_matrix:
        """Users x items, the weights as values."""
        return sp.csr_matrix((self.weight, (self.user, self.item)), shape=self.shape)

    def histories(self) -> Histories:
        """Every user's interactions in time order (row n = user n of the vocabulary)."""
        return Histories.from_columns(
            self.user, self.item, self.time, self.weight, n_rows=len(self.users)
        )

    def select(self, mask: npt.NDArray[np.bool_]) -> Interactions:
        """The rows where `mask` is true, with the same vocabularies."""
        return Interactions(
            self.users, self.items, self.user[mask], self.item[mask], self.time[mask],
            self.weight[mask], self.bought[mask],
        )  # fmt: skip

    def with_weights(self, weight: FloatArray) -> Interactions:
        return Interactions(
            self.users, self.items, self.user, self.item, self.time, weight, self.bought
        )

    def items_seen(self) -> npt.NDArray[np.bool_]:
        """Which items have at least one interaction."""
        return np.bincount(self.item, minlength=len(self.items)) > 0


def _column(name: str, values: Any, n: int, *, default: float) -> FloatArray:
    if values is None:
        return np.full(n, default, dtype=np.float64)
    column = np.asarray(values, dtype=np.float64)
    if column.shape != (n,):
        raise InvalidInput(name, f"has {column.size} values, user_ids has {n}")
    if not np.isfinite(column).all():
        raise InvalidInput(name, "must be finite numbers")
    return column


__all__ = ["Interactions", "natural_order"]
