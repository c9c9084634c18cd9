"""An identity merge leaves nothing of the visitor behind, in every table that declares
user data (storage/ownership.py), on every backend. Driven by the registry: a table
declared later is checked too, and this test asks for it to be seeded."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tailored import Engine
from tailored.storage import tables
from tailored.storage.ownership import Merge, Owned, registry

VISITOR, KNOWN, EARLIER = "visitor", "known", "earlier-device"
CUP = {
    "id": "cup", "name": "A cup", "currency": "EUR", "base_price": 2,
    "groups": [{"id": "size", "label": "Size", "kind": "single", "required": True,
                "choices": [{"id": "S", "label": "Small"}, {"id": "M", "label": "Medium"}]}],
}  # fmt: skip
ENTRIES = registry(tables.metadata)
MERGED = [entry for entry in ENTRIES if entry.merge is not Merge.KEEP]  # KEEP: left as is


def _customize(engine: Engine, user_id: str) -> None:
    """Something in each table that holds user data, through the engine's public API."""
    engine.users.upsert(user_id, {"city": f"{user_id}'s city"})
    engine.events.record({"user_id": user_id, "item_id": "mug", "type": "view"})
    engine.consents.set(user_id, {"analytics": True})
    engine.preferences.update(user_id, {"theme": "dark"}, changed_by="test")
    engine.lists.save(user_id, "mug")  # favorites, like every user: the lists fold
    gifts = engine.lists.create(user_id, f"Gifts of {user_id}")
    engine.lists.save(user_id, "lamp", list_id=gifts.id)
    engine.orders.create(user_id, "usual", [("mug", 2)])  # the same name: renamed
    engine.subscriptions.subscribe(user_id, "tent", "back_in_stock")  # the same alert
    engine.subscriptions.subscribe(user_id, "mug", "price_below", threshold=5)
    engine.configurators.save_design(user_id, "cup", "mine", {"size": "M"})


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    engine.items.upsert_many([
        {"id": "mug", "title": "Mug", "attributes": {"price": 8}},
        {"id": "lamp", "title": "Lamp"},
        {"id": "tent", "title": "Tent", "available": False},
    ])  # fmt: skip
    engine.configurators.define(CUP)
    _customize(engine, KNOWN)
    _customize(engine, VISITOR)
    engine.items.upsert({"id": "tent", "title": "Tent", "available": True})
    engine.reactions.run()  # notifies both
    engine.events.record({"user_id": EARLIER, "type": "view", "item_id": "lamp"})
    engine.users.merge(VISITOR, EARLIER)  # an id that leads to the visitor
    return engine


def _keys(engine: Engine, entry: Owned, user_id: str) -> set[tuple[Any, ...]]:
    """The primary keys of `user_id`'s rows that `entry` selects."""
    query = select(*entry.table.primary_key.columns).where(entry.rows_of(user_id))
    with engine.db.reading() as conn:
        return {tuple(row) for row in conn.execute(query)}


@pytest.mark.parametrize("entry", MERGED, ids=lambda e: f"{e.table.name}.{e.column.name}")
def test_after_a_merge_the_visitor_has_no_row_left_and_moved_rows_are_the_known_users(
    seeded: Engine, entry: Owned
) -> None:
    visitors = _keys(seeded, entry, VISITOR)
    assert visitors, f"seed {entry.table.name} for the visitor in _customize (public API)"

    seeded.users.merge(KNOWN, VISITOR)

    assert _keys(seeded, entry, VISITOR) == set()
    if entry.merge is Merge.MOVE:
        assert visitors <= _keys(seeded, entry, KNOWN)


def test_every_way_to_hold_user_data_but_one_is_checked_above() -> None:
    # Only the alias column of a merge record stays (it is how later events find the
    # known user); everything else is moved, folded or deleted.
    kept = [(e.table.name, e.column.name) for e in ENTRIES if e.merge is Merge.KEEP]
    assert kept == [("user_merges", "anonymous_id")]


def test_the_folds_keep_the_known_users_rows_where_both_have_one(seeded: Engine) -> None:
    seeded.users.merge(KNOWN, VISITOR)

    profile = seeded.users.get(KNOWN)
    assert profile.traits == {"city": "known's city"}
    assert [(c.purpose, c.granted) for c in profile.consents] == [("analytics", True)]
    assert [o.name for o in seeded.orders.list(KNOWN)] == ["usual", "usual (2)"]
    assert sorted((s.item_id, s.kind) for s in seeded.subscriptions.list(KNOWN)) == [
        ("mug", "price_below"),
        ("tent", "back_in_stock"),
    ]
    assert [(i.name, i.size) for i in seeded.lists.list(KNOWN)] == [
        ("Favorites", 1),  # the same mug, once
        ("Gifts of known", 1),
        ("Gifts of visitor", 1),
    ]
    with seeded.db.reading() as conn:
        log = select(func.count()).where(tables.consent_log.c.user_id == KNOWN)
        assert conn.execute(log).scalar_one() == 1  # the known user's decision only
