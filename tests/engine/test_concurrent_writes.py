"""Concurrent writers sharing keys: no deadlock, nothing lost, nothing stored twice.

Batches from several clients often name the same new users, and a retried batch repeats
event ids another request is still writing. On PostgreSQL, rows locked in a different
order by two transactions deadlock and one request fails; the store writes in key order
so they wait for each other instead.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

from tailored import Engine
from tailored.domain.results import BatchResult

WRITERS = 4
ROUNDS = 6


def _shuffled(rows: list[dict[str, object]], seed: int) -> list[dict[str, object]]:
    copy = list(rows)
    random.Random(seed).shuffle(copy)
    return copy


def test_overlapping_event_batches_in_different_orders_all_succeed(engine: Engine) -> None:
    results: list[BatchResult] = []
    for round_ in range(ROUNDS):
        # Every writer sends the same 300 events (new users included), each in its own order.
        rows = [
            {
                "event_id": f"r{round_}-e{n}",
                "user_id": f"r{round_}-u{n % 60}",
                "item_id": f"i{n % 9}",
                "type": "view",
            }
            for n in range(300)
        ]
        orders = [_shuffled(rows, seed) for seed in range(WRITERS)]
        with ThreadPoolExecutor(WRITERS) as pool:
            results += pool.map(engine.events.record_many, orders)
    assert [r.rejected for r in results if r.rejected] == []
    assert sum(result.accepted for result in results) == ROUNDS * 300
    assert sum(result.duplicates for result in results) == ROUNDS * 300 * (WRITERS - 1)
    assert engine.events.count() == ROUNDS * 300
    assert engine.users.count() == ROUNDS * 60


def test_overlapping_item_batches_in_different_orders_all_succeed(engine: Engine) -> None:
    rows = [{"id": f"i{n}", "title": f"Item {n}", "categories": [f"c{n % 7}"]} for n in range(400)]
    orders = [_shuffled(rows, seed) for seed in range(12)]
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(engine.items.upsert_many, orders))
    assert all(result.accepted == 400 and not result.rejected for result in results)
    assert engine.items.count() == 400
