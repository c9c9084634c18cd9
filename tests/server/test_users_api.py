"""/v1/users: traits, profile with activity, listing, consents, identity merge."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from tailored import Engine
from tailored.storage import users as user_store


def _profile(api: Any, user_id: str) -> dict[str, Any]:
    response = api.client.get(f"/v1/users/{user_id}", headers=api.serve)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _events(api: Any, rows: list[dict[str, Any]]) -> None:
    response = api.client.post("/v1/events", json=rows, headers=api.ingest)
    assert response.json()["accepted"] == len(rows), response.text


def test_put_replaces_all_traits(api: Any) -> None:
    first = api.client.put(
        "/v1/users/u1", json={"traits": {"name": "Ann", "city": "Oslo"}}, headers=api.ingest
    )
    assert first.status_code == 200
    assert first.json()["traits"] == {"name": "Ann", "city": "Oslo"}

    second = api.client.put("/v1/users/u1", json={"traits": {"name": "Ann B"}}, headers=api.ingest)

    assert second.json()["traits"] == {"name": "Ann B"}
    assert _profile(api, "u1")["traits"] == {"name": "Ann B"}


def test_patch_merges_traits_and_null_removes_one(api: Any) -> None:
    api.client.put(
        "/v1/users/u1",
        json={"traits": {"name": "Ann", "city": "Oslo", "age_band": "25-34"}},
        headers=api.ingest,
    )

    response = api.client.patch(
        "/v1/users/u1", json={"traits": {"city": None, "plan": "gold"}}, headers=api.ingest
    )

    assert response.status_code == 200
    expected = {"name": "Ann", "age_band": "25-34", "plan": "gold"}
    assert response.json()["traits"] == expected
    assert _profile(api, "u1")["traits"] == expected


def test_patch_creates_a_new_user(api: Any) -> None:
    response = api.client.patch("/v1/users/new", json={"traits": {"a": 1}}, headers=api.ingest)
    assert response.status_code == 200
    assert _profile(api, "new")["traits"] == {"a": 1}


def test_put_without_traits_is_422(api: Any) -> None:
    response = api.client.put("/v1/users/u1", json={"name": "Ann"}, headers=api.ingest)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
    assert api.client.get("/v1/users/u1", headers=api.serve).status_code == 404


def test_put_with_malformed_json_is_400(api: Any) -> None:
    response = api.client.put(
        "/v1/users/u1",
        content=b'{"traits": ',
        headers={**api.ingest, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_profile_includes_consents_and_activity(api: Any) -> None:
    api.client.put("/v1/users/u1", json={"traits": {"name": "Ann"}}, headers=api.ingest)
    api.client.put(
        "/v1/users/u1/consents",
        json={"consents": {"personalization": True, "marketing": False}, "source": "banner"},
        headers=api.ingest,
    )
    _events(
        api,
        [
            {"user_id": "u1", "type": "view", "item_id": "a", "timestamp": "2026-01-01T10:00:00Z"},
            {"user_id": "u1", "type": "view", "item_id": "b", "timestamp": "2026-01-03T10:00:00Z"},
            {"user_id": "u1", "type": "search", "timestamp": "2026-01-04T10:00:00.5Z"},
            {"user_id": "u2", "type": "view", "item_id": "z", "timestamp": "2026-01-05T10:00:00Z"},
        ],
    )
    # Sent later but happened in between: recency follows the event time, not arrival.
    _events(
        api,
        [
            {
                "user_id": "u1",
                "type": "purchase",
                "item_id": "c",
                "timestamp": "2026-01-02T10:00:00+02:00",
            }
        ],
    )

    profile = _profile(api, "u1")

    assert profile["id"] == "u1"
    assert profile["traits"] == {"name": "Ann"}
    assert [(c["purpose"], c["granted"], c["source"]) for c in profile["consents"]] == [
        ("marketing", False, "banner"),
        ("personalization", True, "banner"),
    ]
    activity = profile["activity"]
    assert activity["events_total"] == 4
    assert activity["by_type"] == {"purchase": 1, "search": 1, "view": 2}
    assert datetime.fromisoformat(activity["first_event_at"]) == datetime.fromisoformat(
        "2026-01-01T10:00:00+00:00"
    )
    assert datetime.fromisoformat(activity["last_event_at"]) == datetime.fromisoformat(
        "2026-01-04T10:00:00.5+00:00"
    )
    assert activity["recent_items"] == ["b", "c", "a"]


def test_a_user_without_events_has_an_empty_activity(api: Any) -> None:
    api.client.put("/v1/users/u1", json={"traits": {}}, headers=api.ingest)
    activity = _profile(api, "u1")["activity"]
    assert activity["events_total"] == 0
    assert activity["by_type"] == {}
    assert activity["first_event_at"] is None and activity["last_event_at"] is None
    assert activity["recent_items"] == []


def test_unknown_user_is_404_naming_the_id(api: Any) -> None:
    response = api.client.get("/v1/users/ghost-7", headers=api.serve)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "ghost-7" in response.json()["error"]["message"]


def test_list_users_in_pages(api: Any) -> None:
    ids = [f"user-{n}" for n in range(5)]
    for user_id in reversed(ids):
        api.client.put(f"/v1/users/{user_id}", json={"traits": {"n": user_id}}, headers=api.ingest)

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/users", params=params, headers=api.admin).json()
        assert len(page["users"]) <= 2
        seen += [u["id"] for u in page["users"]]
        assert all(u["traits"] == {"n": u["id"]} for u in page["users"])
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == ids


def test_list_users_rejects_a_bad_limit(api: Any) -> None:
    response = api.client.get("/v1/users", params={"limit": 0}, headers=api.admin)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "query.limit"


def test_consents_put_and_get(api: Any) -> None:
    put = api.client.put(
        "/v1/users/u1/consents",
        json={"consents": {"analytics": True, "personalization": True}, "source": "banner"},
        headers=api.ingest,
    )
    assert put.status_code == 200
    assert [(c["purpose"], c["granted"]) for c in put.json()] == [
        ("analytics", True),
        ("personalization", True),
    ]

    api.client.put(
        "/v1/users/u1/consents",
        json={"consents": {"analytics": False}, "source": "settings_page"},
        headers=api.ingest,
    )

    got = api.client.get("/v1/users/u1/consents", headers=api.serve)
    assert got.status_code == 200
    assert [(c["purpose"], c["granted"], c["source"]) for c in got.json()] == [
        ("analytics", False, "settings_page"),
        ("personalization", True, "banner"),
    ]
    assert all(c["updated_at"] for c in got.json())


def test_consent_history_keeps_every_decision_oldest_first(api: Any, engine: Engine) -> None:
    for granted, source in ((True, "banner"), (False, "settings_page"), (True, "email")):
        api.client.put(
            "/v1/users/u1/consents",
            json={"consents": {"marketing": granted}, "source": source},
            headers=api.ingest,
        )

    history = engine.consents.history("u1")

    assert [(c.purpose, c.granted, c.source) for c in history] == [
        ("marketing", True, "banner"),
        ("marketing", False, "settings_page"),
        ("marketing", True, "email"),
    ]


def test_unknown_consent_purpose_is_422_naming_it(api: Any) -> None:
    response = api.client.put(
        "/v1/users/u1/consents", json={"consents": {"telepathy": True}}, headers=api.ingest
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"].endswith("consents.telepathy")
    assert "personalization" in error["message"]  # names the configured purposes


@pytest.mark.parametrize("value", ["maybe", None, "yes", 1, [True]])
def test_non_boolean_consent_is_422(api: Any, engine: Engine, value: Any) -> None:
    response = api.client.put(
        "/v1/users/u1/consents", json={"consents": {"analytics": value}}, headers=api.ingest
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"].endswith("consents.analytics")
    assert engine.consents.history("u1") == []


def test_consents_of_an_unknown_user_are_404(api: Any) -> None:
    response = api.client.get("/v1/users/ghost/consents", headers=api.serve)
    assert response.status_code == 404
    assert "ghost" in response.json()["error"]["message"]


def _visitor(api: Any, engine: Engine) -> None:
    """An anonymous visitor with events, traits, preferences and a consent; a known user."""
    _events(
        api,
        [
            {"event_id": "a1", "user_id": "anon-1", "type": "view", "item_id": "sku-1"},
            {"event_id": "a2", "user_id": "anon-1", "type": "add_to_cart", "item_id": "sku-1"},
            {"event_id": "k1", "user_id": "u1", "type": "view", "item_id": "sku-9"},
        ],
    )
    api.client.put(
        "/v1/users/anon-1", json={"traits": {"city": "Oslo", "name": "?"}}, headers=api.ingest
    )
    api.client.put("/v1/users/u1", json={"traits": {"name": "Ann"}}, headers=api.ingest)
    api.client.put(
        "/v1/users/anon-1/consents",
        json={"consents": {"analytics": True, "marketing": True}},
        headers=api.ingest,
    )
    api.client.put(
        "/v1/users/u1/consents", json={"consents": {"marketing": False}}, headers=api.ingest
    )
    # No endpoint sets preferences yet: put them in place through the store.
    with engine.db.writing() as conn:
        user_store.set_preferences(
            conn, "anon-1", {"sizes": [42], "theme": "light"}, now=datetime.now(UTC)
        )
        user_store.set_preferences(conn, "u1", {"theme": "dark"}, now=datetime.now(UTC))


def test_merge_folds_the_anonymous_visitor_into_the_user(api: Any, engine: Engine) -> None:
    _visitor(api, engine)

    response = api.client.post(
        "/v1/users/u1/merge", json={"anonymous_id": "anon-1"}, headers=api.ingest
    )

    assert response.status_code == 200
    merge = response.json()
    assert (merge["anonymous_id"], merge["user_id"], merge["events_moved"]) == ("anon-1", "u1", 2)
    assert merge["merged_at"]
    profile = _profile(api, "u1")
    assert profile["traits"] == {"name": "Ann", "city": "Oslo"}
    assert profile["preferences"] == {"theme": "dark", "sizes": [42]}
    assert {c["purpose"]: c["granted"] for c in profile["consents"]} == {
        "analytics": True,
        "marketing": False,
    }
    assert profile["activity"]["events_total"] == 3
    assert profile["activity"]["by_type"] == {"add_to_cart": 1, "view": 2}
    moved = api.client.get("/v1/events", params={"user_id": "u1"}, headers=api.admin).json()
    assert sorted(e["event_id"] for e in moved["events"]) == ["a1", "a2", "k1"]
    gone = api.client.get("/v1/users/anon-1", headers=api.serve)
    assert gone.status_code == 404


def test_events_sent_with_a_merged_anonymous_id_land_on_the_user(api: Any, engine: Engine) -> None:
    _visitor(api, engine)
    api.client.post("/v1/users/u1/merge", json={"anonymous_id": "anon-1"}, headers=api.ingest)

    _events(api, [{"event_id": "late", "user_id": "anon-1", "type": "purchase", "item_id": "x"}])

    late = api.client.get("/v1/events", params={"type": "purchase"}, headers=api.admin).json()
    assert [(e["event_id"], e["user_id"]) for e in late["events"]] == [("late", "u1")]
    assert _profile(api, "u1")["activity"]["events_total"] == 4
    assert api.client.get("/v1/users/anon-1", headers=api.serve).status_code == 404


def test_merge_into_a_user_not_seen_before_creates_it(api: Any) -> None:
    _events(api, [{"user_id": "anon-2", "type": "view", "item_id": "sku-1"}])

    response = api.client.post(
        "/v1/users/new-user/merge", json={"anonymous_id": "anon-2"}, headers=api.ingest
    )

    assert response.json()["events_moved"] == 1
    assert _profile(api, "new-user")["activity"]["recent_items"] == ["sku-1"]


def test_merges_chain_without_losing_the_first_visitor(api: Any) -> None:
    _events(api, [{"user_id": "anon-a", "type": "view", "item_id": "sku-1"}])
    api.client.post("/v1/users/device-b/merge", json={"anonymous_id": "anon-a"}, headers=api.ingest)
    api.client.post("/v1/users/u1/merge", json={"anonymous_id": "device-b"}, headers=api.ingest)

    _events(api, [{"event_id": "late", "user_id": "anon-a", "type": "search"}])

    assert _profile(api, "u1")["activity"]["events_total"] == 2
    late = api.client.get("/v1/events", params={"type": "search"}, headers=api.admin).json()
    assert [e["user_id"] for e in late["events"]] == ["u1"]
    for gone in ("anon-a", "device-b"):
        assert api.client.get(f"/v1/users/{gone}", headers=api.serve).status_code == 404


def test_a_user_id_with_a_slash_is_refused_or_readable_by_id(api: Any) -> None:
    response = api.client.post(
        "/v1/events", json=[{"user_id": "team/42", "type": "search"}], headers=api.ingest
    )

    if response.json()["accepted"] == 0:
        assert [r["field"] for r in response.json()["rejected"]] == ["user_id"]
        return
    fetched = api.client.get("/v1/users/" + quote("team/42", safe=""), headers=api.serve)
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["activity"]["events_total"] == 1


def test_merging_a_user_into_itself_is_422(api: Any, engine: Engine) -> None:
    _events(api, [{"user_id": "u1", "type": "view", "item_id": "sku-1"}])

    response = api.client.post(
        "/v1/users/u1/merge", json={"anonymous_id": "u1"}, headers=api.ingest
    )

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "anonymous_id"
    assert _profile(api, "u1")["activity"]["events_total"] == 1


def test_merging_an_unknown_anonymous_id_is_404(api: Any) -> None:
    api.client.put("/v1/users/u1", json={"traits": {}}, headers=api.ingest)

    response = api.client.post(
        "/v1/users/u1/merge", json={"anonymous_id": "never-seen"}, headers=api.ingest
    )

    assert response.status_code == 404
    assert "never-seen" in response.json()["error"]["message"]


def test_merge_requires_an_anonymous_id(api: Any) -> None:
    response = api.client.post("/v1/users/u1/merge", json={}, headers=api.ingest)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body.anonymous_id"
