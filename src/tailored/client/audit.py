"""The audit log, as `engine.audit` lists it (an admin key). Entries are the domain's
own `AuditEntry` values; there is nothing to change or delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tailored.client import reading
from tailored.client.calls import Call, Route
from tailored.client.operations import Mode, Resource, operation
from tailored.domain.audit import Actor, AuditEntry
from tailored.domain.results import Page

LIST = Route("GET", "/v1/audit", idempotent=True)


def read_entry(data: Any) -> AuditEntry:
    return AuditEntry(
        seq=data["seq"],
        at=reading.moment(data["at"]),
        actor=Actor(data["actor_kind"], data["actor"], data["client_ip"]),
        action=data["action"],
        target=data["target"],
        detail=dict(data["detail"]),
    )


def _page(data: Any) -> Page[AuditEntry]:
    return reading.page(data, "entries", read_entry)


class Audit(Resource[Mode]):
    """Who did what, when, from where.

    >>> from fastapi.testclient import TestClient
    >>> from tailored import Engine
    >>> from tailored.client import Client
    >>> from tailored.server import create_app
    >>> engine = Engine.open("sqlite://")
    >>> key = engine.keys.create("docs", scopes=["admin"]).secret
    >>> client = Client("http://testserver", api_key=key, http=TestClient(create_app(engine)))
    >>> _ = client.placements.set({"id": "home", "strategy": {"top_n": {"limit": 8}}})
    >>> [(e.action, e.target) for e in client.audit.list(action="placement.set").items]
    [('placement.set', 'home')]
    >>> engine.close()
    """

    @operation(LIST)
    def list(
        self,
        *,
        action: str | None = None,
        actor: str | None = None,
        target: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Call[Page[AuditEntry]]:
        """A page of entries, newest first; every filter given must match."""
        query = [
            ("action", action),
            ("actor", actor),
            ("target", target),
            ("since", since),
            ("until", until),
            ("cursor", cursor),
            ("limit", limit),
        ]
        return LIST.call(_page, query=query)


__all__ = ["Audit", "read_entry"]
