"""Reaction consumers' positions and dead letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, RowMapping, delete, func, insert, select, update

from tailored.domain.reactions import DeadLetter, Position, Stream
from tailored.storage.tables import reaction_dead_letters, reaction_positions
from tailored.storage.upsert import insert_new


@dataclass(frozen=True, slots=True)
class Standing:
    """A consumer's stored state."""

    consumer: str
    stream: Stream
    position: Position
    failures: int
    last_error: str | None
    retry_at: datetime | None
    updated_at: datetime


def start(conn: Connection, consumer: str, stream: Stream, at: Position, *, now: datetime) -> None:
    """Give a consumer its first position (nothing if it has one: another process may
    have started it this instant)."""
    row = {
        "consumer": consumer,
        "stream": stream,
        "txid": at.txid,
        "seq": at.seq,
        "failures": 0,
        "last_error": None,
        "retry_at": None,
        "updated_at": now,
    }
    insert_new(conn, reaction_positions, [row], keys=("consumer",))


def get(conn: Connection, consumer: str) -> Standing | None:
    query = select(reaction_positions).where(reaction_positions.c.consumer == consumer)
    row = conn.execute(query).mappings().first()
    return _standing(row) if row is not None else None


def take(conn: Connection, consumer: str, *, wait: bool) -> Standing | None:
    """Lock a consumer's row for this transaction, as it is once locked; None when it
    has no row yet, or when another process is running the consumer and not `wait`
    (PostgreSQL; SQLite writers are one at a time already)."""
    query = select(reaction_positions).where(reaction_positions.c.consumer == consumer)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=not wait)
    row = conn.execute(query).mappings().first()
    return _standing(row) if row is not None else None


def all_standings(conn: Connection) -> dict[str, Standing]:
    rows = conn.execute(select(reaction_positions)).mappings()
    return {row["consumer"]: _standing(row) for row in rows}


def advance(conn: Connection, consumer: str, to: Position, *, now: datetime) -> None:
    """Move a consumer past `to`; its failures are over."""
    conn.execute(
        update(reaction_positions)
        .where(reaction_positions.c.consumer == consumer)
        .values(
            txid=to.txid, seq=to.seq, failures=0, last_error=None, retry_at=None, updated_at=now
        )
    )


def fail(
    conn: Connection,
    consumer: str,
    *,
    failures: int,
    error: str,
    retry_at: datetime,
    now: datetime,
) -> None:
    conn.execute(
        update(reaction_positions)
        .where(reaction_positions.c.consumer == consumer)
        .values(failures=failures, last_error=error, retry_at=retry_at, updated_at=now)
    )


def set_aside(
    conn: Connection,
    consumer: str,
    stream: Stream,
    position: Position,
    *,
    error: str,
    attempts: int,
    now: datetime,
) -> None:
    """Keep a record the consumer failed on as a dead letter."""
    conn.execute(
        insert(reaction_dead_letters).values(
            consumer=consumer,
            stream=stream,
            txid=position.txid,
            seq=position.seq,
            error=error,
            attempts=attempts,
            failed_at=now,
        )
    )


def dead_letters(conn: Connection, consumer: str, *, limit: int) -> list[DeadLetter]:
    """A consumer's dead letters in stream order."""
    table = reaction_dead_letters
    query = (
        select(table)
        .where(table.c.consumer == consumer)
        .order_by(table.c.txid, table.c.seq)
        .limit(limit)
    )
    return [_dead_letter(row) for row in conn.execute(query).mappings()]


def dead_letter_counts(conn: Connection) -> dict[str, int]:
    table = reaction_dead_letters
    query = select(table.c.consumer, func.count()).group_by(table.c.consumer)
    return {consumer: int(count) for consumer, count in conn.execute(query)}


def oldest_dead_letter(conn: Connection, stream: Stream) -> Position | None:
    table = reaction_dead_letters
    query = (
        select(table.c.txid, table.c.seq)
        .where(table.c.stream == stream)
        .order_by(table.c.txid, table.c.seq)
        .limit(1)
    )
    row = conn.execute(query).first()
    return Position(row.txid, row.seq) if row is not None else None


def take_dead_letter(conn: Connection, letter_id: int) -> DeadLetter | None:
    """Lock a dead letter for this transaction; None when it is gone, or another retry
    holds it (PostgreSQL), so no two retries hand the same record over."""
    query = select(reaction_dead_letters).where(reaction_dead_letters.c.id == letter_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = conn.execute(query).mappings().first()
    return _dead_letter(row) if row is not None else None


def retried(conn: Connection, letter_id: int, *, error: str | None, now: datetime) -> None:
    """After a retry: gone when it was handled, else one attempt more."""
    table = reaction_dead_letters
    if error is None:
        conn.execute(delete(table).where(table.c.id == letter_id))
        return
    conn.execute(
        update(table)
        .where(table.c.id == letter_id)
        .values(error=error, attempts=table.c.attempts + 1, failed_at=now)
    )


def _standing(row: RowMapping) -> Standing:
    return Standing(
        consumer=row["consumer"],
        stream=row["stream"],
        position=Position(row["txid"], row["seq"]),
        failures=row["failures"],
        last_error=row["last_error"],
        retry_at=row["retry_at"],
        updated_at=row["updated_at"],
    )


def _dead_letter(row: RowMapping) -> DeadLetter:
    return DeadLetter(
        id=row["id"],
        consumer=row["consumer"],
        stream=row["stream"],
        position=Position(row["txid"], row["seq"]),
        error=row["error"],
        attempts=row["attempts"],
        failed_at=row["failed_at"],
    )
