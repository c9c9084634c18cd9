"""Catalog use cases: upsert, read, filter, delete items.

Listed for a user (`list(user_id=...)`), the catalog leaves out what that user said never
to show (a blocked category or brand) and what is outside the ranges they set, as every
recommendation for them does."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from tailored.domain.catalog import Item
from tailored.domain.identifiers import check_identifier
from tailored.domain.preference_effects import preference_filters
from tailored.domain.recommendations import Filters
from tailored.domain.results import BatchResult, Page
from tailored.engine.audit import Audit
from tailored.engine.cursors import check_limit, decode_cursor, encode_cursor
from tailored.engine.inputs import ItemIn, validate_rows
from tailored.engine.preferences.schemas import PreferenceSchemas
from tailored.errors import InvalidInput, NotFound, PayloadTooLarge
from tailored.ranking.catalog_index import CatalogIndex
from tailored.storage import changes
from tailored.storage import items as store
from tailored.storage.database import Database
from tailored.storage.serving import user_state

FILTERED_READ = 500  # items read at a time when a user's filters may drop many


class Items:
    """`engine.items`: the catalog.

    >>> from tailored import Engine
    >>> engine = Engine.open("sqlite://")
    >>> engine.items.upsert({"id": "sku-1", "title": "Trail runner", "categories": ["shoes"],
    ...                      "attributes": {"brand": "Acme", "price": 89.0}}).title
    'Trail runner'
    >>> [i.id for i in engine.items.list(attributes={"brand": ["Acme"]}).items]
    ['sku-1']
    >>> _ = engine.preferences.update("ann", {"blocked_categories": ["shoes"]}, changed_by="ann")
    >>> engine.items.list(user_id="ann").items
    ()
    >>> engine.close()
    """

    def __init__(
        self,
        db: Database,
        schemas: PreferenceSchemas,
        *,
        now: Callable[[], datetime],
        max_batch: int,
        changed: Callable[[], None] = lambda: None,
        audit: Audit | None = None,
    ) -> None:
        self._db = db
        self._audit = audit or Audit(db, now=now)
        self._schemas = schemas
        self._now = now
        self._max_batch = max_batch
        self._changed = changed  # told after a write commits (reactions follow the log)

    def upsert(self, item: Mapping[str, Any] | ItemIn) -> Item:
        """Create or replace one item; raises `InvalidInput` naming the bad field."""
        result = self.upsert_many([item])
        if result.rejected:
            rejection = result.rejected[0]
            raise InvalidInput(rejection.field, rejection.reason)
        return self.get(_id_of(item))

    def upsert_many(self, rows: Sequence[Mapping[str, Any] | ItemIn]) -> BatchResult:
        """Create or replace items; bad rows are reported, good rows stored together."""
        if len(rows) > self._max_batch:
            raise PayloadTooLarge(
                "items", f"{len(rows)} rows in one batch; send at most {self._max_batch}"
            )
        good, rejected = validate_rows(ItemIn, rows)
        # A later row for the same id replaces an earlier one, as sequential upserts would.
        latest = {row.id: row for _, row in good}
        batch = [
            Item(
                id=r.id,
                title=r.title,
                description=r.description,
                categories=tuple(r.categories),
                attributes=r.attributes,
                available=r.available,
            )
            for r in latest.values()
        ]
        if batch:
            now = self._now()
            with self._db.writing() as conn:
                # Logged first: each change keeps what the item was before (for alerts).
                changes.record_item_changes(conn, batch, deleted=False, now=now)
                store.upsert_items(conn, batch, now=now)
                # One entry per batch (imports send thousands): the count and a few ids.
                target = batch[0].id if len(batch) == 1 else "items"
                detail = {"count": len(batch), "ids": [item.id for item in batch[:20]]}
                self._audit.record("item.upsert", target=target, detail=detail, conn=conn)
            self._changed()
        return BatchResult(accepted=len(good), rejected=tuple(rejected))

    def get(self, item_id: str) -> Item:
        with self._db.reading() as conn:
            item = store.get_item(conn, item_id)
        if item is None:
            raise NotFound("item", item_id)
        return item

    def get_many(self, item_ids: Sequence[str]) -> dict[str, Item]:
        """The items that exist among `item_ids` (unknown ids are simply absent)."""
        with self._db.reading() as conn:
            return store.get_items(conn, item_ids)

    def list(
        self,
        *,
        categories: Sequence[str] = (),
        attributes: Mapping[str, Sequence[str]] | None = None,
        available: bool | None = None,
        cursor: str | None = None,
        limit: int = 50,
        user_id: str | None = None,
    ) -> Page[Item]:
        """Items by id; `attributes={"brand": ["Acme", "Zed"]}` matches either brand.
        With `user_id`, only what that user may be shown (see the module)."""
        check_limit(limit)
        never = Filters()
        if user_id is not None:
            check_identifier("user_id", user_id)
            schema = self._schemas.get()  # before the read transaction: it may read too
            with self._db.reading() as conn:
                chosen = user_state(conn, user_id, "personalization").preferences
            never = preference_filters(schema, chosen)
        after = decode_cursor(cursor)
        # What the user's filters thin out is read on, in larger reads (the next page
        # starts after the last item returned, so nothing read past it is lost).
        chunk = limit + 1 if never.is_empty else max(limit + 1, FILTERED_READ)
        found: list[Item] = []
        with self._db.reading() as conn:
            while len(found) <= limit:
                batch = store.list_items(
                    conn,
                    categories=categories,
                    attributes=attributes,
                    available=available,
                    after=after,
                    limit=chunk,
                )
                found += _passing(batch, never)
                if len(batch) < chunk:
                    break
                after = batch[-1].id
        more = len(found) > limit
        found = found[:limit]
        return Page(tuple(found), encode_cursor(found[-1].id) if more else None)

    def delete(self, item_id: str) -> None:
        with self._db.writing() as conn:
            found = store.get_item(conn, item_id)
            if found is not None:
                changes.record_item_changes(conn, [found], deleted=True, now=self._now())
                store.delete_item(conn, item_id)
                self._audit.record("item.delete", target=item_id, conn=conn)
        if found is None:
            raise NotFound("item", item_id)
        self._changed()

    def count(self) -> int:
        with self._db.reading() as conn:
            return store.count_items(conn)


def _passing(items: Sequence[Item], filters: Filters) -> list[Item]:
    """The items `filters` let through, by the rules recommendations filter by (sold-out
    items too: whether to list them is the caller's `available`)."""
    if filters.is_empty or not items:
        return list(items)
    rows = [(i.id, i.title, list(i.categories), i.attributes, True) for i in items]
    index = CatalogIndex.build(rows)
    return [item for item, keep in zip(items, index.mask(filters), strict=True) if keep]


def _id_of(item: Mapping[str, Any] | ItemIn) -> str:
    return item.id if isinstance(item, ItemIn) else str(item.get("id", "")).strip()
