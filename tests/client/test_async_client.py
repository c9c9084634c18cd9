"""`AsyncClient` against the real app (over `httpx.ASGITransport`) on each backend: the
same operations as `Client`, awaited, with the same results and errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tailored import Engine
from tailored.client import AsyncClient, aiterate
from tailored.domain.recommendations import Context
from tailored.errors import InvalidInput, NotFound

WithAsyncClient = Callable[[Callable[[AsyncClient], Awaitable[Any]]], Any]


def test_a_shop_session_end_to_end(with_async_client: WithAsyncClient, engine: Engine) -> None:
    with_async_client(lambda client: _shop_session(client, engine))


async def _shop_session(client: AsyncClient, engine: Engine) -> None:
    assert (await client.health.live()).status == "ok"
    stored = await client.items.upsert_many(
        [
            {"id": f"sku-{n}", "title": f"Item {n}", "attributes": {"price": 10 + n}}
            for n in range(5)
        ]
    )
    assert stored.accepted == 5
    assert await client.items.get("sku-1") == engine.items.get("sku-1")
    assert [i.id async for i in aiterate(client.items.list, limit=2)] == [
        f"sku-{n}" for n in range(5)
    ]

    await client.users.upsert("ann", {"name": "Ann"})
    await client.consents.set("ann", {"personalization": True})
    await client.events.record_many(
        [{"user_id": "ann", "type": "view", "item_id": f"sku-{n}"} for n in (0, 1)]
    )
    answer = await client.recommendations.for_user(
        "ann", n=3, context=Context(cart_items=("sku-2",))
    )
    assert "sku-2" not in [r.item_id for r in answer.items]

    saved = await client.lists.save("ann", "sku-3")
    assert saved.added
    cart = await client.orders.create("ann", "cart", [("sku-3", 2)])
    receipt = await client.orders.reorder("ann", cart.id, placed_id="checkout-1")
    assert (receipt.total, receipt.recorded) == (26.0, 1)
    events = [e async for e in aiterate(client.events.query, user_id="ann", limit=1)]
    assert sorted(e.type for e in events) == ["like", "purchase", "view", "view"]  # saving: a like


def test_errors_are_the_engines_classes(with_async_client: WithAsyncClient) -> None:
    with_async_client(_errors)


async def _errors(async_client: AsyncClient) -> None:
    with pytest.raises(NotFound) as missing:
        await async_client.items.get("nothing")
    assert missing.value.kind == "item"
    with pytest.raises(InvalidInput) as refused:
        await async_client.users.upsert("ann", {"visits": 2**64})
    assert refused.value.field == "body.traits.visits"
    with pytest.raises(TypeError):
        await anext(aiterate(async_client.items.get, "sku-1"))  # type: ignore[arg-type]
