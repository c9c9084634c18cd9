"""DELETE /v1/users/{id}: erasure through the API and the Python client (admin only),
its report, a second call, unknown and merged-away ids, and the suppression list."""

from __future__ import annotations

from typing import Any

from tailored.client import Client


def _seed(api: Any) -> None:
    rows = [
        {"user_id": "ann", "type": "view", "item_id": "mug"},
        {"user_id": "anon-7", "type": "view", "item_id": "lamp"},
        {"user_id": "bob", "type": "view", "item_id": "mug"},
    ]
    assert api.client.post("/v1/events", json=rows, headers=api.ingest).json()["accepted"] == 3
    merge = api.client.post(
        "/v1/users/ann/merge", json={"anonymous_id": "anon-7"}, headers=api.ingest
    )
    assert merge.status_code == 200, merge.text


def test_erasure_reports_rows_per_table_and_the_merged_ids(api: Any) -> None:
    _seed(api)

    response = api.client.delete("/v1/users/ann", headers=api.admin)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "user_id": "ann",
        "rows": {"events": 2, "user_merges": 1, "users": 1},
        "total": 4,
        "merged_ids": ["anon-7"],
        "models": [],
        "suppressed": True,
        "already_erased": False,
    }
    assert api.client.get("/v1/users/ann", headers=api.serve).status_code == 404
    assert api.client.get("/v1/users/bob", headers=api.serve).status_code == 200


def test_erasing_twice_reports_nothing_left_and_an_unknown_id_is_404(api: Any) -> None:
    _seed(api)
    api.client.delete("/v1/users/ann", headers=api.admin)

    again = api.client.delete("/v1/users/ann", headers=api.admin)
    unknown = api.client.delete("/v1/users/nobody", headers=api.admin)

    assert again.status_code == 200
    assert (again.json()["already_erased"], again.json()["rows"]) == (True, {})
    assert unknown.status_code == 404
    assert "nobody" in unknown.text


def test_a_merged_away_id_is_a_409_naming_the_person(api: Any) -> None:
    _seed(api)

    response = api.client.delete("/v1/users/anon-7", headers=api.admin)

    assert response.status_code == 409
    assert "erase 'ann'" in response.text


def test_only_an_admin_key_erases(api: Any) -> None:
    _seed(api)

    for key in (api.ingest, api.serve, {}):
        assert api.client.delete("/v1/users/ann", headers=key).status_code in (401, 403)
    assert api.client.get("/v1/users/ann", headers=api.serve).status_code == 200


def test_late_events_are_rejected_per_row_until_the_business_allows_a_return(api: Any) -> None:
    _seed(api)
    api.client.delete("/v1/users/ann", headers=api.admin)
    late = [
        {"user_id": "ann", "type": "view", "item_id": "mug"},
        {"user_id": "bob", "type": "view", "item_id": "lamp"},
    ]

    refused = api.client.post("/v1/events", json=late, headers=api.ingest).json()
    single = api.client.put("/v1/users/ann", json={"traits": {}}, headers=api.ingest)
    lifted = api.client.delete("/v1/users/ann?allow_return=true", headers=api.admin)
    accepted = api.client.post("/v1/events", json=late[:1], headers=api.ingest).json()

    assert refused["accepted"] == 1
    [rejection] = refused["rejected"]
    assert (rejection["index"], rejection["field"]) == (0, "user_id")
    assert "suppression list" in rejection["reason"]
    assert single.status_code == 422 and "user_id" in single.text
    assert (lifted.status_code, lifted.json()["suppressed"]) == (200, False)
    assert accepted["accepted"] == 1


def test_the_client_erases_and_reads_the_report(api: Any) -> None:
    _seed(api)
    token = api.admin["Authorization"].removeprefix("Bearer ")
    client = Client("http://testserver", api_key=token, http=api.client)

    report = client.users.erase("ann")
    again = client.users.erase("ann", allow_return=True)

    assert (dict(report.rows), report.merged_ids, report.total) == (
        {"events": 2, "user_merges": 1, "users": 1},
        ("anon-7",),
        4,
    )
    assert (again.already_erased, again.suppressed) == (True, False)
