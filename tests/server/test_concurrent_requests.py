"""Requests racing each other through the REST API, on every backend: what a client sees
(every status and body) and what is stored afterwards.

The engine-level races are in tests/engine/test_concurrent_*.py; these check that the
same guarantees reach HTTP: no lost update behind a 200, a merge retried answers alike,
the opposite merge answers 409, never a 500.
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


def _send_events(api: Any, user_id: str, count: int) -> None:
    rows = [
        {"event_id": f"{user_id}-{n}", "user_id": user_id, "type": "view", "item_id": f"i{n}"}
        for n in range(count)
    ]
    response = api.client.post("/v1/events", json=rows, headers=api.ingest)
    assert response.json()["accepted"] == count


def _merge(api: Any, pairs: list[tuple[str, str]], n: int) -> httpx.Response:
    user_id, anonymous_id = pairs[n % len(pairs)]
    body = {"anonymous_id": anonymous_id}
    return api.client.post(f"/v1/users/{user_id}/merge", json=body, headers=api.ingest)


def _statuses(responses: list[Any]) -> list[int]:
    return sorted(r.status_code for r in responses)


def test_merges_both_ways_at_once_answer_200_one_way_and_409_the_other(api: Any) -> None:
    _send_events(api, "x", 20)
    _send_events(api, "y", 20)

    responses = at_once(10, partial(_merge, api, [("x", "y"), ("y", "x")]))

    assert _statuses(responses) == [200] * 5 + [409] * 5
    bodies = [r.json() for r in responses if r.status_code == 200]
    assert all(body == bodies[0] for body in bodies)
    survivor, gone = bodies[0]["user_id"], bodies[0]["anonymous_id"]
    assert bodies[0]["events_moved"] == 20
    refused = [r.json()["error"] for r in responses if r.status_code == 409]
    assert all(e["code"] == "conflict" and repr(gone) in e["message"] for e in refused)
    profile = api.client.get(f"/v1/users/{survivor}", headers=api.serve).json()
    assert profile["activity"]["events_total"] == 40
    assert api.client.get(f"/v1/users/{gone}", headers=api.serve).status_code == 404
    leftover = api.client.get("/v1/events", params={"user_id": gone}, headers=api.admin)
    assert leftover.json()["events"] == []


def test_the_same_merge_sent_20_times_at_once_answers_200_alike(api: Any) -> None:
    _send_events(api, "known", 4)
    _send_events(api, "visitor", 91)

    responses = at_once(PARALLEL, partial(_merge, api, [("known", "visitor")]))

    assert _statuses(responses) == [200] * PARALLEL
    bodies = [r.json() for r in responses]
    assert all(body == bodies[0] for body in bodies)
    assert (bodies[0]["user_id"], bodies[0]["anonymous_id"]) == ("known", "visitor")
    assert bodies[0]["events_moved"] == 91
    retried = api.client.post(
        "/v1/users/known/merge", json={"anonymous_id": "visitor"}, headers=api.ingest
    )
    assert retried.status_code == 200 and retried.json() == bodies[0]
    profile = api.client.get("/v1/users/known", headers=api.serve).json()
    assert profile["activity"]["events_total"] == 95
