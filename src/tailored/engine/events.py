"""Event collection: validate, deduplicate by client id, append durably; query."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tailored.domain.events import (
    BUILTIN_EVENT_TYPES,
    Event,
    EventType,
    check_event,
    check_event_type_name,
)
from tailored.domain.results import BatchResult, Page, Rejection
from tailored.engine.cursors import check_limit, decode_number_cursor, encode_cursor
from tailored.engine.inputs import EventIn, as_utc, utc_or_invalid, validate_rows
from tailored.errors import Conflict, InvalidInput, PayloadTooLarge
from tailored.storage import events as store
from tailored.storage import users as user_store
from tailored.storage.database import Database


class EventTypes:
    """`engine.event_types`: the built-in types plus those an admin registers.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> engine.event_types.register("wishlist_add", requires_item=True).name
    'wishlist_add'
    >>> "wishlist_add" in engine.event_types.known()
    True
    >>> engine.close()
    """

    def __init__(self, db: Database, *, now: Callable[[], datetime]) -> None:
        self._db = db
        self._now = now
        self._custom: dict[str, EventType] | None = None

    def known(self, *, refresh: bool = False) -> Mapping[str, EventType]:
        """All usable types. Custom ones are cached; pass refresh=True after a miss, since
        another worker may have registered the type since."""
        if self._custom is None or refresh:
            with self._db.reading() as conn:
                self._custom = {t.name: t for t in store.list_event_types(conn)}
        return {**BUILTIN_EVENT_TYPES, **self._custom}

    def list(self) -> list[EventType]:
        return sorted(self.known(refresh=True).values(), key=lambda t: t.name)

    def register(
        self,
        name: str,
        *,
        requires_item: bool = False,
        requires_value: bool = False,
        description: str = "",
    ) -> EventType:
        """Add a custom type; registering the same definition again is a no-op."""
        check_event_type_name(name)
        if name in BUILTIN_EVENT_TYPES:
            raise Conflict(f"event type {name!r} is built in and cannot be redefined")
        event_type = EventType(name, requires_item, requires_value, description)
        with self._db.writing() as conn:
            inserted = store.insert_event_type(conn, event_type, now=self._now())
        existing = self.known(refresh=True)[name]
        if not inserted and (existing.requires_item, existing.requires_value) != (
            requires_item,
            requires_value,
        ):
            raise Conflict(f"event type {name!r} is already registered with other rules")
        return existing


def _insert(
    conn: Connection,
    rows: list[store.EventRow],
    user_ids: list[str],
    *,
    now: datetime,
    known: set[str] | None = None,
) -> int:
    """Insert encoded events, each under the user its id leads to (a merged visitor's
    events follow them), creating users not seen before. Merges of these users wait for
    this transaction, and it waits for those under way, before the aliases are read (see
    `tailored.storage.users`): no event is ever left under an id merged away."""
    user_store.hold_against_merges(conn, user_ids)
    aliases = user_store.resolve_aliases(conn, user_ids)
    owners = [aliases.get(uid, uid) for uid in user_ids]
    user_store.ensure_users(conn, owners, now=now, known=known or set())
    if aliases:  # visitors merged into known users: their events follow them
        rows = [(r[0], aliases.get(r[1], r[1]), *r[2:]) for r in rows]
    return store.insert_events(conn, rows)


class Events:
    """`engine.events`: the append-only log of what users did.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> engine.events.record({"event_id": "e1", "user_id": "u1", "type": "view",
    ...                       "item_id": "sku-1"}).accepted
    1
    >>> engine.events.record({"event_id": "e1", "user_id": "u1", "type": "view",
    ...                       "item_id": "sku-1"}).duplicates
    1
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        types: EventTypes,
        *,
        now: Callable[[], datetime],
        max_batch: int,
        future_tolerance_seconds: float,
    ) -> None:
        self._db = db
        self._types = types
        self._now = now
        self._max_batch = max_batch
        self._future_tolerance = future_tolerance_seconds

    def record(self, event: Mapping[str, Any] | EventIn) -> BatchResult:
        """Record one event; raises `InvalidInput` naming the field if it is rejected."""
        result = self.record_many([event])
        if result.rejected:
            rejection = result.rejected[0]
            raise InvalidInput(rejection.field, rejection.reason)
        return result

    def record_many(self, rows: Sequence[Mapping[str, Any] | EventIn]) -> BatchResult:
        """Record a batch. Every row is accepted, a duplicate of a stored event id, or
        rejected with its index and reason; accepted rows are committed before returning."""
        if len(rows) > self._max_batch:
            raise PayloadTooLarge(
                "events", f"{len(rows)} events in one batch; send at most {self._max_batch}"
            )
        now = self._now()
        good, rejected = validate_rows(EventIn, rows)
        types = self._types.known()
        if any(row.type not in types for _, row in good):
            types = self._types.known(refresh=True)
        batch: dict[str, Event] = {}
        duplicates = 0
        for index, row in good:
            event = Event(
                event_id=row.event_id or uuid.uuid4().hex,
                user_id=row.user_id,
                item_id=row.item_id,
                type=row.type,
                value=row.value,
                context=row.context,
                timestamp=as_utc(row.timestamp) if row.timestamp else now,
                received_at=now,
            )
            try:
                check_event(
                    event, types=types, now=now, future_tolerance_seconds=self._future_tolerance
                )
            except InvalidInput as error:
                rejected.append(Rejection(index, error.field, error.problem))
                continue
            if event.event_id in batch:
                duplicates += 1
            else:
                batch[event.event_id] = event
        inserted = self._append(list(batch.values()), now=now) if batch else 0
        duplicates += len(batch) - inserted
        return BatchResult(
            accepted=inserted,
            duplicates=duplicates,
            rejected=tuple(sorted(rejected, key=lambda r: r.index)),
        )

    def _append(self, batch: list[Event], *, now: datetime) -> int:
        # Work that needs no lock happens first: SQLite has one writer at a time, so the
        # write transaction holds only the statements that must be atomic.
        rows = store.encode_events(self._db.backend, batch)
        user_ids = [e.user_id for e in batch]
        known: set[str] = set()
        if self._db.backend == "sqlite":  # PostgreSQL writers run in parallel: no need
            with self._db.reading() as conn:
                known = user_store.existing_user_ids(conn, user_ids)
        with self._db.writing() as conn:
            return _insert(conn, rows, user_ids, now=now, known=known)

    def query(
        self,
        *,
        user_id: str | None = None,
        item_id: str | None = None,
        types: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        cursor: str | None = None,
        limit: int = 100,
        newest_first: bool = True,
    ) -> Page[Event]:
        """Events matching every filter given, newest first by default."""
        check_limit(limit, maximum=10_000)
        after = decode_number_cursor(cursor)
        with self._db.reading() as conn:
            found = store.query_events(
                conn,
                user_id=user_id,
                item_id=item_id,
                types=types,
                since=utc_or_invalid("since", since) if since else None,
                until=utc_or_invalid("until", until) if until else None,
                after_seq=after,
                limit=limit + 1,
                newest_first=newest_first,
            )
        more = len(found) > limit
        found = found[:limit]
        next_cursor = encode_cursor(found[-1][0]) if more else None
        return Page(tuple(event for _, event in found), next_cursor)

    def count(self) -> int:
        with self._db.reading() as conn:
            return store.count_events(conn)
