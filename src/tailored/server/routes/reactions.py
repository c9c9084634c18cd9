"""/v1/reactions: the consumers of events and item changes, and their dead letters (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from tailored.server.auth import Admin, EngineDep
from tailored.server.input_checks import api_router
from tailored.server.schemas.reactions import ConsumerOut, DeadLetterOut, RetryOut

router = api_router(prefix="/v1/reactions", tags=["reactions"])

ConsumerName = Annotated[
    str, Path(min_length=1, max_length=64, description="A consumer's name, e.g. alerts.")
]


@router.get(
    "",
    response_model=list[ConsumerOut],
    summary="Every consumer: where it stands in its stream, how far behind, failures",
    description="Consumers react to events and item changes after they commit (alerts "
    "fire this way), run by every server's background runner. A consumer that keeps "
    "failing on a record sets it aside as a dead letter and goes on.",
)
def list_consumers(engine: EngineDep, _key: Admin) -> list[ConsumerOut]:
    return [ConsumerOut.of(status) for status in engine.reactions.status()]


@router.get(
    "/{consumer}/dead-letters",
    response_model=list[DeadLetterOut],
    summary="Records a consumer set aside after failing on them, in stream order",
)
def list_dead_letters(
    consumer: ConsumerName,
    engine: EngineDep,
    _key: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[DeadLetterOut]:
    return [DeadLetterOut.of(d) for d in engine.reactions.dead_letters(consumer, limit=limit)]


@router.post(
    "/{consumer}/dead-letters/retry",
    response_model=RetryOut,
    summary="Hand a consumer its dead letters again; those it handles are deleted",
)
def retry_dead_letters(consumer: ConsumerName, engine: EngineDep, _key: Admin) -> RetryOut:
    handled, failing = engine.reactions.retry(consumer)
    return RetryOut(handled=handled, failing=failing)
