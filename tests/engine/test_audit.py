"""The audit log: what each change records, in its own transaction; filters, paging and
the database refusing to change or delete entries (on every backend)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

import tailored.demo
from tailored import Engine
from tailored.domain.audit import Actor
from tailored.engine.audit import acting_as, current_actor
from tailored.engine.preferences.inputs import schema_document
from tailored.errors import InvalidInput, NotFound

CLI = Actor("cli", "ana")
EXAMPLES = Path(tailored.demo.__file__).parent / "examples"


def _entries(engine: Engine, **where: object) -> list[tuple[str, str, str]]:
    page = engine.audit.list(**where, limit=1000)  # type: ignore[arg-type]
    return [(e.action, e.target, e.actor.label) for e in page.items]


def test_key_changes_consents_and_placements_are_recorded_with_their_actor(
    engine: Engine,
) -> None:
    with acting_as(CLI):
        key = engine.keys.create("storefront", scopes=["serve"]).key
        engine.keys.revoke(key.id)
    with acting_as(Actor("key", "tk_admin1", "10.1.2.3")):
        engine.consents.set("u1", {"personalization": False}, source="banner")
        engine.placements.set({"id": "home", "strategy": {"top_n": {"limit": 8}}})
    entries = engine.audit.list().items
    assert [(e.action, e.target, e.actor.label) for e in entries] == [
        ("placement.set", "home", "key:tk_admin1"),
        ("consent.set", "u1", "key:tk_admin1"),
        ("api_key.revoke", key.id, "cli:ana"),
        ("api_key.create", key.id, "cli:ana"),
    ]
    assert entries[1].detail == {"consents": {"personalization": False}, "source": "banner"}
    assert entries[0].actor.ip == "10.1.2.3"
    assert entries[3].detail == {"name": "storefront", "scopes": ["serve"]}


def test_outside_any_edge_the_actor_is_the_system(engine: Engine) -> None:
    engine.items.upsert({"id": "mug", "title": "Mug"})
    (entry,) = engine.audit.list().items
    assert entry.actor.kind == "system" and entry.actor == current_actor()
    assert (entry.action, entry.target) == ("item.upsert", "mug")
    assert entry.detail == {"count": 1, "ids": ["mug"]}


def test_a_change_that_rolls_back_leaves_no_entry(engine: Engine) -> None:
    # The revoke of an unknown key fails inside its transaction: nothing is recorded.
    with pytest.raises(NotFound):
        engine.keys.revoke("nosuchkey")
    assert engine.audit.list().items == ()
    # A failure after the entry was appended, in the same transaction, takes it along.
    with pytest.raises(RuntimeError), engine.db.writing() as conn:
        engine.audit.record("placement.set", target="home", conn=conn)
        raise RuntimeError("the change failed after recording")
    assert engine.audit.list().items == ()


def test_filters_and_keyset_paging(engine: Engine) -> None:
    with acting_as(CLI):
        for n in range(5):
            engine.audit.record("placement.set", target=f"p{n}")
    with acting_as(Actor("key", "tk_other")):
        engine.audit.record("model.activate", target="3")
    assert _entries(engine, action="model.activate") == [("model.activate", "3", "key:tk_other")]
    assert len(_entries(engine, actor="ana")) == 5
    assert _entries(engine, target="p2") == [("placement.set", "p2", "cli:ana")]
    first = engine.audit.list(limit=4)
    assert [e.target for e in first.items] == ["3", "p4", "p3", "p2"]
    rest = engine.audit.list(cursor=first.next_cursor, limit=4)
    assert [e.target for e in rest.items] == ["p1", "p0"] and rest.next_cursor is None
    newest = first.items[0].at
    assert _entries(engine, since=newest) == [("model.activate", "3", "key:tk_other")]
    assert len(_entries(engine, until=newest + timedelta(microseconds=1))) == 6


def test_bad_filters_name_the_field(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as raised:
        engine.audit.list(cursor="nonsense")
    assert raised.value.field == "cursor"
    now = engine.audit._now()
    with pytest.raises(InvalidInput) as raised:
        engine.audit.list(since=now, until=now - timedelta(seconds=1))
    assert raised.value.field == "until"
    with pytest.raises(InvalidInput) as raised:
        engine.audit.list(limit=0)
    assert raised.value.field == "limit"


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"]
)
def test_the_database_refuses_to_change_or_delete_entries(engine: Engine, statement: str) -> None:
    engine.audit.record("placement.set", target="home")
    with pytest.raises(DBAPIError, match="append-only"), engine.db.writing() as conn:
        conn.execute(text(statement))
    (entry,) = engine.audit.list().items
    assert entry.actor == current_actor() and entry.target == "home"


def test_postgresql_also_refuses_truncate(engine: Engine) -> None:
    if engine.db.backend != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    engine.audit.record("placement.set", target="home")
    with pytest.raises(DBAPIError, match="append-only"), engine.db.writing() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert len(engine.audit.list().items) == 1


def test_every_admin_write_of_the_engine_is_recorded(shop: Engine) -> None:
    """One write per service that changes what admins own: each leaves its entry."""
    # `shop`: items and events to train on (its item batch is an item.upsert too).
    shop.event_types.register("wishlist_add", weight=2.0)
    shop.event_types.update("wishlist_add", {"weight": 3.0})
    shop.preferences.set_schema(schema_document(shop.preferences.schema()), changed_by="tests")
    coffee = json.loads((EXAMPLES / "coffee.json").read_text())
    shop.configurators.define(coffee)
    shop.items.upsert_many([{"id": "a", "title": "A"}, {"id": "b", "title": "B"}])
    shop.items.delete("b")
    job = shop.jobs.submit("popular", activate=False)
    shop.subscriptions.mark_delivered([1])
    found = {(e.action, e.target) for e in shop.audit.list(limit=100).items}
    assert found == {
        ("event_type.register", "wishlist_add"),
        ("event_type.update", "wishlist_add"),
        ("preference_schema.set", "preferences"),
        ("configurator.set", coffee["id"]),
        ("item.upsert", "items"),
        ("item.delete", "b"),
        ("training.submit", str(job.id)),
        ("notifications.delivered", "outbox"),
    }
    shop.jobs.run_pending()
    # The version the job trained was not activated: nothing more recorded but the job.
    assert {e.action for e in shop.audit.list(limit=100).items} == {a for a, _ in found}
    version = shop.training.versions()[0]
    shop.training.activate(version.id)
    (entry,) = shop.audit.list(action="model.activate").items
    assert (entry.target, entry.detail["model"]) == (str(version.id), "popular")


def test_exports_erasures_and_key_rotations_are_recorded(engine: Engine) -> None:
    engine.events.record({"user_id": "ann", "type": "view", "item_id": "sku-1"})
    with acting_as(CLI):
        key = engine.keys.create("storefront", scopes=["serve"]).key
        engine.keys.rotate(key.id, overlap_seconds=60)
        b"".join(engine.privacy.export("ann").pieces)
        with pytest.raises(NotFound):
            engine.privacy.export("nobody")  # refused: nothing was handed out
        report = engine.users.erase("ann")
    entries = engine.audit.list().items
    assert [(e.action, e.actor.label) for e in entries[:3]] == [
        ("user.erase", "cli:ana"),
        ("user.export", "cli:ana"),
        ("api_key.rotate", "cli:ana"),
    ]
    erased, exported, rotated = entries[:3]
    assert rotated.target == key.id and rotated.detail == {"overlap_seconds": 60}
    assert exported.target == "ann" and exported.detail == {"format": "json"}
    # The log keeps what an erasure did, never whom: the id only as its keyed hash.
    assert erased.target.startswith("suppressed:") and "ann" not in json.dumps(erased.detail)
    assert "ann" not in erased.target
    assert erased.detail == {"rows": report.total, "merged_ids": 0, "models": 0}
