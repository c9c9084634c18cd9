"""The caller's ids <-> dense integers (0..n-1) that index matrix rows and columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

UNKNOWN = -1


class Vocabulary:
    """An ordered set of string ids; position = dense index. Unknown ids map to -1.

    >>> v = Vocabulary(["b", "a", "b", "c"])
    >>> len(v), v.ids.tolist()
    (3, ['b', 'a', 'c'])
    >>> v.index(["c", "zz", "b"]).tolist()
    [2, -1, 0]
    >>> v.id_of(1)
    'a'
    """

    def __init__(self, ids: Iterable[str]) -> None:
        unique = list(dict.fromkeys(str(i) for i in ids))
        self.ids: npt.NDArray[np.str_] = np.array(unique, dtype=np.str_)
        self._positions = {value: n for n, value in enumerate(unique)}

    def __len__(self) -> int:
        return len(self._positions)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._positions

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and np.array_equal(self.ids, other.ids)

    def __hash__(self) -> int:
        return hash(tuple(self.ids.tolist()))

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} ids)"

    def index(self, ids: Sequence[str] | npt.NDArray[np.str_]) -> npt.NDArray[np.int64]:
        """Dense indices of `ids`, -1 where an id is unknown."""
        get = self._positions.get
        return np.fromiter((get(str(i), UNKNOWN) for i in ids), dtype=np.int64, count=len(ids))

    def position(self, item_id: str) -> int:
        """Dense index of one id, -1 if unknown."""
        return self._positions.get(item_id, UNKNOWN)

    def id_of(self, index: int) -> str:
        return str(self.ids[index])

    def ids_of(self, indices: npt.NDArray[np.integer]) -> list[str]:
        return self.ids[indices].tolist()


__all__ = ["UNKNOWN", "Vocabulary"]
