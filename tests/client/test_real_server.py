"""The client against a real `tailored serve` process over a socket, on each backend: a
storefront's day (catalog, browsing, a cart checked out, training, recommendations),
then the server stops and the client says it cannot reach it."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tailored.client import AsyncClient, Client
from tailored.errors import NotFound, Unavailable
from tailored.testing.server_process import ServerProcess, create_admin_key

pytestmark = pytest.mark.slow

CATALOG = [
    {"id": f"sku-{n}", "title": f"Item {n}", "categories": ["shop"], "attributes": {"price": 5 + n}}
    for n in range(8)
]


def test_a_storefront_session_against_tailored_serve(
    fresh_url: str, run_async: Callable[[Callable[[], Awaitable[str]]], str]
) -> None:
    key = create_admin_key(fresh_url, name="client-e2e")
    with ServerProcess(fresh_url) as server, Client(server.base_url, api_key=key) as client:
        assert client.health.ready().ready
        assert client.items.upsert_many(CATALOG).accepted == len(CATALOG)
        browsing = [
            {"user_id": f"u{u}", "type": "view", "item_id": f"sku-{(u + k) % 8}"}
            for u in range(12)
            for k in range(3)
        ]
        assert client.events.record_many(browsing).accepted == len(browsing)

        cart = client.orders.create("ann", "cart", [("sku-1", 2), ("sku-2", 1)])
        receipt = client.orders.reorder("ann", cart.id, placed_id="checkout-1")
        assert (receipt.total, receipt.recorded) == (19.0, 2)
        assert client.orders.reorder("ann", cart.id, placed_id="checkout-1").duplicates == 2
        client.orders.delete("ann", cart.id)
        with pytest.raises(NotFound):
            client.orders.get("ann", cart.id)

        job = client.jobs.submit("similar_blend", tune=False)  # what serves similar items
        deadline = time.monotonic() + 60
        while not (job := client.jobs.get(job.id)).finished:
            assert time.monotonic() < deadline, "training did not finish"
            time.sleep(0.1)
        assert job.status == "succeeded", job.error
        similar = client.recommendations.similar("sku-1", n=3)
        assert similar.source == "similar_blend" and len(similar.items) == 3

        async def from_asyncio() -> str:
            async with AsyncClient(server.base_url, api_key=key) as remote:
                return (await remote.items.get("sku-3")).title

        assert run_async(from_asyncio) == "Item 3"
        base_url = server.base_url
        server.stop()

        with pytest.raises(Unavailable) as down:
            client.items.get("sku-1")
        assert base_url in str(down.value)


def _readme_example() -> str:
    """The code of the README's "The Python client" section."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### The Python client", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'readme.db'}"
    key = create_admin_key(url, name="readme")
    with ServerProcess(url) as server:
        monkeypatch.setenv("TAILORED_URL", server.base_url)
        monkeypatch.setenv("TAILORED_API_KEY", key)
        exec(compile(_readme_example(), "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "29.0 2"
    assert "beans 12.5" in printed and "filter 4.0" in printed
    assert printed[-1] == "user 'nobody' not found"
