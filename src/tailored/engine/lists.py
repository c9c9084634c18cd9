"""Favorites and named lists: save and unsave items, order them, share a list by link."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from tailored.domain.events import Event
from tailored.domain.identifiers import check_identifier
from tailored.domain.lists import (
    FAVORITES_NAME,
    MAX_ENTRIES,
    MAX_LISTS,
    MAX_NAME,
    MAX_TEXT,
    ListEntry,
    ListInfo,
    SavedEntry,
    SavedList,
    ShareLink,
    check_text,
    is_record_id,
    placed,
)
from tailored.engine.suppression import SuppressionList, refuse_erased
from tailored.errors import Conflict, InvalidInput, NotFound
from tailored.storage import events as event_store
from tailored.storage import items as item_store
from tailored.storage import lists as store
from tailored.storage import users as user_store
from tailored.storage.database import Database

SAVE_EVENT = "like"  # the built-in event a save records, so saved items shape recommendations
_TOKEN_BYTES = 24  # 32 URL-safe characters: unguessable, and short enough for a link


class Lists:
    """`engine.lists`: each user's favorites and named lists (wishlists).

    Saving an item records a `like` event in the same transaction (saving it again
    changes nothing), so favorites inform recommendations.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> _ = engine.items.upsert({"id": "mug", "title": "Mug", "attributes": {"price": 8}})
    >>> engine.lists.save("u1", "mug").added
    True
    >>> [(e.item_id, e.title, e.price) for e in engine.lists.favorites("u1").entries]
    [('mug', 'Mug', 8.0)]
    >>> gifts = engine.lists.create("u1", "Birthday")
    >>> engine.lists.save("u1", "mug", list_id=gifts.id, note="the blue one").entry.note
    'the blue one'
    >>> engine.lists.share("u1", gifts.id).path.startswith("/v1/shared-lists/")
    True
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        *,
        now: Callable[[], datetime],
        suppression: SuppressionList | None = None,
    ) -> None:
        self._suppression = suppression  # erased ids: not created again
        self._db = db
        self._now = now

    def favorites(self, user_id: str) -> SavedList:
        """The user's favorites; id 0 and no entries until they save their first item."""
        with self._db.reading() as conn:
            info = store.favorites_info(conn, user_id)
            if info is not None:
                return store.read_list(conn, info)
        return SavedList(ListInfo(0, user_id, "favorites", FAVORITES_NAME))

    def save(
        self,
        user_id: str,
        item_id: str,
        *,
        list_id: int | None = None,
        note: str | None = None,
        position: int | None = None,
    ) -> SavedEntry:
        """Put a catalog item on a list (default: favorites, made on first use).

        Saving an item already there keeps it once: `note` replaces its note when given
        ("" clears it) and `position` (0-based) moves it; a new item goes last unless a
        position is given."""
        user_id = check_identifier("user_id", user_id)
        item_id = check_identifier("item_id", item_id)
        if note is not None:
            note = check_text("note", note, maximum=MAX_TEXT)
        _check_position(position)
        now = self._now()
        with self._db.writing() as conn:
            refuse_erased(conn, self._suppression, user_id)
            _lock_owner(conn, user_id, now=now)
            item = item_store.get_item(conn, item_id)
            if item is None:
                raise InvalidInput("item_id", f"no item {item_id!r} in the catalog")
            if list_id is None:
                target = store.ensure_favorites(conn, user_id, now=now)
                kind = "favorites"
            else:
                info = self._own(conn, user_id, list_id)
                target, kind = info.id, info.kind
            stored = store.stored_entries(conn, target)
            before = stored.get(item_id)
            if before is None and len(stored) >= MAX_ENTRIES:
                raise Conflict(
                    f"list {target} holds {MAX_ENTRIES} items, the most a list can; "
                    "remove some first"
                )
            order = placed(list(stored), item_id, position)
            positions = {other: entry.position for other, entry in stored.items()}
            if before is None:
                store.insert_entry(conn, target, item_id, note=note or "", now=now)
            elif note is not None and note != before.note:
                store.set_note(conn, target, item_id, note)
            store.set_order(conn, target, order, stored=positions)
            changed = (
                before is None
                or order != list(stored)
                or (note is not None and note != before.note)
            )
            if changed:
                store.update_list(conn, target, {"updated_at": now})
            if before is None:
                _record_save(conn, self._db.backend, user_id, item_id, target, kind, now=now)
        entry = ListEntry(
            item_id=item_id,
            position=order.index(item_id),
            note=note if note is not None else (before.note if before else ""),
            added_at=before.added_at if before else now,
            item=item,
        )
        return SavedEntry(target, entry, added=before is None)

    def unsave(self, user_id: str, item_id: str, *, list_id: int | None = None) -> bool:
        """Take an item off a list (default: favorites); False if it was not on it."""
        now = self._now()
        with self._db.writing() as conn:
            _lock_owner(conn, user_id)
            if list_id is None:
                favorites = store.favorites_info(conn, user_id)
                if favorites is None:
                    return False
                target = favorites.id
            else:
                target = self._own(conn, user_id, list_id).id
            if not store.delete_entry(conn, target, item_id):
                return False
            remaining = store.stored_entries(conn, target)
            positions = {other: entry.position for other, entry in remaining.items()}
            store.set_order(conn, target, list(remaining), stored=positions)
            store.update_list(conn, target, {"updated_at": now})
        return True

    def create(self, user_id: str, name: str, *, description: str = "") -> ListInfo:
        """A new named list; names are unique per user (`Conflict` otherwise)."""
        user_id = check_identifier("user_id", user_id)
        name = check_text("name", name, maximum=MAX_NAME, required=True)
        description = check_text("description", description, maximum=MAX_TEXT)
        now = self._now()
        with self._db.writing() as conn:
            refuse_erased(conn, self._suppression, user_id)
            _lock_owner(conn, user_id, now=now)
            if store.count_lists(conn, user_id) >= MAX_LISTS:
                raise Conflict(f"a user can keep at most {MAX_LISTS} lists; delete one first")
            list_id = store.insert_list(
                conn, user_id, kind="list", name=name, description=description, now=now
            )
            if list_id is None:
                raise Conflict(f"name: user {user_id!r} already has a list named {name!r}")
            return self._own(conn, user_id, list_id)

    def get(self, user_id: str, list_id: int) -> SavedList:
        """The list with its items, each with its current title, availability and price."""
        with self._db.reading() as conn:
            return store.read_list(conn, self._own(conn, user_id, list_id))

    def update(
        self,
        user_id: str,
        list_id: int,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> ListInfo:
        """Rename a list or change its description (what is not given stays)."""
        changes: dict[str, object] = {}
        if name is not None:
            changes["name"] = check_text("name", name, maximum=MAX_NAME, required=True)
        if description is not None:
            changes["description"] = check_text("description", description, maximum=MAX_TEXT)
        now = self._now()
        with self._db.writing() as conn:
            _lock_owner(conn, user_id)
            info = self._own(conn, user_id, list_id)
            new_name = changes.get("name")
            if new_name is not None and new_name != info.name:
                if info.kind == "favorites":
                    raise InvalidInput("name", "the favorites list cannot be renamed")
                if store.name_taken(conn, user_id, str(new_name), besides=info.id):
                    raise Conflict(f"name: user {user_id!r} already has a list named {new_name!r}")
            if changes:
                store.update_list(conn, info.id, {**changes, "updated_at": now})
            return self._own(conn, user_id, list_id)

    def delete(self, user_id: str, list_id: int) -> None:
        """Delete a list and its entries (deleting favorites empties them for good; the
        next save starts a new favorites list)."""
        with self._db.writing() as conn:
            _lock_owner(conn, user_id)
            store.delete_list(conn, self._own(conn, user_id, list_id).id)

    def share(self, user_id: str, list_id: int) -> ShareLink:
        """A public read-only link to the list; sharing a shared list returns its link.
        `unshare` stops the link working; sharing again then makes a new one."""
        with self._db.writing() as conn:
            _lock_owner(conn, user_id)
            info = self._own(conn, user_id, list_id)
            if info.share_token is not None:
                return ShareLink.of(info.share_token)
            token = secrets.token_urlsafe(_TOKEN_BYTES)
            store.set_share_token(conn, info.id, token, now=self._now())
        return ShareLink.of(token)

    def unshare(self, user_id: str, list_id: int) -> None:
        """Revoke the list's link (nothing to do if it was not shared)."""
        with self._db.writing() as conn:
            _lock_owner(conn, user_id)
            info = self._own(conn, user_id, list_id)
            if info.share_token is not None:
                store.set_share_token(conn, info.id, None, now=self._now())

    def shared(self, token: str) -> SavedList:
        """The list behind a share link, for anyone who has the link."""
        if not isinstance(token, str) or not 1 <= len(token) <= 64:
            raise NotFound("shared list", str(token)[:64])
        with self._db.reading() as conn:
            info = store.info_by_token(conn, token)
            if info is None:
                raise NotFound("shared list", token)
            return store.read_list(conn, info)

    def list(self, user_id: str) -> tuple[ListInfo, ...]:
        """The user's lists (favorites first, then by creation), with their sizes."""
        with self._db.reading() as conn:
            return tuple(store.list_infos(conn, user_id))

    @staticmethod
    def _own(conn: Connection, user_id: str, list_id: int) -> ListInfo:
        info = store.get_info(conn, user_id, list_id) if is_record_id(list_id) else None
        if info is None:
            raise NotFound("list", str(list_id))
        return info


def _lock_owner(conn: Connection, user_id: str, *, now: datetime | None = None) -> None:
    """Lock the user's row (made first, with `now`) before reading any of their lists:
    every check here (the number of lists, a free name, a list's entries and positions,
    whether it is shared, whether it exists at all) then holds until the write commits,
    because every writer of a user's lists takes this lock first."""
    user_store.lock_users(conn, [user_id], now=now)


def _check_position(position: object) -> None:
    if position is None:
        return
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise InvalidInput("position", "must be a whole number, 0 (first) or more")


def _record_save(
    conn: Connection,
    backend: str,
    user_id: str,
    item_id: str,
    list_id: int,
    kind: str,
    *,
    now: datetime,
) -> None:
    event = Event(
        event_id=uuid.uuid4().hex,
        user_id=user_id,
        item_id=item_id,
        type=SAVE_EVENT,
        timestamp=now,
        context={"list_id": list_id, "list": kind},
        received_at=now,
    )
    event_store.insert_events(conn, event_store.encode_events(backend, [event]))


__all__ = ["SAVE_EVENT", "Lists"]
