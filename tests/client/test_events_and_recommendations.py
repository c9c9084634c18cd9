"""Events, event types and recommendations through the client: the answers equal the
engine's in-process answers, value for value."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.client import Client, iterate
from tailored.domain.events import Event
from tailored.domain.recommendations import Context, Filters
from tailored.errors import Conflict, InvalidInput, PermissionDenied
from tailored.server import create_app
from tailored.types import Scope


@pytest.fixture
def trained(shop: Engine) -> Engine:
    """The shop with trained models, item_knn serving users (as the server tests do)."""
    shop.training.train("item_knn", tune=False)
    shop.training.train("cooccurrence", tune=False)
    return Engine(shop.db, shop.settings.model_copy(update={"recommend_model": "item_knn"}))


@pytest.fixture
def serve(trained: Engine, keys: dict[Scope, str]) -> Iterator[Client]:
    """A storefront's client (a `serve` key) of an app over `trained`."""
    with TestClient(create_app(trained)) as http:
        yield Client("http://testserver", api_key=keys["serve"], http=http)


def test_events_are_recorded_in_batches_and_rejected_rows_named(
    client_as: Callable[[Scope], Client], engine: Engine
) -> None:
    ingest = client_as("ingest")
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    result = ingest.events.record_many(
        [
            {
                "event_id": "e-1",
                "user_id": "ann",
                "type": "view",
                "item_id": "tent",
                "timestamp": at,
            },
            {"user_id": "ann", "type": "purchase", "item_id": "tent", "value": 1.5},
            {"user_id": "ann", "type": "teleport"},
            {"user_id": "ann", "type": "view"},
            Event("e-2", "bob", "search", at, context={"query": "tent"}),
        ]
    )
    assert (result.accepted, result.duplicates) == (3, 0)
    assert [(r.index, r.field) for r in result.rejected] == [(2, "type"), (3, "item_id")]
    assert "teleport" in result.rejected[0].reason

    again = ingest.events.record(
        {"event_id": "e-1", "user_id": "ann", "type": "view", "item_id": "tent"}
    )
    assert (again.accepted, again.duplicates) == (0, 1)  # stored once
    with pytest.raises(InvalidInput) as refused:
        ingest.events.record({"user_id": "ann", "type": "rate", "item_id": "tent"})
    assert (refused.value.field, refused.value.problem) == (
        "value",
        "is required for events of type 'rate'",
    )

    stored = engine.events.query(limit=10).items
    assert all(len(e.event_id) == 32 for e in stored if e.event_id not in ("e-1", "e-2"))
    with pytest.raises(PermissionDenied):  # the log is an admin's read
        ingest.events.query()


def test_the_event_log_is_queried_and_followed(client: Client, engine: Engine) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    client.events.record_many(
        [
            {
                "event_id": f"e-{n}",
                "user_id": "ann" if n % 2 else "bob",
                "type": "view" if n % 3 else "click",
                "item_id": f"i{n}",
                "timestamp": start + timedelta(hours=n),
            }
            for n in range(10)
        ]
    )
    page = client.events.query(user_id="ann", types=["view"], limit=2)
    assert page.items == engine.events.query(user_id="ann", types=["view"], limit=2).items
    everything = list(iterate(client.events.query, user_id="ann", types=["view"], limit=2))
    assert sorted(e.event_id for e in everything) == ["e-1", "e-5", "e-7"]
    # `until` is exclusive
    window = client.events.query(
        since=start + timedelta(hours=8), until=start + timedelta(hours=10)
    )
    assert sorted(e.event_id for e in window.items) == ["e-8", "e-9"]
    assert window.items[0].timestamp.tzinfo is not None
    assert all(e.received_at is not None for e in window.items)


def test_custom_event_types(client: Client, client_as: Callable[[Scope], Client]) -> None:
    registered = client.event_types.register(
        "wishlist_add", requires_item=True, description="Saved for later."
    )
    assert (registered.name, registered.requires_item, registered.builtin) == (
        "wishlist_add",
        True,
        False,
    )
    assert client.event_types.register("wishlist_add", requires_item=True) == registered
    with pytest.raises(Conflict):
        client.event_types.register("wishlist_add", requires_value=True)
    with pytest.raises(Conflict):
        client.event_types.register("view")
    with pytest.raises(InvalidInput) as bad_name:
        client.event_types.register("Wishlist Add")
    assert bad_name.value.field == "name"
    names = {t.name: t for t in client_as("serve").event_types.list()}
    assert names["wishlist_add"] == registered and names["purchase"].builtin
    assert (names["purchase"].meaning, names["purchase"].weight) == ("conversion", 5.0)


