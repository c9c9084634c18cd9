"""Back-in-stock and price-drop alerts, the notifications they write, and the reaction
to item changes that fires them (`fire_alerts`, registered as the `alerts` consumer).

An alert fires once: the reaction that finds its condition met writes one notification
and marks the alert fired, in one transaction. Subscribing again re-arms it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection

from tailored.domain.identifiers import check_identifier
from tailored.domain.lists import is_record_id
from tailored.domain.reactions import ItemChange, Position
from tailored.domain.results import Page
from tailored.domain.subscriptions import (
    MAX_SUBSCRIPTIONS,
    ItemState,
    Notification,
    Subscription,
    already_met,
    check_subscription,
    firing,
)
from tailored.engine.audit import Audit
from tailored.engine.cursors import check_limit, decode_number_cursor, encode_cursor
from tailored.engine.suppression import SuppressionList, refuse_erased
from tailored.errors import Conflict, InvalidInput, NotFound
from tailored.storage import changes
from tailored.storage import items as item_store
from tailored.storage import notifications as note_store
from tailored.storage import subscriptions as store
from tailored.storage import users as user_store
from tailored.storage.changes import Record
from tailored.storage.database import Database

MAX_DELIVERED_IDS = 1000
ALERTS = "alerts"  # the reaction that fires alerts from item changes


class Subscriptions:
    """`engine.subscriptions`: alerts per user and item, and the notifications outbox.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.items.upsert({"id": "lamp", "title": "Lamp", "available": False})
    >>> engine.subscriptions.subscribe("u1", "lamp", "back_in_stock").active
    True
    >>> _ = engine.items.upsert({"id": "lamp", "title": "Lamp", "available": True})
    >>> _ = engine.reactions.run()  # the server's background runner does this
    >>> [n.message for n in engine.subscriptions.notifications("u1").items]
    ['Lamp is back in stock.']
    >>> [n.user_id for n in engine.subscriptions.outbox().items]  # for a delivery worker
    ['u1']
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        suppression: SuppressionList | None = None,
        audit: Audit | None = None,
    ) -> None:
        self._suppression = suppression  # erased ids: not created again
        self._db = db
        self._now = now
        self._audit = audit or Audit(db, now=now)

    def subscribe(
        self, user_id: str, item_id: str, kind: str, *, threshold: float | None = None
    ) -> Subscription:
        """Alert the user when the item is back in stock (`back_in_stock`; it must be
        unavailable now) or when its `price` attribute drops to `threshold` or below
        (`price_below`; it must cost more now, or have no price yet). Subscribing again
        to the same item and kind re-arms the alert with the new threshold."""
        user_id = check_identifier("user_id", user_id)
        item_id = check_identifier("item_id", item_id)
        checked_kind, checked_threshold = check_subscription(kind, threshold)
        now = self._now()
        with self._db.writing() as conn:
            item = item_store.get_item(conn, item_id)
            if item is None:
                raise InvalidInput("item_id", f"no item {item_id!r} in the catalog")
            reason = already_met(checked_kind, checked_threshold, item)
            if reason is not None:
                raise Conflict(reason)
            # The owner's row lock makes the count below hold until commit.
            refuse_erased(conn, self._suppression, user_id)
            user_store.lock_users(conn, [user_id], now=now)
            existing = store.list_subscriptions(conn, user_id)
            renewing = any((s.item_id, s.kind) == (item_id, checked_kind) for s in existing)
            if not renewing and len(existing) >= MAX_SUBSCRIPTIONS:
                raise Conflict(
                    f"a user can keep at most {MAX_SUBSCRIPTIONS} alerts; delete some first"
                )
            return store.subscribe(conn, user_id, item_id, checked_kind, checked_threshold, now=now)

    def delete(self, user_id: str, subscription_id: int) -> None:
        """Stop an alert; another user's alert is not found."""
        with self._db.writing() as conn:
            deleted = is_record_id(subscription_id) and store.delete_subscription(
                conn, user_id, subscription_id
            )
        if not deleted:
            raise NotFound("subscription", str(subscription_id))

    def notifications(
        self, user_id: str, *, unread: bool = False, cursor: str | None = None, limit: int = 50
    ) -> Page[Notification]:
        """The user's notifications, newest first; `unread=True` leaves out read ones."""
        check_limit(limit)
        before = decode_number_cursor(cursor)
        with self._db.reading() as conn:
            found = note_store.for_user(
                conn, user_id, unread=unread, before=before, limit=limit + 1
            )
        return _page(found, limit)

    def mark_read(self, user_id: str, notification_id: int) -> Notification:
        """Mark one of the user's notifications read (marking it again keeps the time)."""
        # No lock needed: the mark is one conditional UPDATE (`read_at IS NULL`), so of
        # concurrent marks the first sets the time and the others change nothing.
        with self._db.writing() as conn:
            note = (
                note_store.get_notification(conn, user_id, notification_id)
                if is_record_id(notification_id)
                else None
            )
            if note is None:
                raise NotFound("notification", str(notification_id))
            note_store.mark_read(conn, notification_id, now=self._now())
            found = note_store.get_notification(conn, user_id, notification_id)
        assert found is not None
        return found

    def outbox(self, *, cursor: str | None = None, limit: int = 100) -> Page[Notification]:
        """Undelivered notifications of every user, oldest first, for a delivery worker:
        send them, then `mark_delivered` their ids."""
        check_limit(limit)
        after = decode_number_cursor(cursor)
        with self._db.reading() as conn:
            found = note_store.outbox(conn, after=after, limit=limit + 1)
        return _page(found, limit)

    def mark_delivered(self, ids: Sequence[int]) -> int:
        """Mark notifications delivered; returns how many were undelivered until now."""
        if isinstance(ids, str | bytes) or not isinstance(ids, Sequence):
            raise InvalidInput("ids", "must be a list of notification ids")
        if not 1 <= len(ids) <= MAX_DELIVERED_IDS:
            raise InvalidInput("ids", f"give 1 to {MAX_DELIVERED_IDS} notification ids")
        for index, value in enumerate(ids):
            if not is_record_id(value):
                raise InvalidInput(f"ids.{index}", "must be a notification id (a positive integer)")
        unique = sorted(set(ids))
        with self._db.writing() as conn:
            marked = note_store.mark_delivered(conn, unique, now=self._now())
            detail = {"ids": unique[:50], "newly_delivered": marked}
            self._audit.record("notifications.delivered", target="outbox", detail=detail, conn=conn)
            return marked

    def list(self, user_id: str, *, active: bool | None = None) -> tuple[Subscription, ...]:
        """The user's alerts, oldest first; `active=True` only armed ones, False only fired."""
        with self._db.reading() as conn:
            return tuple(store.list_subscriptions(conn, user_id, active=active))


