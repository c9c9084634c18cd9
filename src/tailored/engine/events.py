"""Event collection: validate, deduplicate by client id, append durably; query."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from tailored.domain.erasure import SUPPRESSED_REASON
from tailored.domain.events import (
    BUILTIN_EVENT_TYPES,
    DEFAULT_PHRASE,
    Event,
    EventMeanings,
    EventType,
    Meaning,
    check_event,
    check_event_type,
)
from tailored.domain.results import BatchResult, Page, Rejection
from tailored.engine.audit import Audit
from tailored.engine.cursors import check_limit, decode_number_cursor, encode_cursor
from tailored.engine.inputs import EventIn, as_utc, utc_or_invalid, validate_rows
from tailored.engine.suppression import SuppressionList
from tailored.errors import ConfigurationError, Conflict, InvalidInput, NotFound, PayloadTooLarge
from tailored.storage import events as store
from tailored.storage import users as user_store
from tailored.storage.database import Database

CHANGEABLE = frozenset({"weight", "meaning", "phrase", "description"})


class EventTypes:
    """`engine.event_types`: the built-in types plus those an admin registers, and what
    each means (`meanings()`: weights, conversions, exposures, ... for code that asks).

    A built-in type's weight can be overridden by `Settings.event_weights` (its meaning
    and phrase are fixed); a custom type's meaning is what it was registered with, until
    `update` changes it. Custom types are re-read every `cache_seconds` (another worker
    may have registered or changed one), or at once with `refresh=True`.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> engine.event_types.register("wishlist_add", requires_item=True, weight=2.0).weight
    2.0
    >>> engine.event_types.update("wishlist_add", {"meaning": "conversion"}).meaning
    'conversion'
    >>> engine.event_types.meanings().named("conversion")
    ('purchase', 'wishlist_add')
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        weight_overrides: Mapping[str, float] | None = None,
        cache_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)
        self._builtin = _builtins(weight_overrides or {})
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._custom: dict[str, EventType] | None = None
        self._read_at = 0.0

    def known(self, *, refresh: bool = False) -> Mapping[str, EventType]:
        """All usable types, with the weights in force. Custom ones are cached for
        `cache_seconds`; pass refresh=True after a miss, since another worker may have
        registered the type since."""
        stale = self._clock() - self._read_at >= self._cache_seconds
        if self._custom is None or refresh or stale:
            with self._db.reading() as conn:
                custom = {t.name: t for t in store.list_event_types(conn)}
            self._custom, self._read_at = custom, self._clock()
        return {**self._builtin, **self._custom}

    def meanings(self, *, refresh: bool = False) -> EventMeanings:
        """What the known types mean: the one place code asks which are interactions
        (and their weights), conversions, exposures, clicks, views and negatives."""
        return EventMeanings(self.known(refresh=refresh))

    def meanings_now(self) -> EventMeanings:
        """The meanings as stored this moment: what training and each refresh of the
        serving state read, so a change reaches them without waiting for the cache."""
        return self.meanings(refresh=True)

    def list(self) -> list[EventType]:
        return sorted(self.known(refresh=True).values(), key=lambda t: t.name)

    def get(self, name: str) -> EventType:
        found = self.known(refresh=True).get(name)
        if found is None:
            raise NotFound("event type", name)
        return found

    def register(
        self,
        name: str,
        *,
        requires_item: bool = False,
        requires_value: bool = False,
        description: str = "",
        weight: float = 0.0,
        meaning: Meaning | None = None,
        phrase: str = DEFAULT_PHRASE,
    ) -> EventType:
        """Add a custom type; registering the same definition again is a no-op (the
        description aside). Its rules (requires_item, requires_value) never change;
        change its meaning with `update`."""
        event_type = EventType(
            name,
            requires_item=requires_item,
            requires_value=requires_value,
            description=description,
            weight=weight,
            meaning=meaning,
            phrase=phrase,
        )
        check_event_type(event_type)
        if name in BUILTIN_EVENT_TYPES:
            raise Conflict(f"event type {name!r} is built in and cannot be redefined")
        with self._db.writing() as conn:
            inserted = store.insert_event_type(conn, event_type, now=self._now())
            if inserted:
                detail = {"weight": weight, "meaning": meaning, "phrase": phrase}
                self._audit.record("event_type.register", target=name, detail=detail, conn=conn)
        existing = self.known(refresh=True)[name]
        if inserted:
            return existing
        if (existing.requires_item, existing.requires_value) != (requires_item, requires_value):
            raise Conflict(f"event type {name!r} is already registered with other rules")
        if _meaning(existing) != _meaning(event_type):
            raise Conflict(
                f"event type {name!r} is already registered with another meaning "
                f"(weight {existing.weight:g}, meaning {existing.meaning}, phrase "
                f"{existing.phrase!r}); change it with PATCH /v1/event-types/{name}"
            )
        return existing

    def update(self, name: str, changes: Mapping[str, Any]) -> EventType:
        """Change what a custom type means: `changes` holds any of `weight`, `meaning`
        (None removes it), `phrase` and `description`; what is left out stays. Training
        uses the change from its next run, serving from its next refresh.

        >>> from tailored import Engine
        >>> engine = Engine.open("sqlite://")
        >>> _ = engine.event_types.register("return", meaning="negative", phrase="returned {item}")
        >>> changed = engine.event_types.update("return", {"meaning": None})
        >>> changed.meaning, changed.phrase
        (None, 'returned {item}')
        >>> engine.close()
        """
        unknown = sorted(set(changes) - CHANGEABLE)
        if unknown:
            raise InvalidInput(
                unknown[0], f"cannot be changed; change {', '.join(sorted(CHANGEABLE))}"
            )
        current = self.get(name)
        if current.builtin:
            raise Conflict(
                f"event type {name!r} is built in: its meaning is fixed (its weight can be "
                "overridden with the event_weights setting, TAILORED_EVENT_WEIGHTS)"
            )
        changed = replace(current, **dict(changes))
        check_event_type(changed)
        with self._db.writing() as conn:
            if not store.update_event_type(conn, changed):
                raise NotFound("event type", name)
            self._audit.record("event_type.update", target=name, detail=changes, conn=conn)
        return self.get(name)


