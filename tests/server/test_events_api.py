"""/v1/events: recording (single, batch, idempotent, validated row by row) and querying."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from tailored import Engine


def _view(event_id: str, user_id: str = "u1", item_id: str = "sku-1", **extra: Any) -> dict:
    return {"event_id": event_id, "user_id": user_id, "type": "view", "item_id": item_id, **extra}


def _stored(api: Any, **params: Any) -> list[dict[str, Any]]:
    response = api.client.get("/v1/events", params={"limit": 1000, **params}, headers=api.admin)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_single_event_object_is_recorded(api: Any, engine: Engine) -> None:
    event = {
        "event_id": "e1",
        "user_id": "u1",
        "type": "rate",
        "item_id": "sku-1",
        "value": 4.5,
        "context": {"device": "mobile", "placement": "home"},
        "timestamp": "2026-01-02T03:04:05.678901Z",
    }

    response = api.client.post("/v1/events", json=event, headers=api.ingest)

    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    [stored] = _stored(api)
    assert {k: stored[k] for k in ("event_id", "user_id", "type", "item_id", "value")} == {
        "event_id": "e1",
        "user_id": "u1",
        "type": "rate",
        "item_id": "sku-1",
        "value": 4.5,
    }
    assert stored["context"] == {"device": "mobile", "placement": "home"}
    assert _at(stored["timestamp"]) == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    assert engine.events.count() == 1


@pytest.mark.parametrize(
    "wrap", [lambda rows: rows, lambda rows: {"events": rows}], ids=["array", "events-object"]
)
def test_a_batch_is_recorded(api: Any, engine: Engine, wrap: Callable) -> None:
    rows = [_view("e1"), _view("e2", item_id="sku-2"), _view("e3", user_id="u2")]

    response = api.client.post("/v1/events", json=wrap(rows), headers=api.ingest)

    assert response.json() == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert sorted(e["event_id"] for e in _stored(api)) == ["e1", "e2", "e3"]
    assert engine.events.count() == 3


def test_sending_the_same_batch_twice_stores_it_once(api: Any, engine: Engine) -> None:
    rows = [_view(f"e{n}") for n in range(4)]
    first = api.client.post("/v1/events", json=rows, headers=api.ingest)

    second = api.client.post("/v1/events", json=rows, headers=api.ingest)

    assert first.json() == {"accepted": 4, "duplicates": 0, "rejected": []}
    assert second.json() == {"accepted": 0, "duplicates": 4, "rejected": []}
    assert engine.events.count() == 4
    assert len(_stored(api)) == 4


def test_a_retry_mixing_old_and_new_events_stores_only_the_new(api: Any, engine: Engine) -> None:
    api.client.post("/v1/events", json=[_view("e1"), _view("e2")], headers=api.ingest)

    retry = api.client.post(
        "/v1/events", json=[_view("e2"), _view("e3"), _view("e1")], headers=api.ingest
    )

    assert retry.json() == {"accepted": 1, "duplicates": 2, "rejected": []}
    assert engine.events.count() == 3


def test_duplicate_ids_within_one_batch_are_stored_once(api: Any, engine: Engine) -> None:
    rows = [_view("e1", item_id="first"), _view("e2"), _view("e1", item_id="second")]

    response = api.client.post("/v1/events", json=rows, headers=api.ingest)

    assert response.json() == {"accepted": 2, "duplicates": 1, "rejected": []}
    assert engine.events.count() == 2
    assert [e["item_id"] for e in _stored(api, item_id="first")] == ["first"]
    assert _stored(api, item_id="second") == []


def test_a_missing_event_id_is_generated(api: Any, engine: Engine) -> None:
    row = {"user_id": "u1", "type": "view", "item_id": "sku-1"}

    api.client.post("/v1/events", json=row, headers=api.ingest)
    api.client.post("/v1/events", json=row, headers=api.ingest)

    ids = [e["event_id"] for e in _stored(api)]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(isinstance(i, str) and len(i) >= 16 for i in ids)
    assert engine.events.count() == 2


def test_the_timestamp_defaults_to_the_server_clock(api: Any) -> None:
    before = datetime.now(UTC)
    api.client.post("/v1/events", json=_view("e1"), headers=api.ingest)
    after = datetime.now(UTC)

    [stored] = _stored(api)

    assert before <= _at(stored["timestamp"]) <= after
    assert _at(stored["timestamp"]) == _at(stored["received_at"])


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T05:04:05+02:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1767323045, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (1767323045.5, datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),
    ],
    ids=["iso-z", "iso-offset", "iso-naive-is-utc", "unix-seconds", "unix-fraction"],
)
def test_timestamps_in_iso_and_unix_seconds(api: Any, sent: Any, expected: datetime) -> None:
    response = api.client.post("/v1/events", json=_view("e1", timestamp=sent), headers=api.ingest)

    assert response.json()["accepted"] == 1, response.text
    [stored] = _stored(api)
    assert _at(stored["timestamp"]) == expected


def test_future_timestamps_beyond_the_tolerance_are_rejected(
    api: Any, engine: Engine, client_for: Callable[..., TestClient], clock: Any
) -> None:
    client = client_for(clock=clock)
    tolerance = engine.settings.future_tolerance_seconds
    assert tolerance > 1

    def at(seconds: float) -> str:
        return (clock.now + timedelta(seconds=seconds)).isoformat()

    slightly = client.post(
        "/v1/events", json=_view("soon", timestamp=at(tolerance - 1)), headers=api.ingest
    )
    beyond = client.post(
        "/v1/events", json=_view("late", timestamp=at(tolerance + 1)), headers=api.ingest
    )
    far = client.post(
        "/v1/events", json=_view("far", timestamp=at(365 * 86400)), headers=api.ingest
    )

    assert slightly.json()["accepted"] == 1
    for response in (beyond, far):
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "timestamp"
        assert "future" in response.json()["error"]["message"]
    assert [e["event_id"] for e in _stored(api)] == ["soon"]


def test_an_unknown_item_id_is_accepted(api: Any) -> None:
    response = api.client.post(
        "/v1/events", json=_view("e1", item_id="not-in-catalog"), headers=api.ingest
    )
    assert response.json()["accepted"] == 1
    assert [e["item_id"] for e in _stored(api)] == ["not-in-catalog"]


def test_an_unknown_type_is_accepted_once_registered(api: Any, engine: Engine) -> None:
    event = {"event_id": "w1", "user_id": "u1", "type": "wishlist_add", "item_id": "sku-1"}
    refused = api.client.post("/v1/events", json=event, headers=api.ingest)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "type"
    assert "wishlist_add" in refused.json()["error"]["message"]

    registered = api.client.post(
        "/v1/event-types", json={"name": "wishlist_add", "requires_item": True}, headers=api.admin
    )
    assert registered.status_code == 201

    accepted = api.client.post("/v1/events", json=event, headers=api.ingest)
    assert accepted.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    no_item = api.client.post(
        "/v1/events", json={"user_id": "u1", "type": "wishlist_add"}, headers=api.ingest
    )
    assert no_item.json()["error"]["field"] == "item_id"
    assert engine.events.count() == 1


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"user_id": "u1", "type": "rate", "item_id": "sku-1"}, "value"),
        ({"user_id": "u1", "type": "view"}, "item_id"),
        ({"user_id": "u1", "type": "teleport", "item_id": "sku-1"}, "type"),
        ({"user_id": {"id": "u1"}, "type": "view", "item_id": "sku-1"}, "user_id"),
        ({"type": "view", "item_id": "sku-1"}, "user_id"),
        ({"user_id": "", "type": "view", "item_id": "sku-1"}, "user_id"),
        ({"user_id": "u1", "type": "rate", "item_id": "sku-1", "value": "abc"}, "value"),
        ({"user_id": "u1", "type": "view", "item_id": "sku-1", "context": ["x"]}, "context"),
        ({"user_id": "u1", "type": "view", "item_id": "sku-1", "timestamp": "soon"}, "timestamp"),
        ({"user_id": "u1", "type": "view", "item_id": "sku-1", "colour": "red"}, "colour"),
    ],
    ids=[
        "rate-without-value",
        "view-without-item",
        "unknown-type",
        "user-id-object",
        "user-id-missing",
        "user-id-empty",
        "value-text",
        "context-list",
        "timestamp-text",
        "unknown-field",
    ],
)
def test_a_rejected_single_event_is_422_naming_the_field(
    api: Any, engine: Engine, event: dict[str, Any], field: str
) -> None:
    response = api.client.post("/v1/events", json=event, headers=api.ingest)

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["field"] == field
    assert error["message"]
    assert engine.events.count() == 0


def test_a_batch_with_bad_rows_reports_each_in_index_order(api: Any, engine: Engine) -> None:
    rows = [
        {"event_id": "r0", "user_id": "u1", "type": "teleport", "item_id": "sku-1"},  # rule
        {"event_id": "r1", "user_id": {"id": 1}, "type": "view", "item_id": "sku-1"},  # schema
        _view("ok-2"),
        {"event_id": "r3", "user_id": "u1", "type": "rate", "item_id": "sku-1"},
        "not an event",
        {"event_id": "r5", "user_id": "u1", "type": "view", "item_id": "x", "value": "abc"},
        _view("ok-6"),
    ]

    response = api.client.post("/v1/events", json=rows, headers=api.ingest)

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    assert [(r["index"], r["field"]) for r in body["rejected"]] == [
        (0, "type"),
        (1, "user_id"),
        (3, "value"),
        (4, ""),
        (5, "value"),
    ]
    assert all(r["reason"] for r in body["rejected"])
    assert sorted(e["event_id"] for e in _stored(api)) == ["ok-2", "ok-6"]
    assert engine.events.count() == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"user_id": "u1", "type": ', 400, "malformed_json"),
        (b"[{]", 400, "malformed_json"),
        (b"", 400, "malformed_json"),
        (b"42", 422, "invalid_input"),
        (b'"view"', 422, "invalid_input"),
        (b"null", 422, "invalid_input"),
    ],
    ids=["truncated", "broken-array", "empty", "number", "string", "null"],
)
def test_bodies_that_are_not_events(
    api: Any, engine: Engine, body: bytes, status: int, code: str
) -> None:
    response = api.client.post(
        "/v1/events", content=body, headers={**api.ingest, "Content-Type": "application/json"}
    )

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == "body"
    assert engine.events.count() == 0


def test_a_batch_over_the_default_limit_is_413_and_stores_nothing(api: Any, engine: Engine) -> None:
    limit = engine.settings.max_batch_events
    assert limit == 10_000
    rows = [{"event_id": f"e{n}", "user_id": "u1", "type": "search"} for n in range(limit + 1)]

    response = api.client.post(
        "/v1/events",
        content=orjson.dumps(rows),
        headers={**api.ingest, "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert "10000" in error["message"]
    assert engine.events.count() == 0


def test_a_batch_at_the_limit_is_accepted(
    api: Any, engine: Engine, client_for: Callable[..., TestClient]
) -> None:
    client = client_for(max_batch_events=5)
    rows = [_view(f"e{n}") for n in range(6)]

    assert client.post("/v1/events", json=rows, headers=api.ingest).status_code == 413
    assert client.post("/v1/events", json=rows[:5], headers=api.ingest).json()["accepted"] == 5
    assert engine.events.count() == 5


def test_a_body_over_max_body_bytes_is_413_and_stores_nothing(
    api: Any, engine: Engine, client_for: Callable[..., TestClient]
) -> None:
    client = client_for(max_body_bytes=1024)
    rows = [_view(f"e{n}", context={"pad": "x" * 100}) for n in range(10)]
    assert len(orjson.dumps(rows)) > 1024

    response = client.post("/v1/events", json=rows, headers=api.ingest)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "1024" in response.json()["error"]["message"]
    assert engine.events.count() == 0


def _log(api: Any) -> None:
    """Four events sent one by one, so arrival order is e1, e2, e3, e4."""
    for row in (
        _view("e1", user_id="u1", item_id="a", timestamp="2026-01-01T00:00:00Z"),
        {
            "event_id": "e2",
            "user_id": "u1",
            "type": "purchase",
            "item_id": "a",
            "timestamp": "2026-01-02T00:00:00Z",
        },
        _view("e3", user_id="u2", item_id="b", timestamp="2026-01-03T00:00:00Z"),
        {"event_id": "e4", "user_id": "u2", "type": "search", "timestamp": "2026-01-04T00:00:00Z"},
    ):
        assert api.client.post("/v1/events", json=row, headers=api.ingest).json()["accepted"] == 1


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["e4", "e3", "e2", "e1"]),
        ({"user_id": "u1"}, ["e2", "e1"]),
        ({"item_id": "a"}, ["e2", "e1"]),
        ({"type": "view"}, ["e3", "e1"]),
        ({"type": ["view", "search"]}, ["e4", "e3", "e1"]),
        ({"since": "2026-01-01T12:00:00Z"}, ["e4", "e3", "e2"]),
        ({"until": "2026-01-02T12:00:00Z"}, ["e2", "e1"]),
        ({"since": "2026-01-01T12:00:00Z", "until": "2026-01-03T12:00:00Z"}, ["e3", "e2"]),
        # 03:00+05:00 is 22:00 UTC the day before: the offset must not be dropped.
        ({"since": "2026-01-02T03:00:00+05:00"}, ["e4", "e3", "e2"]),
        ({"user_id": "u2", "type": "view"}, ["e3"]),
        ({"user_id": "nobody"}, []),
    ],
)
def test_query_filters(api: Any, params: dict[str, Any], expected: list[str]) -> None:
    _log(api)
    assert [e["event_id"] for e in _stored(api, **params)] == expected


def test_query_pages_newest_first(api: Any) -> None:
    _log(api)

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/events", params=params, headers=api.admin).json()
        seen += [e["event_id"] for e in page["events"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None or pages > 5:
            break

    assert seen == ["e4", "e3", "e2", "e1"]
    assert pages == 2


def test_query_pages_keep_their_filters(api: Any) -> None:
    _log(api)
    first = api.client.get(
        "/v1/events", params={"user_id": "u1", "limit": 1}, headers=api.admin
    ).json()
    second = api.client.get(
        "/v1/events",
        params={"user_id": "u1", "limit": 1, "cursor": first["next_cursor"]},
        headers=api.admin,
    ).json()

    assert [e["event_id"] for e in first["events"]] == ["e2"]
    assert [e["event_id"] for e in second["events"]] == ["e1"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "query.limit"),
        ({"limit": 10_001}, "query.limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "azpza3UtMQ"}, "cursor"),  # an item listing's cursor ("k:sku-1")
        ({"since": "yesterday"}, "query.since"),
    ],
)
def test_query_rejects_bad_parameters(api: Any, params: dict[str, Any], field: str) -> None:
    response = api.client.get("/v1/events", params=params, headers=api.admin)
    assert response.status_code == 422
    assert response.json()["error"]["field"].endswith(field)
