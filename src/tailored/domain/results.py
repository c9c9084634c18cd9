"""Results of batch writes and paged reads.

>>> r = BatchResult(accepted=2, duplicates=1, rejected=(Rejection(3, "type", "unknown"),))
>>> r.received
4
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why the row at `index` (0-based, in the order sent) was not stored."""

    index: int
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Outcome of a batch write: every row is accepted, a duplicate, or rejected."""

    accepted: int
    duplicates: int = 0
    rejected: tuple[Rejection, ...] = ()

    @property
    def received(self) -> int:
        return self.accepted + self.duplicates + len(self.rejected)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing; pass `next_cursor` back to get the next page."""

    items: tuple[T, ...]
    next_cursor: str | None = None


__all__ = ["BatchResult", "Page", "Rejection"]
