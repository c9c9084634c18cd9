"""Response schemas of the reaction endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from tailored.domain.reactions import ConsumerStatus, DeadLetter, Position, Stream
from tailored.server.schemas.common import OutBase


class PositionOut(OutBase):
    txid: int = Field(description="the writing transaction (PostgreSQL; 0 on SQLite)")
    seq: int = Field(description="the record's sequence number")

    @classmethod
    def of(cls, position: Position) -> PositionOut:
        return cls(txid=position.txid, seq=position.seq)


class ConsumerOut(OutBase):
    name: str = Field(description="e.g. alerts")
    stream: Stream = Field(description="what it follows: events or item_changes")
    position: PositionOut = Field(description="the last record it handled")
    behind: int = Field(description="records committed after its position")
    failures: int = Field(description="failures in a row on the record after its position")
    last_error: str | None
    retry_at: datetime | None = Field(description="when it tries that record again")
    dead_letters: int = Field(description="records it set aside after failing on them")
    updated_at: datetime

    @classmethod
    def of(cls, status: ConsumerStatus) -> ConsumerOut:
        return cls(
            name=status.name,
            stream=status.stream,
            position=PositionOut.of(status.position),
            behind=status.behind,
            failures=status.failures,
            last_error=status.last_error,
            retry_at=status.retry_at,
            dead_letters=status.dead_letters,
            updated_at=status.updated_at,
        )


class DeadLetterOut(OutBase):
    id: int
    consumer: str
    stream: Stream
    position: PositionOut
    error: str = Field(description="the last error the consumer raised on it")
    attempts: int
    failed_at: datetime

    @classmethod
    def of(cls, letter: DeadLetter) -> DeadLetterOut:
        return cls(
            id=letter.id,
            consumer=letter.consumer,
            stream=letter.stream,
            position=PositionOut.of(letter.position),
            error=letter.error,
            attempts=letter.attempts,
            failed_at=letter.failed_at,
        )


class RetryOut(OutBase):
    handled: int = Field(description="dead letters handled now, and deleted")
    failing: int = Field(description="dead letters that failed again, kept")