def fire_alerts(conn: Connection, batch: Sequence[tuple[Position, Record]]) -> int:
    """The `alerts` reaction to item changes: fire the armed alerts that the changed
    items meet now, one notification each, in the reaction's transaction (so an alert
    fires once). Returns how many fired.

    The condition is checked on the item as it is now, so an item back in stock for a
    moment and gone again by the time this runs sends nothing; the old value a
    notification reports is the item's before the write that made it what it is now."""
    changed = {
        change.item_id
        for _, change in batch
        if isinstance(change, ItemChange) and not change.deleted
    }
    armed = store.armed_for_items(conn, sorted(changed))
    if not armed:
        return 0
    alerted = sorted({s.item_id for s, _ in armed})
    current = item_store.get_items(conn, alerted)
    before = changes.latest_item_changes(conn, alerted)
    drafts = [
        note
        for subscription, _ in armed
        if (item := current.get(subscription.item_id)) is not None
        and (note := firing(subscription, _state_before(before.get(item.id)), item)) is not None
    ]
    if not drafts:
        return 0
    # The owners first, as every writer of a user's things locks them: a merge of one of
    # them (which moves its alerts) finishes before this marks any alert, instead of the
    # two waiting for each other's rows.
    user_store.hold_users(conn, [note.user_id for note in drafts])
    now = max(change.changed_at for _, change in batch if isinstance(change, ItemChange))
    owners = store.mark_fired(
        conn, [note.subscription_id for note in drafts if note.subscription_id], now=now
    )
    # Each alert's owner as it is now: a merge may have moved it since it was read.
    sent = [
        dataclasses.replace(note, user_id=owners[note.subscription_id])
        for note in drafts
        if note.subscription_id in owners
    ]
    note_store.insert_notifications(conn, sent, now=now)
    return len(sent)


def _state_before(change: ItemChange | None) -> ItemState | None:
    if change is None or change.available_before is None:
        return None  # the item was new
    return ItemState(change.available_before, change.price_before)


def _page(found: Sequence[Notification], limit: int) -> Page[Notification]:
    more = len(found) > limit
    page = tuple(found[:limit])
    last = page[-1].id if page else None
    return Page(page, encode_cursor(last) if more and last is not None else None)


__all__ = ["ALERTS", "Subscriptions", "fire_alerts"]
