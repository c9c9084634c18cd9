"""What users save for themselves, written by many requests at once, on every backend.

Each check-then-write here (a count against a limit, a name that must be free, positions
computed from the entries there, lines replaced as a whole) is safe only if two writers
cannot both check before either writes. The threads start together (`at_once`) so their
transactions overlap; every final state is read back and checked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from tailored import Engine
from tailored.domain.lists import MAX_LISTS, ListInfo, SavedEntry, ShareLink
from tailored.domain.orders import MAX_ORDERS, SavedOrder
from tailored.domain.subscriptions import MAX_SUBSCRIPTIONS, Subscription
from tailored.storage import tables
from tailored.storage import users as user_store
from tailored.testing.concurrency import at_once

PARALLEL = 20
ITEMS = [f"item{n:02d}" for n in range(PARALLEL)]


@pytest.fixture
def store(engine: Engine) -> Engine:
    rows = [{"id": i, "title": i.title(), "available": False} for i in ITEMS]
    assert not engine.items.upsert_many(rows).rejected
    return engine


def _fill(engine: Engine, table: Any, user_id: str, rows: list[dict[str, Any]]) -> None:
    """Store `rows` for `user_id` directly: a user close to a limit, in one transaction."""
    now = datetime.now(UTC)
    with engine.db.writing() as conn:
        user_store.ensure_users(conn, [user_id], now=now)
        conn.execute(insert(table), [{"user_id": user_id, **row} for row in rows])


def _count(engine: Engine, table: Any, user_id: str) -> int:
    with engine.db.reading() as conn:
        query = select(func.count()).select_from(table).where(table.c.user_id == user_id)
        return int(conn.execute(query).scalar_one())


def _stored_positions(engine: Engine, list_id: int) -> list[tuple[int, str]]:
    e = tables.list_entries.c
    with engine.db.reading() as conn:
        query = select(e.position, e.item_id).where(e.list_id == list_id).order_by(e.position)
        return [(int(p), i) for p, i in conn.execute(query)]


def _outcome_types(outcomes: list[Any]) -> list[str]:
    return sorted(type(o).__name__ for o in outcomes)


# --- lists -----------------------------------------------------------------------------


def _save(engine: Engine, user_id: str, list_id: int | None, n: int) -> SavedEntry:
    return engine.lists.save(user_id, ITEMS[n], list_id=list_id)


def test_parallel_saves_to_one_list_keep_every_item_once_in_a_dense_order(store: Engine) -> None:
    wishlist = store.lists.create("bo", "Wishlist")
    for user_id, list_id in (("ann", None), ("bo", wishlist.id)):  # favorites made on the fly
        outcomes = at_once(PARALLEL, partial(_save, store, user_id, list_id))

        assert all(isinstance(o, SavedEntry) and o.added for o in outcomes)
        target = {o.list_id for o in outcomes if isinstance(o, SavedEntry)}
        assert len(target) == 1
        stored = _stored_positions(store, target.pop())
        assert [p for p, _ in stored] == list(range(PARALLEL))
        assert sorted(i for _, i in stored) == ITEMS
    likes = store.events.query(types=["like"], limit=1000).items
    assert len(likes) == 2 * PARALLEL  # one like per item saved


def _create_list(engine: Engine, n: int) -> ListInfo:
    return engine.lists.create("ann", f"New {n}")


def test_parallel_list_creations_never_pass_the_limit(store: Engine) -> None:
    room = 5
    now = datetime.now(UTC)
    rows = [
        {"kind": "list", "name": f"Old {n}", "description": "", "created_at": now,
         "updated_at": now}
        for n in range(MAX_LISTS - room)
    ]  # fmt: skip
    _fill(store, tables.lists, "ann", rows)

    outcomes = at_once(PARALLEL, partial(_create_list, store))

    assert _outcome_types(outcomes) == sorted(
        ["Conflict"] * (PARALLEL - room) + ["ListInfo"] * room
    )
    assert _count(store, tables.lists, "ann") == MAX_LISTS


def _rename(engine: Engine, list_ids: list[int], n: int) -> ListInfo:
    return engine.lists.update("ann", list_ids[n], name="Birthday")


def test_parallel_renames_to_one_name_leave_one_list_with_it(store: Engine) -> None:
    list_ids = [store.lists.create("ann", f"List {n}").id for n in range(10)]

    outcomes = at_once(10, partial(_rename, store, list_ids))

    assert _outcome_types(outcomes) == sorted(["Conflict"] * 9 + ["ListInfo"])
    names = [info.name for info in store.lists.list("ann")]
    assert names.count("Birthday") == 1 and len(names) == 10


def _share(engine: Engine, list_id: int, n: int) -> ShareLink:
    return engine.lists.share("ann", list_id)


def test_parallel_shares_of_a_list_give_one_link_that_works(store: Engine) -> None:
    gifts = store.lists.create("ann", "Gifts")

    outcomes = at_once(10, partial(_share, store, gifts.id))

    links = {o.token for o in outcomes if isinstance(o, ShareLink)}
    assert len(links) == 1 and len(outcomes) == 10
    assert store.lists.shared(links.pop()).info.id == gifts.id


def _save_or_delete(engine: Engine, list_id: int, n: int) -> object:
    if n == PARALLEL // 2:
        engine.lists.delete("ann", list_id)
        return "deleted"
    return engine.lists.save("ann", ITEMS[n], list_id=list_id)


def test_saves_racing_the_deletion_of_their_list_are_saved_or_not_found(store: Engine) -> None:
    for _ in range(3):
        doomed = store.lists.create("ann", "Doomed")

        outcomes = at_once(PARALLEL, partial(_save_or_delete, store, doomed.id))

        kinds = set(_outcome_types(outcomes))
        assert kinds <= {"SavedEntry", "NotFound", "str"}, outcomes
        assert _stored_positions(store, doomed.id) == []  # nothing left behind
        assert [i.name for i in store.lists.list("ann")] == []


# --- saved orders ----------------------------------------------------------------------


def _create_order(engine: Engine, n: int) -> SavedOrder:
    return engine.orders.create("ann", f"new {n}", [(ITEMS[n], 1)])


def test_parallel_order_creations_never_pass_the_limit(store: Engine) -> None:
    room = 5
    now = datetime.now(UTC)
    rows = [
        {"name": f"old {n}", "created_at": now, "updated_at": now} for n in range(MAX_ORDERS - room)
    ]
    _fill(store, tables.saved_orders, "ann", rows)

    outcomes = at_once(PARALLEL, partial(_create_order, store))

    expected = ["Conflict"] * (PARALLEL - room) + ["SavedOrder"] * room
    assert _outcome_types(outcomes) == sorted(expected)
    assert _count(store, tables.saved_orders, "ann") == MAX_ORDERS


def _lines_of(n: int) -> list[tuple[str, int]]:
    return [(ITEMS[n], n + 1), (ITEMS[(n + 1) % PARALLEL], 1), (ITEMS[(n + 7) % PARALLEL], 2)]


def _update_order(engine: Engine, order_id: int, n: int) -> SavedOrder:
    return engine.orders.update("ann", order_id, name=f"version {n}", lines=_lines_of(n))


def test_parallel_updates_of_one_order_leave_exactly_one_of_them(store: Engine) -> None:
    for _ in range(3):
        order = store.orders.create("ann", "usual", [(ITEMS[0], 1)])

        outcomes = at_once(PARALLEL, partial(_update_order, store, order.id))

        assert all(isinstance(o, SavedOrder) for o in outcomes), outcomes
        final = store.orders.get("ann", order.id)
        winner = int(final.name.removeprefix("version "))
        assert [(line.item_id, line.quantity) for line in final.lines] == _lines_of(winner)
        store.orders.delete("ann", order.id)


def _rename_order(engine: Engine, order_ids: list[int], n: int) -> SavedOrder:
    return engine.orders.update("ann", order_ids[n], name="weekly", lines=[(ITEMS[n], 1)])


def test_parallel_renames_of_orders_to_one_name_leave_one_order_with_it(store: Engine) -> None:
    order_ids = [store.orders.create("ann", f"order {n}", [(ITEMS[n], 1)]).id for n in range(10)]

    outcomes = at_once(10, partial(_rename_order, store, order_ids))

    assert _outcome_types(outcomes) == sorted(["Conflict"] * 9 + ["SavedOrder"])
    assert [o.name for o in store.orders.list("ann")].count("weekly") == 1


# --- alerts ----------------------------------------------------------------------------


def _subscribe(engine: Engine, user_id: str, n: int) -> Subscription:
    return engine.subscriptions.subscribe(user_id, ITEMS[n], "back_in_stock")


def test_parallel_subscriptions_are_all_kept_and_never_pass_the_limit(store: Engine) -> None:
    outcomes = at_once(PARALLEL, partial(_subscribe, store, "bo"))
    assert all(isinstance(o, Subscription) for o in outcomes)
    assert sorted(s.item_id for s in store.subscriptions.list("bo")) == ITEMS

    room = 5
    now = datetime.now(UTC)
    rows = [
        {"item_id": f"elsewhere{n}", "kind": "back_in_stock", "threshold": None,
         "created_at": now, "fired_at": None}
        for n in range(MAX_SUBSCRIPTIONS - room)
    ]  # fmt: skip
    _fill(store, tables.subscriptions, "ann", rows)

    outcomes = at_once(PARALLEL, partial(_subscribe, store, "ann"))

    expected = ["Conflict"] * (PARALLEL - room) + ["Subscription"] * room
    assert _outcome_types(outcomes) == sorted(expected)
    assert _count(store, tables.subscriptions, "ann") == MAX_SUBSCRIPTIONS


def _mark_read(engine: Engine, notification_id: int, n: int) -> datetime | None:
    return engine.subscriptions.mark_read("bo", notification_id).read_at


def test_parallel_read_marks_keep_the_first_time(store: Engine) -> None:
    store.subscriptions.subscribe("bo", ITEMS[0], "back_in_stock")
    store.items.upsert({"id": ITEMS[0], "title": "Back", "available": True})
    store.reactions.run()
    [note] = store.subscriptions.notifications("bo").items

    outcomes = at_once(10, partial(_mark_read, store, note.id))

    assert len(set(outcomes)) == 1
    assert store.subscriptions.notifications("bo").items[0].read_at == outcomes[0]
