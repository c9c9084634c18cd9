"""Reaction consumers and their dead letters, as `engine.reactions` offers them (an
admin key). Running the consumers is the server's work: its background runner does it."""

from __future__ import annotations

import builtins
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.reactions import ConsumerStatus, DeadLetter, Position

LIST = Route("GET", "/v1/reactions", idempotent=True)
DEAD_LETTERS = Route("GET", "/v1/reactions/{consumer}/dead-letters", idempotent=True)
# Again is harmless: letters handled the first time are gone, the rest are tried again.
RETRY = Route("POST", "/v1/reactions/{consumer}/dead-letters/retry", idempotent=True)


def read_position(data: Any) -> Position:
    return Position(int(data["txid"]), int(data["seq"]))


def read_status(data: Any) -> ConsumerStatus:
    return ConsumerStatus(
        name=data["name"],
        stream=data["stream"],
        position=read_position(data["position"]),
        behind=data["behind"],
        failures=data["failures"],
        last_error=data["last_error"],
        retry_at=reading.maybe_moment(data["retry_at"]),
        dead_letters=data["dead_letters"],
        updated_at=reading.moment(data["updated_at"]),
    )


def read_dead_letter(data: Any) -> DeadLetter:
    return DeadLetter(
        id=data["id"],
        consumer=data["consumer"],
        stream=data["stream"],
        position=read_position(data["position"]),
        error=data["error"],
        attempts=data["attempts"],
        failed_at=reading.moment(data["failed_at"]),
    )


class Reactions(Resource[Mode]):
    """The consumers that react to events and item changes (alerts, ...).

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> [(c.name, c.stream, c.behind) for c in client.reactions.status()]
    [('alerts', 'item_changes', 0)]
    >>> client.reactions.dead_letters("alerts"), client.reactions.retry("alerts")
    ([], (0, 0))
    >>> engine.close()
    """

    @operation(LIST)
    def status(self) -> Call[builtins.list[ConsumerStatus]]:
        """Every consumer: where it stands, how far behind, whether it is failing."""
        return LIST.call(lambda data: builtins.list(reading.rows(data, read_status)))

    @operation(DEAD_LETTERS)
    def dead_letters(self, consumer: str, *, limit: int = 100) -> Call[builtins.list[DeadLetter]]:
        """Records the consumer set aside after failing on them, in stream order."""
        return DEAD_LETTERS.call(
            lambda data: builtins.list(reading.rows(data, read_dead_letter)),
            path={"consumer": consumer},
            query=[("limit", limit)],
        )

    @operation(RETRY)
    def retry(self, consumer: str) -> Call[tuple[int, int]]:
        """Hand the consumer its dead letters again: (handled and deleted, still failing)."""
        return RETRY.call(
            lambda data: (int(data["handled"]), int(data["failing"])),
            path={"consumer": consumer},
        )


__all__ = ["Reactions", "read_dead_letter", "read_status"]