def test_what_an_event_type_means(client: Client, engine: Engine) -> None:
    returned = client.event_types.register(
        "return", requires_item=True, meaning="negative", phrase="returned {item}"
    )
    assert (returned.meaning, returned.weight, returned.phrase) == (
        "negative",
        0.0,
        "returned {item}",
    )
    assert returned == engine.event_types.get("return")
    wish = client.event_types.register("wishlist_add", requires_item=True, weight=2.0)
    changed = client.event_types.update("wishlist_add", {"weight": 3.0, "phrase": "saved {item}"})
    assert (changed.weight, changed.phrase, changed.meaning) == (3.0, "saved {item}", None)
    assert changed == engine.event_types.get("wishlist_add") != wish
    with pytest.raises(InvalidInput) as negative_weight:
        client.event_types.update("wishlist_add", {"weight": -1})
    assert negative_weight.value.field == "body.weight"
    with pytest.raises(Conflict):
        client.event_types.update("purchase", {"weight": 1.0})


def test_recommendations_equal_the_engines(trained: Engine, serve: Client) -> None:
    engine = trained.recommendations
    top = serve.recommendations.for_user("camper3", n=4)
    assert top == engine.for_user("camper3", n=4)
    assert top.personalized and top.source == "item_knn" and top.model_version is not None
    shoes = Filters(categories=("shoes",), exclude_items=("socks",))
    assert serve.recommendations.for_user("hiker1", filters=shoes) == engine.for_user(
        "hiker1", filters=shoes
    )
    acme = Filters(attributes={"brand": ("Acme",)}, exclude_categories=("kitchen",))
    similar = serve.recommendations.similar("tent", n=3, filters=acme, placement="item")
    assert similar == engine.similar("tent", n=3, filters=acme, placement="item")
    assert all(r.item_id in ("stove", "boots", "laces") for r in similar.items)
    together = serve.recommendations.bought_together("tent", n=3, user_id="cook1")
    assert together == engine.bought_together("tent", n=3, user_id="cook1")
    assert together.items and all(r.reason.text for r in together.items)


def test_item_lists_leave_out_the_items_a_page_already_shows(
    trained: Engine, serve: Client
) -> None:
    # The rows above on the page showed these: each later row passes them as `exclude`.
    for find in (serve.recommendations.similar, serve.recommendations.bought_together):
        first = [r.item_id for r in find("tent", n=2, user_id="cook1").items]
        shown = Filters(exclude_items=tuple(first))
        rest = find("tent", n=4, user_id="cook1", filters=shown)
        assert rest.items and not set(first) & {r.item_id for r in rest.items}
    page = serve.items.list(categories=["kitchen"], user_id="cook1")
    assert {i.id for i in page.items} == {"pan", "knife", "mug"}
    trained.preferences.update("cook1", {"blocked_categories": ["kitchen"]}, changed_by="t")
    assert serve.items.list(categories=["kitchen"], user_id="cook1").items == ()


def test_recommendations_with_context_go_as_a_post(trained: Engine, serve: Client) -> None:
    context = Context(
        session_items=("tent",),
        cart_items=("stove",),
        facts={"device": "mobile"},
        time=datetime(2026, 1, 5, 20, 0, tzinfo=UTC),
    )
    anonymous = serve.recommendations.for_user(None, n=5, context=context)
    assert anonymous == trained.recommendations.for_user(None, n=5, context=context)
    assert "stove" not in [r.item_id for r in anonymous.items]
    known = serve.recommendations.for_user("camper1", context=Context(cart_items=("lamp",)))
    assert known.personalized and "lamp" not in [r.item_id for r in known.items]
    with pytest.raises(InvalidInput) as naive:
        serve.recommendations.for_user(None, context=Context(time=datetime(2026, 1, 5)))
    assert naive.value.field == "body.context.time"


def test_excluded_values_and_ranges_go_in_a_post(trained: Engine, serve: Client) -> None:
    # A query string cannot say them: for_user sends them in the body, for a known user
    # and an anonymous one alike, and answers as the engine does.
    never = Filters(exclude_attributes={"brand": ("Zeta",)}, ranges={"price": (None, 100.0)})
    for user in ("camper3", None):
        answer = serve.recommendations.for_user(user, n=10, filters=never)
        assert answer == trained.recommendations.for_user(user, n=10, filters=never)
        assert answer.items
        assert not {"lamp", "mat", "socks", "tent", "boots"} & {r.item_id for r in answer.items}


def test_filters_a_query_string_cannot_say_are_refused_by_name(client: Client) -> None:
    with pytest.raises(InvalidInput) as refused:
        client.recommendations.similar(
            "tent", filters=Filters(exclude_attributes={"brand": ("Acme",)})
        )
    assert refused.value.field == "filters.exclude_attributes"
    with pytest.raises(InvalidInput) as too_many:
        client.recommendations.for_user("ann", n=500)
    assert too_many.value.field == "query.n"
