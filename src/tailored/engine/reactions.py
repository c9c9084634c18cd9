"""Reactions: registered consumers follow the event log and the item changes by
position, from the background runner of every server process (or `tailored reactions
run`), so they work with several workers and processes.

Each step of a consumer is one transaction: it locks the consumer's position, reads the
next records, hands them to the consumer and moves the position past them. What a
consumer writes to the database through the connection it is given commits with its
new position (exactly once); other effects happen at least once.

A consumer that fails neither loses nor blocks anything: events and item writes never
wait for consumers, other consumers go on, and the failing one keeps its position. It
retries the record it failed on, one at a time, with a growing delay; after
`MAX_ATTEMPTS` failures in a row the record is set aside as a dead letter (listed and
retried on request) and the consumer goes on with the next.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import Connection

from tailored.domain.reactions import (
    MAX_ATTEMPTS,
    START,
    STREAMS,
    ConsumerStatus,
    DeadLetter,
    Position,
    Stream,
    retry_delay,
)
from tailored.engine.audit import Audit
from tailored.errors import InvalidInput, NotFound
from tailored.storage import changes
from tailored.storage import reactions as store
from tailored.storage.changes import Record
from tailored.storage.database import Database

log = logging.getLogger("tailored.reactions")

Batch = Sequence[tuple[Position, Record]]
Handler = Callable[[Connection, Batch], object]  # what it returns is ignored

MAX_BATCH = 500
MAX_ERROR = 2000  # characters of an error message kept with a failure


@dataclass(frozen=True, slots=True)
class Consumer:
    """A reaction: `handle(conn, batch)` gets records of `stream` in order, in the
    transaction that records its progress. `start="end"` skips what was committed before
    it was first registered; `"beginning"` handles the whole stream."""

    name: str
    stream: Stream
    handle: Handler
    start: Literal["beginning", "end"] = "end"
    batch_size: int = MAX_BATCH

    def __post_init__(self) -> None:
        if self.stream not in STREAMS:
            raise ValueError(f"stream must be one of {STREAMS}, not {self.stream!r}")
        if not 1 <= len(self.name) <= 64:
            raise ValueError("a consumer's name has 1 to 64 characters")


class Reactions:
    """`engine.reactions`: the consumers, where they stand, and their dead letters.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> seen = []
    >>> engine.reactions.register(Consumer(
    ...     "audit", "events", lambda conn, batch: seen.extend(e.type for _, e in batch),
    ...     start="beginning"))
    >>> _ = engine.events.record({"user_id": "u1", "type": "view", "item_id": "mug"})
    >>> engine.reactions.run()["audit"], seen  # the server's background runner does this
    (1, ['view'])
    >>> engine.close()
    """

    def __init__(
        self, db: Database, *, now: Callable[[], datetime], audit: Audit | None = None
    ) -> None:
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)
        self._consumers: dict[str, Consumer] = {}
        self.pending = threading.Event()  # set when something was written: run soon

    def register(self, consumer: Consumer) -> None:
        """Add a consumer. One starting at the end gets its position now (if it has
        none yet), so it handles everything committed from here on."""
        if consumer.name in self._consumers:
            raise ValueError(f"a consumer named {consumer.name!r} is registered already")
        if consumer.start == "end":
            with self._db.writing() as conn:
                at = changes.end_of(conn, consumer.stream)
                store.start(conn, consumer.name, consumer.stream, at, now=self._now())
        self._consumers[consumer.name] = consumer

    @property
    def consumers(self) -> tuple[str, ...]:
        return tuple(self._consumers)

    def nudge(self, stream: Stream) -> None:
        """Records of `stream` committed: wake the runner, if a consumer follows it."""
        if any(consumer.stream == stream for consumer in self._consumers.values()):
            self.pending.set()

    def run(
        self, *, settle_seconds: float = 30.0, wait: bool = True, rounds: int = 1000
    ) -> dict[str, int]:
        """Run every consumer until it has handled everything committed before the call
        (a consumer waiting to retry is left waiting); returns how many records each
        handled or set aside.

        On PostgreSQL, records of a transaction are readable once every transaction that
        started before it has ended (see `domain/reactions.py`): `run` waits up to
        `settle_seconds` for those. A consumer that another process is running at the
        moment is waited for (`wait=False`: left to it). The background runner passes 0
        and False, and comes back."""
        deadline = time.monotonic() + settle_seconds
        done = dict.fromkeys(self._consumers, 0)
        for _ in range(rounds):
            moved = False
            for consumer in self._consumers.values():
                count = self._step(consumer, wait=wait)
                done[consumer.name] += count
                moved = moved or count > 0
            if not moved:
                if time.monotonic() >= deadline or not self._held_back():
                    break
                time.sleep(0.02)
        if any(done[c.name] for c in self._consumers.values() if c.stream == "item_changes"):
            self._prune()
        return done

    def _held_back(self) -> bool:
        """Whether a consumer (not waiting to retry) has committed records after its
        position that it could not read yet: an older transaction is still running."""
        if self._db.backend != "postgresql":
            return False  # one writer at a time: what committed is readable
        now = self._now()
        with self._db.reading() as conn:
            standings = store.all_standings(conn)
            for name, consumer in self._consumers.items():
                standing = standings.get(name)
                if standing is None or (standing.retry_at is not None and standing.retry_at > now):
                    continue
                if changes.any_after(conn, consumer.stream, standing.position):
                    return True
        return False

    def status(self) -> list[ConsumerStatus]:
        """Every registered consumer, with how far behind it is."""
        with self._db.reading() as conn:
            standings = store.all_standings(conn)
            dead = store.dead_letter_counts(conn)
            found = []
            for name, consumer in self._consumers.items():
                standing = standings.get(name)
                position = standing.position if standing else START
                found.append(
                    ConsumerStatus(
                        name=name,
                        stream=consumer.stream,
                        position=position,
                        behind=changes.count_after(conn, consumer.stream, position),
                        failures=standing.failures if standing else 0,
                        last_error=standing.last_error if standing else None,
                        retry_at=standing.retry_at if standing else None,
                        dead_letters=dead.get(name, 0),
                        updated_at=standing.updated_at if standing else self._now(),
                    )
                )
        return found

    def dead_letters(self, consumer: str, *, limit: int = 100) -> list[DeadLetter]:
        """The records a consumer set aside, in stream order."""
        self._consumer(consumer)
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit", "must be between 1 and 1000")
        with self._db.reading() as conn:
            return store.dead_letters(conn, consumer, limit=limit)

    def retry(self, consumer: str) -> tuple[int, int]:
        """Hand a consumer its dead letters again, oldest first; each one handled is
        deleted. Returns (handled, still failing)."""
        handler = self._consumer(consumer)
        handled = failing = 0
        for listed in self.dead_letters(consumer, limit=1000):
            with self._db.writing() as conn:
                letter = store.take_dead_letter(conn, listed.id)
                if letter is None:  # another retry has it, or had it
                    continue
                record = changes.read_at(conn, handler.stream, letter.position)
                error = None
                if record is not None:  # a record erased since is nothing to redo
                    error = _attempt(handler, conn, [(letter.position, record)])
                store.retried(conn, letter.id, error=error, now=self._now())
                detail = {"dead_letter": letter.id, "handled": error is None}
                self._audit.record("reaction.retry", target=consumer, detail=detail, conn=conn)
            handled += error is None
            failing += error is not None
        return handled, failing

    def _consumer(self, name: str) -> Consumer:
        try:
            return self._consumers[name]
        except KeyError:
            raise NotFound("consumer", name) from None

    def _step(self, consumer: Consumer, *, wait: bool) -> int:
        """One batch of one consumer: how many records it handled or set aside."""
        now = self._now()
        with self._db.writing() as conn:
            standing = store.take(conn, consumer.name, wait=wait)
            if standing is None:  # (or its row was deleted since it was registered)
                at = (
                    START
                    if consumer.start == "beginning"
                    else changes.end_of(conn, consumer.stream)
                )
                store.start(conn, consumer.name, consumer.stream, at, now=now)
                standing = store.take(conn, consumer.name, wait=wait)
                if standing is None:  # another process started it this instant
                    return 0
            if standing.retry_at is not None and standing.retry_at > now:
                return 0
            # After a failure, one record at a time: only the one that fails waits.
            limit = 1 if standing.failures else consumer.batch_size
            batch = changes.read_after(conn, consumer.stream, standing.position, limit)
            if not batch:
                return 0
            error = _attempt(consumer, conn, batch)
            if error is None:
                store.advance(conn, consumer.name, batch[-1][0], now=now)
                return len(batch)
            # Find the record it fails on: the ones before it are handled, in order.
            handled = 0
            if len(batch) > 1:
                for position, record in batch:
                    error = _attempt(consumer, conn, [(position, record)])
                    if error is not None:
                        break
                    store.advance(conn, consumer.name, position, now=now)
                    handled += 1
            assert error is not None
            failing_at = batch[handled][0]
            failures = (standing.failures if handled == 0 else 0) + 1
            if failures >= MAX_ATTEMPTS:
                log.error(
                    "reaction %s set record %s of %s aside after %d failures: %s",
                    consumer.name, failing_at, consumer.stream, failures, error,
                )  # fmt: skip
                store.set_aside(
                    conn, consumer.name, consumer.stream, failing_at,
                    error=error, attempts=failures, now=now,
                )  # fmt: skip
                store.advance(conn, consumer.name, failing_at, now=now)
                return handled + 1
            log.warning(
                "reaction %s failed on record %s of %s (%d in a row): %s",
                consumer.name, failing_at, consumer.stream, failures, error,
            )  # fmt: skip
            retry_at = now + timedelta(seconds=retry_delay(failures))
            store.fail(
                conn, consumer.name, failures=failures, error=error, retry_at=retry_at, now=now
            )
            return handled

    def _prune(self) -> None:
        """Drop the item changes that every consumer of them has passed (and that no dead
        letter points to)."""
        followers = [c.name for c in self._consumers.values() if c.stream == "item_changes"]
        if not followers:
            return
        with self._db.writing() as conn:
            standings = store.all_standings(conn)
            if any(name not in standings for name in followers):
                return
            upto = min(standings[name].position for name in followers)
            oldest_dead = store.oldest_dead_letter(conn, "item_changes")
            if oldest_dead is not None and oldest_dead <= upto:
                upto = Position(oldest_dead.txid, oldest_dead.seq - 1)
            changes.prune_item_changes(conn, Position(*upto))


def _attempt(consumer: Consumer, conn: Connection, batch: Batch) -> str | None:
    """Run the consumer on `batch` in a savepoint; the error it raised, or None."""
    try:
        with conn.begin_nested():
            consumer.handle(conn, batch)
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:MAX_ERROR]
    return None


__all__ = ["MAX_BATCH", "Batch", "Consumer", "Handler", "Reactions"]
