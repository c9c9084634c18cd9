"""The audit log's values: who acted (an API key, a console session's key, the CLI's
operating-system user), what they did to which target, when and from where."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ActorKind = Literal["key", "console", "cli", "system"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("key", "console", "cli", "system")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: `kind` says through what, `id` names them (an API key id for
    `key` and `console`, the OS user for `cli`, the process's user for `system`), `ip`
    is the client address as the server saw it (None outside HTTP).

    >>> Actor("key", "tk_abcd1234", "10.0.0.7").label
    'key:tk_abcd1234'
    """

    kind: ActorKind
    id: str
    ip: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded action, as stored (entries are never changed).

    >>> from datetime import UTC
    >>> e = AuditEntry(1, datetime(2026, 1, 1, tzinfo=UTC), Actor("cli", "ana"),
    ...                "api_key.create", "tk_abcd1234", {"scopes": ["serve"]})
    >>> e.actor.label, e.action
    ('cli:ana', 'api_key.create')
    """

    seq: int
    at: datetime
    actor: Actor
    action: str
    target: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What `GET /v1/audit` narrows to; None means any."""

    action: str | None = None
    actor: str | None = None  # an actor id (key id, OS user)
    target: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


__all__ = ["ACTOR_KINDS", "Actor", "ActorKind", "AuditEntry", "AuditFilter"]
