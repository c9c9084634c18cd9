"""Splits for offline evaluation (see "Offline evaluation protocol" in DESIGN.md)."""

from __future__ import annotations

import numpy as np

from tailored.data.interactions import Interactions
from tailored.errors import InvalidInput


def temporal_split(
    data: Interactions, *, test_fraction: float = 0.2
) -> tuple[Interactions, Interactions]:
    """Per user, the latest `test_fraction` of interactions (rounded up, at least one)
    become the test set; the rest is train. Order is (time, item id).

    >>> data = Interactions.from_ids(["u"] * 5, list("abcde"), times=[5, 1, 1, 2, 9])
    >>> train, test = temporal_split(data)
    >>> data.items.ids_of(test.item), sorted(data.items.ids_of(train.item))
    (['e'], ['a', 'b', 'c', 'd'])
    """
    if not 0 < test_fraction < 1:
        raise InvalidInput("test_fraction", f"must be between 0 and 1, not {test_fraction}")
    order = np.lexsort((data.item, data.time, data.user))
    user = data.user[order]
    counts = np.bincount(user, minlength=len(data.users))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(len(user)) - starts[user]  # position within the user's history
    # The tolerance keeps float round-off from rounding up: 100 * 0.07 is 7.000000000000001.
    n_test = np.maximum(np.ceil(counts * test_fraction - 1e-9).astype(np.int64), 1)
    is_test = np.zeros(len(data), dtype=bool)
    is_test[order] = rank >= counts[user] - n_test[user]
    return data.select(~is_test), data.select(is_test)


__all__ = ["temporal_split"]
