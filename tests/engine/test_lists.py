"""Favorites and named lists on every backend: saves, order, notes, sharing, ownership,
erasure and identity merge."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tailored import Engine
from tailored.errors import Conflict, InvalidInput, NotFound
from tailored.storage import tables
from tailored.storage import users as user_store

CATALOG = [
    {"id": "mug", "title": "Mug", "attributes": {"price": 8}},
    {"id": "lamp", "title": "Lamp", "attributes": {"price": 25.5}},
    {"id": "tent", "title": "Tent", "attributes": {"price": 200}, "available": False},
    {"id": "socks", "title": "Socks"},
]


@pytest.fixture
def store(engine: Engine) -> Engine:
    assert not engine.items.upsert_many(CATALOG).rejected
    return engine


def _ids(engine: Engine, user_id: str, list_id: int | None = None) -> list[str]:
    saved = (
        engine.lists.favorites(user_id) if list_id is None else engine.lists.get(user_id, list_id)
    )
    assert [e.position for e in saved.entries] == list(range(len(saved.entries)))
    return list(saved.item_ids)


def _likes(engine: Engine) -> list[tuple[str, str | None]]:
    events = engine.events.query(types=["like"], newest_first=False).items
    return [(e.user_id, e.item_id) for e in events]


def test_favorites_are_made_on_the_first_save_and_saving_twice_is_idempotent(store: Engine) -> None:
    empty = store.lists.favorites("ann")
    assert (empty.info.id, empty.info.kind, empty.entries) == (0, "favorites", ())

    first = store.lists.save("ann", "mug")
    again = store.lists.save("ann", "mug")

    assert first.added and not again.added and first.list_id == again.list_id
    favorites = store.lists.favorites("ann")
    assert favorites.info.id == first.list_id and favorites.info.name == "Favorites"
    assert favorites.item_ids == ("mug",)
    assert [i.kind for i in store.lists.list("ann")] == ["favorites"]
    assert _likes(store) == [("ann", "mug")]  # one like: the second save recorded nothing
    like = store.events.query(types=["like"]).items[0]
    assert like.context == {"list_id": first.list_id, "list": "favorites"}
    assert store.users.get("ann").activity.by_type == {"like": 1}  # type: ignore[union-attr]


def test_entries_show_the_catalog_as_it_is_now_and_mark_deleted_items(store: Engine) -> None:
    for item in ("mug", "lamp", "tent"):
        store.lists.save("ann", item)
    store.items.upsert({"id": "mug", "title": "Big mug", "attributes": {"price": 9.5},
                        "available": False})  # fmt: skip
    store.items.delete("lamp")

    entries = {e.item_id: e for e in store.lists.favorites("ann").entries}

    mug, lamp, tent = entries["mug"], entries["lamp"], entries["tent"]
    assert (mug.title, mug.price, mug.available, mug.in_catalog) == ("Big mug", 9.5, False, True)
    assert (lamp.title, lamp.price, lamp.available, lamp.in_catalog) == (None, None, False, False)
    assert (tent.title, tent.available) == ("Tent", False)
    assert _ids(store, "ann") == ["mug", "lamp", "tent"]  # a deleted item keeps its place


def test_an_unknown_item_is_refused_naming_item_id_and_nothing_is_written(store: Engine) -> None:
    with pytest.raises(InvalidInput) as caught:
        store.lists.save("ann", "no-such-item")
    assert caught.value.field == "item_id" and "no-such-item" in caught.value.problem
    assert store.lists.favorites("ann").info.id == 0
    assert store.users.count() == 0 and store.events.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"user_id": "a/b"}, "user_id"),
        ({"user_id": ""}, "user_id"),
        ({"item_id": "x\ny"}, "item_id"),
        ({"note": "n" * 1001}, "note"),
        ({"position": -1}, "position"),
    ],
)
def test_bad_save_input_names_the_field(
    store: Engine, kwargs: dict[str, object], field: str
) -> None:
    args = {"user_id": "ann", "item_id": "mug", **kwargs}
    with pytest.raises(InvalidInput) as caught:
        store.lists.save(**args)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert store.events.count() == 0 and store.users.count() == 0


def test_positions_notes_and_removal_keep_a_dense_order(store: Engine) -> None:
    gifts = store.lists.create("ann", "Gifts")
    for item in ("mug", "lamp", "tent"):
        store.lists.save("ann", item, list_id=gifts.id)

    store.lists.save("ann", "socks", list_id=gifts.id, position=1, note="wool, size 42")
    assert _ids(store, "ann", gifts.id) == ["mug", "socks", "lamp", "tent"]
    moved = store.lists.save("ann", "tent", list_id=gifts.id, position=0)
    assert not moved.added and moved.entry.position == 0
    assert _ids(store, "ann", gifts.id) == ["tent", "mug", "socks", "lamp"]
    store.lists.save("ann", "lamp", list_id=gifts.id, position=99)  # clamped to the end
    assert _ids(store, "ann", gifts.id) == ["tent", "mug", "socks", "lamp"]

    assert store.lists.unsave("ann", "mug", list_id=gifts.id) is True
    assert store.lists.unsave("ann", "mug", list_id=gifts.id) is False
    assert _ids(store, "ann", gifts.id) == ["tent", "socks", "lamp"]
    notes = {e.item_id: e.note for e in store.lists.get("ann", gifts.id).entries}
    assert notes["socks"] == "wool, size 42"

    kept = store.lists.save("ann", "socks", list_id=gifts.id)  # no note given: kept
    assert kept.entry.note == "wool, size 42"
    cleared = store.lists.save("ann", "socks", list_id=gifts.id, note="")
    assert cleared.entry.note == ""
    assert [i.size for i in store.lists.list("ann")] == [3]  # no favorites: nothing saved there


def test_named_lists_have_unique_names_and_favorites_keep_theirs(store: Engine) -> None:
    store.lists.save("ann", "mug")
    gifts = store.lists.create("ann", "  Gifts ", description="for Bo")
    assert (gifts.name, gifts.description, gifts.kind, gifts.size) == ("Gifts", "for Bo", "list", 0)
    with pytest.raises(Conflict, match="already has a list named 'Gifts'"):
        store.lists.create("ann", "Gifts")
    assert store.lists.create("bo", "Gifts").user_id == "bo"  # names are per user

    trips = store.lists.create("ann", "Trips")
    with pytest.raises(Conflict):
        store.lists.update("ann", trips.id, name="Gifts")
    renamed = store.lists.update("ann", trips.id, name="Holidays", description="summer")
    assert (renamed.name, renamed.description) == ("Holidays", "summer")
    favorites = store.lists.favorites("ann").info.id
    with pytest.raises(InvalidInput) as caught:
        store.lists.update("ann", favorites, name="Best")
    assert caught.value.field == "name"
    with pytest.raises(InvalidInput) as empty:
        store.lists.create("ann", "   ")
    assert empty.value.field == "name"

    assert [i.name for i in store.lists.list("ann")] == ["Favorites", "Gifts", "Holidays"]
    store.lists.delete("ann", trips.id)
    with pytest.raises(NotFound):
        store.lists.get("ann", trips.id)
    assert [i.name for i in store.lists.list("ann")] == ["Favorites", "Gifts"]


def test_another_users_list_is_not_found_and_stays_as_it_was(store: Engine) -> None:
    gifts = store.lists.create("ann", "Gifts")
    store.lists.save("ann", "mug", list_id=gifts.id)
    attempts = [
        lambda: store.lists.get("bo", gifts.id),
        lambda: store.lists.save("bo", "lamp", list_id=gifts.id),
        lambda: store.lists.unsave("bo", "mug", list_id=gifts.id),
        lambda: store.lists.update("bo", gifts.id, name="Mine"),
        lambda: store.lists.share("bo", gifts.id),
        lambda: store.lists.unshare("bo", gifts.id),
        lambda: store.lists.delete("bo", gifts.id),
        lambda: store.lists.get("ann", 10**30),
        lambda: store.lists.get("ann", 0),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    kept = store.lists.get("ann", gifts.id)
    assert (kept.info.name, kept.item_ids, kept.info.shared) == ("Gifts", ("mug",), False)


def test_sharing_gives_an_unguessable_link_that_revoking_stops(store: Engine) -> None:
    gifts = store.lists.create("ann", "Gifts")
    store.lists.save("ann", "lamp", list_id=gifts.id, note="the red one")

    link = store.lists.share("ann", gifts.id)
    assert len(link.token) >= 32 and link.path == f"/v1/shared-lists/{link.token}"
    assert store.lists.share("ann", gifts.id) == link  # sharing again: the same link
    shared = store.lists.shared(link.token)
    assert (shared.info.name, shared.item_ids) == ("Gifts", ("lamp",))
    assert shared.entries[0].note == "the red one"
    assert store.lists.get("ann", gifts.id).info.share_path == link.path

    store.lists.unshare("ann", gifts.id)
    with pytest.raises(NotFound):
        store.lists.shared(link.token)
    fresh = store.lists.share("ann", gifts.id)
    assert fresh.token != link.token
    with pytest.raises(NotFound):
        store.lists.shared("x" * 500)


def test_a_full_list_refuses_new_items_but_not_updates(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tailored.engine.lists.MAX_ENTRIES", 2)
    store.lists.save("ann", "mug")
    store.lists.save("ann", "lamp")
    with pytest.raises(Conflict, match="holds 2 items"):
        store.lists.save("ann", "tent")
    assert store.lists.save("ann", "mug", note="still fine").entry.note == "still fine"
    assert _ids(store, "ann") == ["mug", "lamp"]


def _rows_of(engine: Engine, user_id: str) -> dict[str, int]:
    owned = {
        "lists": tables.lists.c.user_id,
        "saved_orders": tables.saved_orders.c.user_id,
        "subscriptions": tables.subscriptions.c.user_id,
        "notifications": tables.notifications.c.user_id,
    }
    with engine.db.reading() as conn:
        counts = {
            name: int(conn.execute(select(func.count()).where(column == user_id)).scalar_one())
            for name, column in owned.items()
        }
        counts["list_entries"] = int(
            conn.execute(select(func.count()).select_from(tables.list_entries)).scalar_one()
        )
    return counts


def _customize(engine: Engine, user_id: str) -> None:
    engine.lists.save(user_id, "mug")
    gifts = engine.lists.create(user_id, "Gifts")
    engine.lists.save(user_id, "lamp", list_id=gifts.id)
    engine.lists.share(user_id, gifts.id)
    engine.orders.create(user_id, "usual", [("mug", 2)])
    engine.subscriptions.subscribe(user_id, "tent", "back_in_stock")


def test_erasing_a_user_erases_their_lists_orders_alerts_and_notifications(store: Engine) -> None:
    _customize(store, "ann")
    _customize(store, "bo")
    store.items.upsert({"id": "tent", "title": "Tent", "available": True})
    store.reactions.run()  # both alerts fire
    assert _rows_of(store, "ann") == {"lists": 2, "saved_orders": 1, "subscriptions": 1,
                                      "notifications": 1, "list_entries": 4}  # fmt: skip

    with store.db.writing() as conn:
        user_store.delete_user(conn, "ann")

    assert _rows_of(store, "ann") == {"lists": 0, "saved_orders": 0, "subscriptions": 0,
                                      "notifications": 0, "list_entries": 2}  # fmt: skip
    assert _rows_of(store, "bo")["lists"] == 2 and store.orders.list("bo")
    assert store.lists.favorites("ann").info.id == 0 and store.orders.list("ann") == ()


def test_a_visitors_lists_orders_and_alerts_follow_them_when_they_log_in(store: Engine) -> None:
    store.lists.save("ann", "lamp")
    store.orders.create("ann", "usual", [("lamp", 1)])
    store.subscriptions.subscribe("ann", "tent", "back_in_stock")
    _customize(store, "anon-1")
    store.lists.save("anon-1", "lamp")
    anon_gifts = store.lists.list("anon-1")[1].id

    store.users.merge("ann", "anon-1")

    assert _ids(store, "ann") == ["lamp", "mug"]  # merged into ann's favorites, new items last
    lists = store.lists.list("ann")
    assert [(i.name, i.size) for i in lists] == [("Favorites", 2), ("Gifts", 1)]
    assert lists[1].id == anon_gifts and lists[1].shared  # moved whole, link still works
    assert [o.name for o in store.orders.list("ann")] == ["usual", "usual (2)"]
    assert [(s.item_id, s.kind) for s in store.subscriptions.list("ann")] == [
        ("tent", "back_in_stock")
    ]
    assert _rows_of(store, "anon-1") == {"lists": 0, "saved_orders": 0, "subscriptions": 0,
                                         "notifications": 0, "list_entries": 3}  # fmt: skip
