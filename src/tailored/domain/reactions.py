"""Reactions: consumers that follow what happened (the event log, item changes) by
position, so that segment counters, bandit rewards, experiment metrics and alerts react
to each event or change once, in order, after it committed.

A position is `(txid, seq)`: the writing transaction's id, then the row's sequence
number. PostgreSQL hands out sequence numbers when rows are inserted, not when they
commit, so a reader that followed `seq` alone would step over a row whose transaction
commits late. Ordered by transaction id, and reading only rows of transactions older
than every transaction still running, a reader never passes a row that is yet to
commit. SQLite has one writer at a time, so there `txid` is 0 and `seq` is commit order.

>>> Position(0, 41) < Position(0, 42) < Position(7, 1)
True
>>> [retry_delay(n) for n in (1, 2, 3, 10)]
[1.0, 2.0, 4.0, 60.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

Stream = Literal["events", "item_changes"]
STREAMS: tuple[Stream, ...] = ("events", "item_changes")

MAX_ATTEMPTS = 5
"""Failures in a row before a consumer sets the record it fails on aside (a dead letter)
and goes on. After its first failure a consumer retries one record at a time, so only
the record that fails is set aside, never its neighbours."""

MAX_RETRY_SECONDS = 60.0


class Position(NamedTuple):
    """Where a consumer stands in its stream: the last record it handled."""

    txid: int
    seq: int


START = Position(0, 0)


def retry_delay(failures: int) -> float:
    """Seconds to wait after the `failures`-th failure in a row: doubling from one
    second, at most a minute (a database that is down gets time to come back)."""
    return float(min(MAX_RETRY_SECONDS, 2.0 ** max(0, failures - 1)))


@dataclass(frozen=True, slots=True)
class ItemChange:
    """An item was written (or `deleted`). `available_before` and `price_before` are
    what it was before the write (None for an item that was new)."""

    item_id: str
    deleted: bool
    changed_at: datetime
    available_before: bool | None = None
    price_before: float | None = None


@dataclass(frozen=True, slots=True)
class ConsumerStatus:
    """How far a consumer has come, and whether it is failing."""

    name: str
    stream: Stream
    position: Position
    behind: int  # records committed after its position
    failures: int  # in a row, on the record after its position
    last_error: str | None
    retry_at: datetime | None
    dead_letters: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A record a consumer failed on `MAX_ATTEMPTS` times in a row, set aside so that the
    records after it are not held up. Retried on request; deleted once handled."""

    id: int
    consumer: str
    stream: Stream
    position: Position
    error: str
    attempts: int
    failed_at: datetime


__all__ = [
    "MAX_ATTEMPTS",
    "START",
    "STREAMS",
    "ConsumerStatus",
    "DeadLetter",
    "ItemChange",
    "Position",
    "Stream",
    "retry_delay",
]
