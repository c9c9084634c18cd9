"""GET /v1/audit: what admin writes through the API record (their key, the client
address), filters, paging, bad filters, and no route that changes the log."""

from __future__ import annotations

from tests.conftest import Api

from tailored import Engine

HOME = {"strategy": {"top_n": {"limit": 8}}}


def _admin_key_id(engine: Engine) -> str:
    (key,) = [k for k in engine.keys.list() if k.name == "admin"]
    return key.id


def test_an_admin_write_is_recorded_with_its_key_and_address(api: Api, engine: Engine) -> None:
    assert api.client.put("/v1/placements/home", json=HOME, headers=api.admin).status_code == 200
    answer = api.client.get("/v1/audit", params={"action": "placement.set"}, headers=api.admin)
    assert answer.status_code == 200
    (entry,) = answer.json()["entries"]
    assert entry["actor_kind"] == "key" and entry["actor"] == _admin_key_id(engine)
    assert entry["client_ip"] == "testclient"  # the address the server saw
    assert (entry["target"], entry["detail"]) == ("home", {"version": 1})


def test_consent_changes_name_the_ingest_key(api: Api, engine: Engine) -> None:
    body = {"consents": {"personalization": False}}
    assert api.client.put("/v1/users/u1/consents", json=body, headers=api.ingest).status_code == 200
    found = api.client.get("/v1/audit", params={"target": "u1"}, headers=api.admin).json()
    (entry,) = found["entries"]
    (ingest,) = [k for k in engine.keys.list() if k.name == "ingest"]
    assert (entry["action"], entry["actor"]) == ("consent.set", ingest.id)
    assert entry["detail"]["consents"] == {"personalization": False}


def test_paging_and_filters(api: Api) -> None:
    for n in range(3):
        body = {"strategy": {"top_n": {"limit": 5 + n}}}
        api.client.put(f"/v1/placements/p{n}", json=body, headers=api.admin)
    page = api.client.get("/v1/audit", params={"limit": 2}, headers=api.admin).json()
    # Newest first: the key creations of the fixture come last.
    assert [e["target"] for e in page["entries"]] == ["p2", "p1"]
    rest = api.client.get(
        "/v1/audit", params={"limit": 2, "cursor": page["next_cursor"]}, headers=api.admin
    ).json()
    assert rest["entries"][0]["target"] == "p0"
    since = page["entries"][0]["at"]
    newest = api.client.get("/v1/audit", params={"since": since}, headers=api.admin).json()
    assert [e["target"] for e in newest["entries"]] == ["p2"]


def test_only_admin_keys_read_it(api: Api) -> None:
    assert api.client.get("/v1/audit", headers=api.ingest).status_code == 403
    assert api.client.get("/v1/audit", headers=api.serve).status_code == 403
    assert api.client.get("/v1/audit").status_code == 401


def test_bad_filters_are_a_422_naming_the_field(api: Api) -> None:
    cases = {
        "cursor": {"cursor": "not-ours"},
        "until": {"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"},
        "limit": {"limit": 0},
        "since": {"since": "yesterday"},
    }
    for field, params in cases.items():
        answer = api.client.get("/v1/audit", params=params, headers=api.admin)
        assert answer.status_code == 422, params
        assert field in answer.text, (field, answer.text)


def test_the_log_cannot_be_changed_through_the_api(api: Api) -> None:
    api.client.put("/v1/placements/home", json=HOME, headers=api.admin)
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        answer = api.client.request(method, "/v1/audit", headers=api.admin)
        assert answer.status_code == 405, method
    paths = api.client.get("/openapi.json").json()["paths"]
    assert list(paths["/v1/audit"]) == ["get"]
    assert not [path for path in paths if path.startswith("/v1/audit/")]


def test_async_routes_record_their_key_too(api: Api, engine: Engine) -> None:
    # POST /v1/items is an async route that writes in a worker thread.
    rows = [{"id": "mug", "title": "Mug"}, {"id": "pan", "title": "Pan"}]
    assert api.client.post("/v1/items", json=rows, headers=api.admin).status_code == 200
    found = api.client.get("/v1/audit", params={"action": "item.upsert"}, headers=api.admin)
    (entry,) = found.json()["entries"]
    assert (entry["actor_kind"], entry["actor"]) == ("key", _admin_key_id(engine))
    assert entry["detail"] == {"count": 2, "ids": ["mug", "pan"]}
