"""Items, users, consents and merges through the client, against the real app on each
backend: results are the engine's own values, equal to what the engine answers
in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tailored import Engine
from tailored.client import Client, iterate
from tailored.domain.catalog import Item
from tailored.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from tailored.types import Scope

CATALOG: list[dict[str, Any]] = [
    {"id": "tent", "title": "Tent", "categories": ["camping"], "attributes": {"brand": "Acme"}},
    {"id": "lamp", "title": "Lamp", "categories": ["camping"], "attributes": {"brand": "Zeta"}},
    {"id": "boots", "title": "Boots", "categories": ["shoes"], "attributes": {"brand": "Acme"}},
    {"id": "mug", "title": "Mug", "categories": ["kitchen"], "available": False},
]


def test_items_are_upserted_read_listed_and_deleted(client: Client, engine: Engine) -> None:
    result = client.items.upsert_many([*CATALOG, {"title": "no id"}])
    assert (result.accepted, result.duplicates) == (4, 0)
    assert [(r.index, r.field) for r in result.rejected] == [(4, "id")]

    tent = client.items.get("tent")
    assert tent == engine.items.get("tent")  # the engine's value, timestamps included
    assert (tent.categories, tent.attributes, tent.created_at is not None) == (
        ("camping",),
        {"brand": "Acme"},
        True,
    )

    page = client.items.list(categories=["camping", "shoes"], attributes={"brand": "Acme"})
    assert [i.id for i in page.items] == ["boots", "tent"] and page.next_cursor is None
    assert [i.id for i in client.items.list(available=False).items] == ["mug"]
    assert [i.id for i in client.items.list(attributes={"brand": ["Acme", "Zeta"]}).items] == [
        "boots",
        "lamp",
        "tent",
    ]

    replaced = client.items.upsert(Item("tent", "Tent 2p", categories=("camping", "sale")))
    assert (replaced.title, replaced.categories) == ("Tent 2p", ("camping", "sale"))
    assert replaced.attributes == {}  # an upsert replaces the whole item

    client.items.delete("mug")
    with pytest.raises(NotFound) as missing:
        client.items.get("mug")
    assert (missing.value.kind, missing.value.identifier) == ("item", "mug")
    assert str(missing.value) == "item 'mug' not found"
    with pytest.raises(NotFound):
        client.items.delete("mug")


def test_pages_follow_their_cursors(client: Client) -> None:
    client.items.upsert_many([{"id": f"sku-{n:02d}"} for n in range(7)])
    first = client.items.list(limit=3)
    assert [i.id for i in first.items] == ["sku-00", "sku-01", "sku-02"]
    assert first.next_cursor is not None
    second = client.items.list(limit=3, cursor=first.next_cursor)
    assert [i.id for i in second.items] == ["sku-03", "sku-04", "sku-05"]

    everything = [item.id for item in iterate(client.items.list, limit=3)]
    assert everything == [f"sku-{n:02d}" for n in range(7)]
    resumed = [item.id for item in iterate(client.items.list, limit=2, cursor=first.next_cursor)]
    assert resumed == ["sku-03", "sku-04", "sku-05", "sku-06"]


def test_iterate_refuses_an_operation_that_does_not_answer_pages(client: Client) -> None:
    with pytest.raises(TypeError, match="does not answer pages"):
        next(iterate(client.items.get, "tent"))  # type: ignore[arg-type]


def test_an_item_without_a_valid_id_is_refused_before_sending(client: Client) -> None:
    with pytest.raises(InvalidInput) as refused:
        client.items.upsert({"title": "Mystery"})
    assert refused.value.field == "id"
    with pytest.raises(InvalidInput) as dots:
        client.items.get("..")  # would be resolved away by the HTTP stack
    assert dots.value.field == "path.item_id"


def test_a_bad_field_is_named_as_the_server_names_it(client: Client) -> None:
    with pytest.raises(InvalidInput) as refused:
        client.items.upsert({"id": "tent", "title": "Tent", "colour": "green"})
    assert refused.value.field == "body.colour"
    with pytest.raises(InvalidInput) as limit:
        client.items.list(limit=5000)
    assert limit.value.field == "query.limit"
    assert "less than or equal to 1000" in limit.value.problem


def test_a_batch_over_the_limit_is_payload_too_large(
    client_for: Callable[..., Client],
) -> None:
    small = client_for(max_batch_items=2)
    with pytest.raises(PayloadTooLarge) as too_large:
        small.items.upsert_many([{"id": "a"}, {"id": "b"}, {"id": "c"}])
    assert too_large.value.field == "items"
    assert "at most 2" in str(too_large.value)


def test_users_traits_consents_and_listing(client: Client, engine: Engine) -> None:
    created = client.users.upsert("ann", {"name": "Ann", "city": "Oslo", "visits": 3})
    assert created.traits == {"name": "Ann", "city": "Oslo", "visits": 3}
    patched = client.users.upsert("ann", {"city": None, "age_band": "25-34"}, merge=True)
    assert patched.traits == {"name": "Ann", "visits": 3, "age_band": "25-34"}
    replaced = client.users.upsert("ann", {"name": "Ann B."})
    assert replaced.traits == {"name": "Ann B."}

    decisions = client.consents.set(
        "ann", {"personalization": True, "marketing": False}, source="banner"
    )
    assert {(c.purpose, c.granted, c.source) for c in decisions} == {
        ("personalization", True, "banner"),
        ("marketing", False, "banner"),
    }
    assert client.consents.get("ann") == engine.consents.get("ann")
    with pytest.raises(InvalidInput) as unknown:
        client.consents.set("ann", {"telepathy": True})
    assert unknown.value.field.startswith("consents")

    client.events.record({"user_id": "ann", "type": "view", "item_id": "tent"})
    profile = client.users.get("ann")
    assert profile == engine.users.get("ann")
    assert profile.activity is not None and profile.activity.by_type == {"view": 1}
    assert profile.activity.recent_items == ("tent",)
    assert {c.purpose for c in profile.consents} == {"personalization", "marketing"}

    client.users.upsert("bob", {})
    client.users.upsert("cy", {})
    assert [u.id for u in client.users.list(limit=2).items] == ["ann", "bob"]
    assert [u.id for u in iterate(client.users.list, limit=2)] == ["ann", "bob", "cy"]
    with pytest.raises(NotFound):
        client.users.get("nobody")


def test_merging_a_visitor_is_safe_to_repeat_and_conflicts_are_named(
    client_as: Callable[[Scope], Client],
) -> None:
    ingest = client_as("ingest")
    ingest.events.record_many(
        [{"user_id": "anon-1", "type": "view", "item_id": f"i{n}"} for n in range(3)]
    )
    merged = ingest.users.merge("ann", "anon-1")
    assert (merged.user_id, merged.anonymous_id, merged.events_moved) == ("ann", "anon-1", 3)
    assert ingest.users.merge("ann", "anon-1") == merged  # again: the first merge's answer
    with pytest.raises(Conflict):
        ingest.users.merge("bob", "anon-1")