def _meaning(event_type: EventType) -> tuple[float, str | None, str]:
    return event_type.weight, event_type.meaning, event_type.phrase


def _builtins(overrides: Mapping[str, float]) -> dict[str, EventType]:
    """The built-in types with the weights the settings give them."""
    for name, weight in overrides.items():
        if name not in BUILTIN_EVENT_TYPES:
            raise ConfigurationError(
                f"event_weights: {name!r} is not a built-in event type (built in: "
                f"{', '.join(sorted(BUILTIN_EVENT_TYPES))}); give a custom type its weight "
                "when registering it, or with PATCH /v1/event-types/{name}"
            )
        try:
            check_event_type(replace(BUILTIN_EVENT_TYPES[name], weight=weight))
        except InvalidInput as error:
            raise ConfigurationError(f"event_weights: {name!r}: {error.problem}") from None
    return {
        name: replace(t, weight=overrides[name]) if name in overrides else t
        for name, t in BUILTIN_EVENT_TYPES.items()
    }


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
        recorded: Callable[[], None] = lambda: None,
        suppression: SuppressionList | None = None,
    ) -> None:
        self._db = db
        self._suppression = suppression  # erased ids: their events are rejected
        self._types = types
        self._now = now
        self._max_batch = max_batch
        self._future_tolerance = future_tolerance_seconds
        self._recorded = recorded  # told after new events commit (reactions follow the log)

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
        indexes: dict[str, list[int]] = {}  # the rows of each event id kept
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
            indexes.setdefault(event.event_id, []).append(index)
            if event.event_id in batch:
                duplicates += 1
            else:
                batch[event.event_id] = event
        inserted, suppressed = self._append(list(batch.values()), now=now) if batch else (0, [])
        for event in suppressed:
            duplicates -= len(indexes[event.event_id]) - 1
            rejected += [
                Rejection(i, "user_id", SUPPRESSED_REASON) for i in indexes[event.event_id]
            ]
        duplicates += len(batch) - len(suppressed) - inserted
        return BatchResult(
            accepted=inserted,
            duplicates=duplicates,
            rejected=tuple(sorted(rejected, key=lambda r: r.index)),
        )

    def _append(self, batch: list[Event], *, now: datetime) -> tuple[int, list[Event]]:
        """Insert `batch`; returns how many were new, and the events left out because
        their user was erased (checked in the transaction that inserts: an erasure
        committed first is seen, one after waits for it)."""
        # Work that needs no lock happens first: SQLite has one writer at a time, so the
        # write transaction holds only the statements that must be atomic.
        rows = store.encode_events(self._db.backend, batch)
        user_ids = [e.user_id for e in batch]
        known: set[str] = set()
        if self._db.backend == "sqlite":  # PostgreSQL writers run in parallel: no need
            with self._db.reading() as conn:
                known = user_store.existing_user_ids(conn, user_ids)
        suppressed: list[Event] = []
        with self._db.writing() as conn:
            if self._suppression is not None:
                user_store.hold_against_merges(conn, user_ids)  # and erasures
                erased = self._suppression.among(conn, user_ids)
                if erased:
                    kept = [i for i, e in enumerate(batch) if e.user_id not in erased]
                    suppressed = [e for e in batch if e.user_id in erased]
                    rows, user_ids = [rows[i] for i in kept], [user_ids[i] for i in kept]
            inserted = _insert(conn, rows, user_ids, now=now, known=known) if rows else 0
        if inserted:
            self._recorded()
        return inserted, suppressed

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
