"""The audit log: `engine.audit.record(...)` appends an entry, `engine.audit.list(...)`
reads them back. Entries are never changed (the database refuses UPDATE and DELETE).

Who acts is set once at the edge, not passed through every call: the server's auth
dependency, the console's session guard and the CLI each wrap their work in
`acting_as(Actor(...))`; code outside them acts as `system` (the process's OS user).
Services record inside their own write transaction, so a change that rolls back leaves
no entry."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tailored.domain.audit import Actor, AuditEntry, AuditFilter
from tailored.domain.results import Page
from tailored.engine.cursors import check_limit, decode_number_cursor, encode_cursor
from tailored.engine.inputs import utc_or_invalid
from tailored.errors import InvalidInput
from tailored.storage import audit as store
from tailored.storage.database import Database

_actor: ContextVar[Actor | None] = ContextVar("tailored_audit_actor", default=None)
MAX_DETAIL_CHARS = 4096  # a small JSON detail, not a copy of the data changed
MAX_TARGET_CHARS = 512


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


def current_actor() -> Actor:
    """Who the running code acts for (`system` when nothing at the edge said so)."""
    return _actor.get() or Actor("system", os_user())


def set_actor(actor: Actor) -> None:
    """Act as `actor` for the rest of this context (an HTTP request's task)."""
    _actor.set(actor)


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Within the block, recorded entries name `actor`."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


class Audit:
    """`engine.audit`.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> with acting_as(Actor("cli", "ana")):
    ...     engine.audit.record("placement.put", target="home")
    >>> [(e.actor.label, e.action, e.target) for e in engine.audit.list().items]
    [('cli:ana', 'placement.put', 'home')]
    >>> engine.close()
    """

    def __init__(self, db: Database, *, now: Callable[[], datetime]) -> None:
        self._db = db
        self._now = now

    def record(
        self,
        action: str,
        *,
        target: str,
        detail: Mapping[str, Any] | None = None,
        conn: Connection | None = None,
    ) -> None:
        """Append an entry for the current actor. Pass the write transaction's `conn` to
        record in it (the entry commits or rolls back with the change); without one the
        entry is written in a transaction of its own (for reads worth recording, such
        as an export)."""
        entry = self._entry(action, target, detail)
        if conn is not None:
            store.append(conn, entry)
            return
        with self._db.writing() as own:
            store.append(own, entry)

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
    ) -> Page[AuditEntry]:
        """Entries matching every filter given (`actor`: a key id or OS user; `since`
        inclusive, `until` exclusive), newest first; pass `next_cursor` back for older."""
        since = utc_or_invalid("since", since) if since else None
        until = utc_or_invalid("until", until) if until else None
        if since and until and since >= until:
            raise InvalidInput("until", "must be later than since")
        where = AuditFilter(action=action, actor=actor, target=target, since=since, until=until)
        before = decode_number_cursor(cursor)
        limit = check_limit(limit)
        with self._db.reading() as conn:
            rows = store.entries(conn, where, before=before, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].seq) if more else None
        return Page(tuple(rows), next_cursor)

    def _entry(self, action: str, target: str, detail: Mapping[str, Any] | None) -> AuditEntry:
        if not action or len(action) > 64:
            raise ValueError(f"audit action must be 1-64 characters, got {action!r}")
        details = dict(detail or {})
        if len(json.dumps(details, default=str)) > MAX_DETAIL_CHARS:
            # Record that something happened rather than fail the change it describes.
            details = {"truncated": True, "keys": sorted(details)[:50]}
        else:
            details = json.loads(json.dumps(details, default=str))
        return AuditEntry(
            0, self._now(), current_actor(), action, target[:MAX_TARGET_CHARS], details
        )


__all__ = ["Audit", "acting_as", "current_actor", "os_user", "set_actor"]
