"""The store's contract, checked on every backend through the storage functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tailored import Engine
from tailored.domain.catalog import Item
from tailored.domain.events import Event, EventType
from tailored.domain.keys import ApiKey
from tailored.domain.profiles import Consent
from tailored.storage import events, items, keys, users

T0 = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def _item(item_id: str, **kwargs: object) -> Item:
    return Item(id=item_id, title=f"Title {item_id}", **kwargs)  # type: ignore[arg-type]


def _event(
    n: int, user: str = "u1", item: str | None = "i1", kind: str = "view", at: datetime = T0
) -> Event:
    return Event(
        event_id=f"e{n}",
        user_id=user,
        item_id=item,
        type=kind,
        timestamp=at + timedelta(seconds=n),
        context={"n": n},
        received_at=T0,
    )


def test_items_round_trip_unicode_json_and_replace(engine: Engine) -> None:
    attrs = {"brand": "Café Ñandú ☕", "price": 12.5, "sizes": [38, 39], "meta": {"a": [1]}}
    with engine.db.writing() as conn:
        items.upsert_items(conn, [_item("a", categories=("x", "y"), attributes=attrs)], now=T0)
    with engine.db.reading() as conn:
        stored = items.get_item(conn, "a")
    assert stored is not None
    assert stored.attributes == attrs and stored.categories == ("x", "y")
    assert stored.created_at == T0 and stored.created_at.tzinfo is not None
    later = T0 + timedelta(hours=1)
    with engine.db.writing() as conn:
        items.upsert_items(conn, [_item("a", categories=("z",), attributes={})], now=later)
    with engine.db.reading() as conn:
        replaced = items.get_item(conn, "a")
        by_old_category = items.list_items(conn, categories=["x"])
        by_old_brand = items.list_items(conn, attributes={"brand": ["Café Ñandú ☕"]})
    assert replaced is not None
    assert (replaced.categories, replaced.attributes) == (("z",), {})
    assert (replaced.created_at, replaced.updated_at) == (T0, later)
    assert by_old_category == [] and by_old_brand == []


def test_item_filters_and_keyset_pages(engine: Engine) -> None:
    batch = [
        _item("a", categories=("shoes",), attributes={"brand": "Acme", "price": 89.0}),
        _item("b", categories=("shoes", "running"), attributes={"brand": "Zed", "price": 120}),
        _item(
            "c",
            categories=("shirts",),
            attributes={"brand": "Acme", "colours": ["red"]},
            available=False,
        ),
    ]
    with engine.db.writing() as conn:
        items.upsert_items(conn, batch, now=T0)
    with engine.db.reading() as conn:

        def ids(**kw: object) -> list[str]:
            return [i.id for i in items.list_items(conn, **kw)]  # type: ignore[arg-type]

        assert ids(categories=["shoes"]) == ["a", "b"]
        assert ids(categories=["running", "shirts"]) == ["b", "c"]
        assert ids(attributes={"brand": ["Acme"]}) == ["a", "c"]
        assert ids(attributes={"brand": ["Acme"], "price": ["89"]}) == ["a"]
        assert ids(attributes={"colours": ["red"]}) == ["c"]
        assert ids(available=True) == ["a", "b"]
        assert ids(after="a", limit=1) == ["b"]
        assert ids(categories=["shoes"], attributes={"brand": ["Zed"]}) == ["b"]
        assert items.count_items(conn) == 3
        assert set(items.get_items(conn, ["a", "c", "nope"])) == {"a", "c"}
    with engine.db.writing() as conn:
        assert items.delete_item(conn, "a") is True
        assert items.delete_item(conn, "a") is False
    with engine.db.reading() as conn:
        assert [i.id for i in items.list_items(conn, attributes={"brand": ["Acme"]})] == ["c"]


def _encoded(engine: Engine, *numbers: int) -> list[events.EventRow]:
    return events.encode_events(engine.db.backend, [_event(n) for n in numbers])


def test_events_are_appended_once_per_event_id(engine: Engine) -> None:
    with engine.db.writing() as conn:
        assert events.insert_events(conn, _encoded(engine, 1, 2)) == 2
    with engine.db.writing() as conn:
        assert events.insert_events(conn, _encoded(engine, 2, 3)) == 1
    with engine.db.reading() as conn:
        assert events.count_events(conn) == 3
        stored = [e for _, e in events.query_events(conn, newest_first=False)]
        assert events.has_event_ids(conn, ["e1", "e9"]) == {"e1"}
    assert [e.event_id for e in stored] == ["e1", "e2", "e3"]
    assert stored[0].timestamp == T0 + timedelta(seconds=1)  # microseconds and UTC kept
    assert stored[0].context == {"n": 1}


def test_event_queries_and_activity_summary(engine: Engine) -> None:
    batch = [
        _event(1, kind="view", item="a"),
        _event(2, kind="purchase", item="b"),
        _event(3, kind="view", item="a"),
        _event(4, user="u2", item="c"),
        _event(5, kind="search", item=None),
    ]
    with engine.db.writing() as conn:
        events.insert_events(conn, events.encode_events(engine.db.backend, batch))
    with engine.db.reading() as conn:
        page = events.query_events(conn, user_id="u1", types=["view"], newest_first=True)
        assert [e.event_id for _, e in page] == ["e3", "e1"]
        after = events.query_events(conn, user_id="u1", after_seq=page[0][0], newest_first=True)
        assert [e.event_id for _, e in after] == ["e2", "e1"]
        window = events.query_events(
            conn, since=T0 + timedelta(seconds=2), until=T0 + timedelta(seconds=4)
        )
        assert sorted(e.event_id for _, e in window) == ["e2", "e3"]
        summary = events.activity_summary(conn, "u1")
    assert summary.events_total == 4
    assert summary.by_type == {"purchase": 1, "search": 1, "view": 2}
    assert summary.first_event_at == T0 + timedelta(seconds=1)
    assert summary.last_event_at == T0 + timedelta(seconds=5)
    assert summary.recent_items == ("a", "b")


def test_users_consents_and_merge_aliases(engine: Engine) -> None:
    with engine.db.writing() as conn:
        users.ensure_users(conn, ["u1", "u1", "anon"], now=T0)
        users.upsert_users(conn, {"u1": {"name": "Ann"}}, now=T0)
        users.ensure_users(conn, ["u1"], now=T0)  # does not wipe traits
        users.set_consents(conn, "u1", [Consent("analytics", True, "banner", T0)])
        users.set_consents(conn, "u1", [Consent("analytics", False, "settings", T0)])
        users.record_merge(conn, "older-anon", "anon", events_moved=0, now=T0)
        users.record_merge(conn, "anon", "u1", events_moved=3, now=T0)
    with engine.db.reading() as conn:
        found = users.get_users(conn, ["u1", "anon", "ghost"])
        assert found["u1"].traits == {"name": "Ann"} and "ghost" not in found
        assert [(c.purpose, c.granted, c.source) for c in users.get_consents(conn, "u1")] == [
            ("analytics", False, "settings")
        ]
        assert [c.granted for c in users.consent_history(conn, "u1")] == [True, False]
        # Chains collapse: both anonymous ids now resolve straight to u1.
        assert users.resolve_aliases(conn, ["anon", "older-anon", "u1"]) == {
            "anon": "u1",
            "older-anon": "u1",
        }
        assert [u.id for u in users.list_users(conn, after="anon", limit=5)] == ["u1"]


def test_an_event_types_meaning_round_trips(engine: Engine) -> None:
    wish = EventType("wish", True, weight=2.5, meaning="conversion", phrase="wished for {item}")
    with engine.db.writing() as conn:
        assert events.insert_event_type(conn, wish, now=T0) is True
    with engine.db.reading() as conn:
        assert events.list_event_types(conn) == [wish]
    changed = replace(wish, weight=0.0, meaning=None, description="Gone off it.")
    with engine.db.writing() as conn:
        assert events.update_event_type(conn, changed) is True
        assert events.update_event_type(conn, replace(changed, name="nope")) is False
    with engine.db.reading() as conn:
        assert events.list_event_types(conn) == [changed]


def test_event_types_and_keys(engine: Engine) -> None:
    with engine.db.writing() as conn:
        assert events.insert_event_type(conn, EventType("wish", True), now=T0) is True
        assert events.insert_event_type(conn, EventType("wish", False), now=T0) is False
        keys.insert_key(conn, ApiKey("abcd1234", "shop", ("serve", "ingest"), T0), "h" * 64)
    with engine.db.reading() as conn:
        assert [(t.name, t.requires_item) for t in events.list_event_types(conn)] == [
            ("wish", True)
        ]
        found = keys.find_by_hash(conn, "h" * 64)
        assert found is not None
        key, secret_ends = found  # the current secret: it does not end on its own
        assert key.scopes == ("serve", "ingest") and key.active and secret_ends is None
    with engine.db.writing() as conn:
        assert keys.revoke_key(conn, "abcd1234", now=T0) is True
        assert keys.revoke_key(conn, "abcd1234", now=T0) is False
    with engine.db.reading() as conn:
        revoked = keys.find_by_hash(conn, "h" * 64)
    assert revoked is not None and revoked[0].revoked_at == T0 and not revoked[0].active
