"""The audit log's entries as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from tailored.domain.audit import ActorKind, AuditEntry


class AuditEntryOut(BaseModel):
    seq: int = Field(description="the entry's number; later entries have larger numbers")
    at: datetime
    actor_kind: ActorKind = Field(
        description="key: an API key; console: a console session (of `actor`'s key); "
        "cli: a CLI command (`actor` is the OS user); system: the server itself"
    )
    actor: str = Field(description="the API key id, or the OS user")
    client_ip: str | None = Field(description="the client address the server saw")
    action: str = Field(description="e.g. api_key.create, consent.set, model.activate")
    target: str = Field(description="what was acted on: a key id, user id, placement id...")
    detail: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            seq=entry.seq,
            at=entry.at,
            actor_kind=entry.actor.kind,
            actor=entry.actor.id,
            client_ip=entry.actor.ip,
            action=entry.action,
            target=entry.target,
            detail=entry.detail,
        )


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_cursor: str | None
