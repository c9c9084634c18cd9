"""Alerts on every backend: firing from item writes (single, batch, import), once, when
the `alerts` reaction runs; the notification outbox; ownership and bad input."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tailored import Engine
from tailored.errors import Conflict, InvalidInput, NotFound
from tailored.workflows.imports import import_rows

CATALOG = [
    {"id": "lamp", "title": "Lamp", "attributes": {"price": 30}, "available": False},
    {"id": "tent", "title": "Tent", "attributes": {"price": 200}},
    {"id": "mug", "title": "Mug", "attributes": {"price": 8}},
    {"id": "kettle", "title": "Kettle"},
]


@pytest.fixture
def store(engine: Engine) -> Engine:
    assert not engine.items.upsert_many(CATALOG).rejected
    return engine


def _item(item_id: str, **changes: Any) -> dict[str, Any]:
    row = dict(next(row for row in CATALOG if row["id"] == item_id))
    row.update(changes)
    return row


def _upsert(engine: Engine, row: dict[str, Any]) -> None:
    """Write an item, then run the reactions (as the server's background runner would)."""
    engine.items.upsert(row)
    engine.reactions.run()


def _messages(engine: Engine, user_id: str) -> list[str]:
    return [n.message for n in engine.subscriptions.notifications(user_id).items]


def test_back_in_stock_fires_once_when_the_item_becomes_available(store: Engine) -> None:
    alert = store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    assert (alert.kind, alert.threshold, alert.active) == ("back_in_stock", None, True)
    _upsert(store, _item("lamp", title="Desk lamp"))  # still unavailable: nothing
    assert _messages(store, "ann") == []

    _upsert(store, _item("lamp", available=True))

    [note] = store.subscriptions.notifications("ann").items
    assert (note.user_id, note.kind, note.item_id) == ("ann", "back_in_stock", "lamp")
    assert (note.old_value, note.new_value, note.message) == (False, True, "Lamp is back in stock.")
    assert note.subscription_id == alert.id and note.read_at is None and note.delivered_at is None
    [fired] = store.subscriptions.list("ann")
    assert not fired.active and fired.fired_at is not None
    _upsert(store, _item("lamp", available=False))
    _upsert(store, _item("lamp", available=True))  # back again: it fired already
    assert len(_messages(store, "ann")) == 1
    assert store.subscriptions.list("ann", active=True) == ()


def test_subscribing_again_rearms_a_fired_alert(store: Engine) -> None:
    first = store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    _upsert(store, _item("lamp", available=True))
    with pytest.raises(Conflict, match="in stock now"):
        store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    _upsert(store, _item("lamp", available=False))

    again = store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    assert again.id == first.id and again.active
    _upsert(store, _item("lamp", available=True))
    assert _messages(store, "ann") == ["Lamp is back in stock."] * 2


def test_price_below_fires_when_the_price_reaches_the_threshold(store: Engine) -> None:
    store.subscriptions.subscribe("ann", "tent", "price_below", threshold=150)
    store.subscriptions.subscribe("bo", "tent", "price_below", threshold=100)
    _upsert(store, _item("tent", attributes={"price": 160}))
    assert _messages(store, "ann") == []

    _upsert(store, _item("tent", attributes={"price": 150.0}))

    [note] = store.subscriptions.notifications("ann").items
    assert (note.kind, note.old_value, note.new_value) == ("price_below", 160.0, 150.0)
    assert note.message == "Tent now costs 150, at or below your alert price of 150 (was 160)."
    assert _messages(store, "bo") == []  # 150 is still above bo's 100
    _upsert(store, _item("tent", attributes={"price": 99.99}, available=False))
    assert _messages(store, "bo") == [
        "Tent now costs 99.99, at or below your alert price of 100 (was 150). "
        "It is out of stock at the moment."
    ]
    assert len(_messages(store, "ann")) == 1  # fired once


def test_an_item_without_a_price_fires_once_it_gets_a_low_one(store: Engine) -> None:
    store.subscriptions.subscribe("ann", "kettle", "price_below", threshold=20)
    _upsert(store, _item("kettle", attributes={"price": "19.50"}))
    [note] = store.subscriptions.notifications("ann").items
    assert (note.old_value, note.new_value) == (None, 19.5)


def test_the_batch_and_import_paths_fire_alerts_of_the_changed_items(store: Engine) -> None:
    store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    store.subscriptions.subscribe("ann", "tent", "price_below", threshold=180)
    store.subscriptions.subscribe("bo", "tent", "price_below", threshold=100)
    batch = [{"id": f"new-{i}", "title": f"New {i}"} for i in range(50)]
    batch += [_item("lamp", available=True), _item("tent", attributes={"price": 175})]
    result = store.items.upsert_many([*batch, {"id": "bad/id"}])
    assert result.accepted == 52 and len(result.rejected) == 1
    assert _messages(store, "ann") == []  # alerts are a reaction: nothing until it runs
    store.reactions.run()
    assert sorted(_messages(store, "ann")) == [
        "Lamp is back in stock.",
        "Tent now costs 175, at or below your alert price of 180 (was 200).",
    ]
    assert _messages(store, "bo") == []

    rows = [(1, {"id": "tent", "title": "Tent", "attributes": {"price": 90}}), (2, {"id": "x"})]
    report = import_rows(store, "items", rows)
    assert report.imported == 2
    store.reactions.run()
    assert _messages(store, "bo") == [
        "Tent now costs 90, at or below your alert price of 100 (was 175)."
    ]


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", record)


def test_a_batch_costs_one_alert_query_per_step_and_no_write_when_nothing_fires(
    store: Engine,
) -> None:
    store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    batch = [{"id": f"i{n}", "title": f"Item {n}"} for n in range(400)]
    batch.append(_item("lamp", title="Lamp, still out of stock"))
    store.items.upsert_many(batch)
    with _statements(store) as seen:
        store.reactions.run()
    steps = [s for s in seen if s.lstrip().upper().startswith("UPDATE REACTION_POSITIONS")]
    touching = [s for s in seen if "subscriptions" in s or "notifications" in s]
    # One query per step (of up to 500 changes; more steps only when other transactions
    # held some changes back), never one per item, and nothing written.
    assert 1 <= len(touching) == len(steps) <= 2
    assert all(s.lstrip().upper().startswith("SELECT") for s in touching)


def test_a_write_that_fails_fires_nothing(store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    store.subscriptions.subscribe("ann", "lamp", "back_in_stock")

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("tailored.engine.catalog.store.upsert_items", broken)
    with pytest.raises(RuntimeError):
        store.items.upsert(_item("lamp", available=True))
    monkeypatch.undo()
    store.reactions.run()
    assert _messages(store, "ann") == [] and store.subscriptions.list("ann")[0].active
    assert store.items.get("lamp").available is False


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("ann", "nope", "back_in_stock"), {}, "item_id"),
        (("ann", "lamp", "restock"), {}, "kind"),
        (("ann", "lamp", "back_in_stock"), {"threshold": 5}, "threshold"),
        (("ann", "tent", "price_below"), {}, "threshold"),
        (("ann", "tent", "price_below"), {"threshold": 0}, "threshold"),
        (("ann", "tent", "price_below"), {"threshold": float("nan")}, "threshold"),
        (("a/b", "tent", "price_below"), {"threshold": 5}, "user_id"),
    ],
)
def test_bad_subscriptions_name_the_field_and_write_nothing(
    store: Engine, args: tuple[str, str, str], kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        store.subscriptions.subscribe(*args, **kwargs)
    assert caught.value.field == field
    assert store.users.count() == 0


def test_an_alert_whose_condition_holds_already_is_refused(store: Engine) -> None:
    with pytest.raises(Conflict, match="'tent' is in stock now"):
        store.subscriptions.subscribe("ann", "tent", "back_in_stock")
    with pytest.raises(Conflict, match="costs 8 already"):
        store.subscriptions.subscribe("ann", "mug", "price_below", threshold=10)
    assert store.subscriptions.list("ann") == ()


def test_delete_and_ownership(store: Engine) -> None:
    alert = store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    with pytest.raises(NotFound):
        store.subscriptions.delete("bo", alert.id)
    store.subscriptions.delete("ann", alert.id)
    with pytest.raises(NotFound):
        store.subscriptions.delete("ann", alert.id)
    _upsert(store, _item("lamp", available=True))
    assert _messages(store, "ann") == []


def _notify(engine: Engine, user_id: str, count: int) -> None:
    for n in range(count):
        engine.items.upsert({"id": f"x{n}", "title": f"X{n}", "available": False})
        engine.subscriptions.subscribe(user_id, f"x{n}", "back_in_stock")
    engine.items.upsert_many([{"id": f"x{n}", "title": f"X{n}"} for n in range(count)])
    engine.reactions.run()


def test_a_users_notifications_page_newest_first_and_can_be_marked_read(store: Engine) -> None:
    _notify(store, "ann", 5)
    _notify(store, "bo", 1)
    first = store.subscriptions.notifications("ann", limit=2)
    second = store.subscriptions.notifications("ann", limit=2, cursor=first.next_cursor)
    third = store.subscriptions.notifications("ann", limit=2, cursor=second.next_cursor)
    ids = [n.id for page in (first, second, third) for n in page.items]
    assert len(ids) == 5 and ids == sorted(ids, reverse=True) and third.next_cursor is None

    read = store.subscriptions.mark_read("ann", ids[0])
    assert read.read and read.read_at is not None
    assert store.subscriptions.mark_read("ann", ids[0]).read_at == read.read_at
    unread = store.subscriptions.notifications("ann", unread=True).items
    assert [n.id for n in unread] == ids[1:]
    bo_note = store.subscriptions.notifications("bo").items[0].id
    with pytest.raises(NotFound):
        store.subscriptions.mark_read("ann", bo_note)
    with pytest.raises(InvalidInput) as caught:
        store.subscriptions.notifications("ann", cursor="garbage")
    assert caught.value.field == "cursor"


def test_the_outbox_lists_undelivered_notifications_oldest_first(store: Engine) -> None:
    _notify(store, "ann", 3)
    _notify(store, "bo", 2)
    first = store.subscriptions.outbox(limit=3)
    rest = store.subscriptions.outbox(limit=3, cursor=first.next_cursor)
    notes = [*first.items, *rest.items]
    assert [n.id for n in notes] == sorted(n.id for n in notes) and len(notes) == 5
    assert rest.next_cursor is None
    assert {n.user_id for n in notes} == {"ann", "bo"}

    assert store.subscriptions.mark_delivered([notes[0].id, notes[1].id, notes[1].id]) == 2
    assert store.subscriptions.mark_delivered([notes[0].id]) == 0  # delivered already
    left = store.subscriptions.outbox().items
    assert [n.id for n in left] == [n.id for n in notes[2:]]
    delivered = store.subscriptions.notifications("ann").items[-1]
    assert delivered.delivered_at is not None
    for bad, field in (([], "ids"), ([0], "ids.0"), ([1, "2"], "ids.1")):
        with pytest.raises(InvalidInput) as caught:
            store.subscriptions.mark_delivered(bad)  # type: ignore[arg-type]
        assert caught.value.field == field


def test_an_item_in_stock_for_a_moment_only_sends_nothing(store: Engine) -> None:
    # The reaction compares the item before its first change with the item now.
    store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    store.items.upsert(_item("lamp", available=True))
    store.items.upsert(_item("lamp", available=False))
    store.reactions.run()
    assert _messages(store, "ann") == [] and store.subscriptions.list("ann")[0].active
    _upsert(store, _item("lamp", available=True))
    assert _messages(store, "ann") == ["Lamp is back in stock."]


def test_a_deleted_item_fires_nothing_and_its_changes_are_pruned(store: Engine) -> None:
    store.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    store.items.upsert(_item("lamp", available=True))
    store.items.delete("lamp")
    store.reactions.run()
    assert _messages(store, "ann") == []
    with store.db.reading() as conn:
        left = conn.exec_driver_sql("SELECT count(*) FROM item_changes").scalar_one()
    assert left == 0  # every consumer of item changes has passed them
