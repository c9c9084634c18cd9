"""Requests racing each other through the REST API, on every backend: what a client sees
(every status and body) and what is stored afterwards.

The engine-level races are in tests/engine/test_concurrent_*.py; these check that the
same guarantees reach HTTP: no lost update behind a 200, never a 500.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx

from tailored.testing.concurrency import at_once

PARALLEL = 20


def _patch(api: Any, user_id: str, n: int) -> httpx.Response:
    body = {"traits": {f"trait{n}": n}}
    return api.client.patch(f"/v1/users/{user_id}", json=body, headers=api.ingest)


def test_parallel_patches_of_one_user_all_answer_200_and_all_are_stored(api: Any) -> None:
    for user_id in ("ann", "bo"):
        responses = at_once(PARALLEL, partial(_patch, api, user_id))

        assert [r.status_code for r in responses if isinstance(r, httpx.Response)] == [200] * 20
        stored = api.client.get(f"/v1/users/{user_id}", headers=api.serve).json()["traits"]
        assert stored == {f"trait{n}": n for n in range(PARALLEL)}
