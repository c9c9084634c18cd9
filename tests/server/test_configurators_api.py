"""The configurator endpoints over HTTP: templates, live validation, designs per user,
reorders and analytics; bad input names the field or the constraint and writes nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tailored import Engine
from tailored.demo.configurators import example

LATTE = {"temperature": "iced", "milk": "oat", "syrups": ["vanilla"]}


@pytest.fixture
def coffee(api: Any) -> dict[str, Any]:
    body = example("coffee")
    response = api.client.put("/v1/configurators/coffee", json=body, headers=api.admin)
    assert response.status_code == 200, response.text
    return body


def _design(api: Any, user: str = "ann", **changes: Any) -> Any:
    body = {"configurator_id": "coffee", "name": "Iced oat", "choices": LATTE} | changes
    return api.client.post(f"/v1/users/{user}/designs", json=body, headers=api.ingest)


def test_define_change_and_read_templates(api: Any) -> None:
    body = example("coffee")
    put = api.client.put("/v1/configurators/coffee", json=body, headers=api.admin)
    assert put.status_code == 200
    first = put.json()
    assert (first["id"], first["version"], first["currency"]) == ("coffee", 1, "EUR")
    assert [g["id"] for g in first["groups"]][:2] == ["size", "temperature"]
    assert first["groups"][0]["choices"][0] == {
        "id": "S", "label": "Small (240 ml)", "description": "", "price": 2.8,
        "multiplier": 1, "attributes": {"size_ml": 240},
    }  # fmt: skip
    same = api.client.put("/v1/configurators/coffee", json=body, headers=api.admin)
    assert same.json()["version"] == 1
    body["groups"][0]["choices"][0]["price"] = 2.9
    assert api.client.put("/v1/configurators/coffee", json=body,
                          headers=api.admin).json()["version"] == 2  # fmt: skip
    listed = api.client.get("/v1/configurators", headers=api.serve)
    assert [(t["id"], t["version"]) for t in listed.json()] == [("coffee", 2)]
    old = api.client.get("/v1/configurators/coffee?version=1", headers=api.serve).json()
    assert old["groups"][0]["choices"][0]["price"] == 2.8
    missing = api.client.get("/v1/configurators/tea", headers=api.serve)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_broken_template_is_a_422_naming_the_path_and_nothing_is_stored(api: Any) -> None:
    body = example("coffee")
    body["groups"][0]["choices"][1]["id"] = "S"
    response = api.client.put("/v1/configurators/coffee", json=body, headers=api.admin)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "groups[0].choices[1].id" and "used twice" in error["message"]
    body = example("coffee")
    body["constraints"][0]["targets"] = ["extras.extra-cold"]
    response = api.client.put("/v1/configurators/coffee", json=body, headers=api.admin)
    assert response.json()["error"]["field"] == "constraints[0].targets[0]"
    wrong_type = api.client.put(
        "/v1/configurators/coffee", json={"groups": "none"}, headers=api.admin
    )
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["field"] == "body.groups"
    other_id = api.client.put(
        "/v1/configurators/coffee", json=example("sneaker"), headers=api.admin
    )
    assert other_id.status_code == 422 and other_id.json()["error"]["field"] == "id"
    assert api.client.get("/v1/configurators", headers=api.admin).json() == []


def test_scopes(api: Any, coffee: dict[str, Any]) -> None:
    put = api.client.put("/v1/configurators/coffee", json=coffee, headers=api.serve)
    assert put.status_code == 403
    stats = api.client.get("/v1/configurators/coffee/analytics", headers=api.ingest)
    assert stats.status_code == 403
    assert api.client.get("/v1/configurators/coffee").status_code == 401
    assert _design(api).status_code == 201
    as_server = api.client.post(
        "/v1/users/ann/designs", json={"configurator_id": "coffee", "name": "x"},
        headers=api.serve,
    )  # fmt: skip
    assert as_server.status_code == 403


def test_validate_answers_200_with_price_breakdown_and_every_violation(
    api: Any, coffee: dict[str, Any]
) -> None:
    url = "/v1/configurators/coffee/validate"
    choices = {"temperature": "iced", "size": "S", "extras": ["extra-hot"], "tea": "x"}
    response = api.client.post(url, json={"choices": choices}, headers=api.serve)
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False and body["version"] == 1 and body["price"] == 2.8
    assert [v["name"] for v in body["violations"]] == [
        "unknown_group", "iced-needs-no-extra-hot", "iced-only-in-m-or-l"
    ]  # fmt: skip
    assert body["violations"][1] == {
        "name": "iced-needs-no-extra-hot", "kind": "excludes",
        "message": "An iced drink cannot be extra hot.", "field": "choices",
        "groups": ["temperature", "extras"], "choices": ["temperature.iced", "extras.extra-hot"],
    }  # fmt: skip
    assert body["violations"][0]["field"] == "choices.tea"
    ok = api.client.post(url, json={"choices": LATTE}, headers=api.serve).json()
    assert ok["valid"] is True and ok["price"] == 3.8 and ok["violations"] == []
    assert ok["defaults_applied"] == ["size", "shots"]
    assert ok["choices"]["milk"] == ["oat"] and ok["attributes"]["milk"] == "oat"
    assert [(line["label"], line["amount"]) for line in ok["breakdown"]][-2:] == [
        ("Syrups: Vanilla", 0.6), ("Syrups: 1 included", -0.6)
    ]  # fmt: skip
    defaults = api.client.post(url, json={}, headers=api.serve).json()
    assert defaults["valid"] is True and defaults["price"] == 3.3
    bad = api.client.post(url, json={"choices": {"size": 3}}, headers=api.serve)
    assert bad.status_code == 422 and bad.json()["error"]["field"].startswith("body.choices.size")
    unknown = api.client.post("/v1/configurators/tea/validate", json={}, headers=api.serve)
    assert unknown.status_code == 404


def test_designs_are_saved_listed_read_and_deleted_per_user(
    api: Any, coffee: dict[str, Any]
) -> None:
    created = _design(api)
    assert created.status_code == 201
    design = created.json()
    assert (design["user_id"], design["configurator_id"], design["name"]) == (
        "ann", "coffee", "Iced oat"
    )  # fmt: skip
    assert (design["saved_price"], design["price"], design["saved_version"]) == (3.8, 3.8, 1)
    assert design["valid"] is True and design["price_changed"] is False
    assert _design(api, name="Large", choices={"size": "L"}).status_code == 201
    assert _design(api, user="bob").status_code == 201
    page = api.client.get("/v1/users/ann/designs?limit=1", headers=api.serve).json()
    assert [d["name"] for d in page["designs"]] == ["Large"]
    rest = api.client.get(
        f"/v1/users/ann/designs?cursor={page['next_cursor']}", headers=api.serve
    ).json()
    assert [d["id"] for d in rest["designs"]] == [design["id"]] and rest["next_cursor"] is None
    one = api.client.get(f"/v1/users/ann/designs/{design['id']}", headers=api.serve)
    assert one.status_code == 200 and one.json()["choices"]["syrups"] == ["vanilla"]
    theirs = api.client.get(f"/v1/users/bob/designs/{design['id']}", headers=api.serve)
    assert theirs.status_code == 404
    gone = api.client.delete(f"/v1/users/bob/designs/{design['id']}", headers=api.ingest)
    assert gone.status_code == 404
    deleted = api.client.delete(f"/v1/users/ann/designs/{design['id']}", headers=api.ingest)
    assert deleted.status_code == 204
    again = api.client.get(f"/v1/users/ann/designs/{design['id']}", headers=api.serve)
    assert again.status_code == 404
    assert api.client.get("/v1/users/ann/designs/abc", headers=api.serve).status_code == 422
    huge = f"/v1/users/ann/designs/{2**64}"  # past 64 bits: names no record
    for answer in (
        api.client.get(huge, headers=api.serve),
        api.client.delete(huge, headers=api.ingest),
    ):
        assert answer.status_code == 422 and answer.json()["error"]["field"] == "path.design_id"
    huge_version = api.client.get(f"/v1/configurators/coffee?version={2**40}", headers=api.serve)
    assert huge_version.status_code == 404


def test_an_invalid_design_is_a_422_naming_each_constraint_and_nothing_is_written(
    api: Any, engine: Engine, coffee: dict[str, Any]
) -> None:
    choices = {"temperature": "iced", "size": "S", "extras": ["extra-hot"]}
    response = _design(api, user="cy", choices=choices)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and error["field"] == "choices"
    assert "iced-needs-no-extra-hot" in error["message"]
    assert "iced-only-in-m-or-l" in error["message"]
    assert [v["name"] for v in error["violations"]] == [
        "iced-needs-no-extra-hot", "iced-only-in-m-or-l"
    ]  # fmt: skip
    structural = _design(api, user="cy", choices={"milk": ["oat", "soy"]}).json()["error"]
    assert structural["field"] == "choices.milk" and "too_many" in structural["message"]
    nameless = _design(api, user="cy", name="")
    assert nameless.status_code == 422 and nameless.json()["error"]["field"] == "body.name"
    unknown = _design(api, user="cy", configurator_id="tea")
    assert unknown.status_code == 404
    listed = api.client.get("/v1/users/cy/designs", headers=api.serve).json()
    assert listed == {"designs": [], "next_cursor": None}
    assert api.client.get("/v1/users/cy", headers=api.serve).status_code == 404
    assert engine.configurators.analytics("coffee").designs == 0


def test_a_template_change_shows_old_and_new_price_and_new_violations(
    api: Any, coffee: dict[str, Any]
) -> None:
    design = _design(api).json()
    changed = copy.deepcopy(coffee)
    milk = next(g for g in changed["groups"] if g["id"] == "milk")
    next(c for c in milk["choices"] if c["id"] == "oat")["price"] = 0.9
    changed["constraints"].append(
        {"name": "no-oat-iced", "kind": "excludes", "when": "milk.oat",
         "targets": ["temperature.iced"], "message": "Oat milk curdles on ice."}
    )  # fmt: skip
    assert api.client.put("/v1/configurators/coffee", json=changed,
                          headers=api.admin).json()["version"] == 2  # fmt: skip
    now = api.client.get(f"/v1/users/ann/designs/{design['id']}", headers=api.serve).json()
    assert (now["saved_price"], now["saved_version"]) == (3.8, 1)
    assert (now["price"], now["version"], now["price_changed"]) == (4.2, 2, True)
    assert now["valid"] is False and [v["name"] for v in now["violations"]] == ["no-oat-iced"]
    reorder = api.client.post(
        f"/v1/users/ann/designs/{design['id']}/reorder", json={}, headers=api.ingest
    )
    assert reorder.status_code == 422
    assert [v["name"] for v in reorder.json()["error"]["violations"]] == ["no-oat-iced"]
    events = api.client.get("/v1/events?user_id=ann", headers=api.admin).json()["events"]
    assert events == []


def test_reorder_records_a_purchase_event(api: Any, coffee: dict[str, Any]) -> None:
    design = _design(api).json()
    url = f"/v1/users/ann/designs/{design['id']}/reorder"
    first = api.client.post(url, json={"order_id": "o-7"}, headers=api.ingest)
    assert first.status_code == 200
    body = first.json()
    assert (body["price"], body["item_id"], body["duplicate"]) == (3.8, "coffee-custom", False)
    assert body["design"]["id"] == design["id"]
    retry = api.client.post(url, json={"order_id": "o-7"}, headers=api.ingest).json()
    assert retry["duplicate"] is True and retry["event_id"] == body["event_id"]
    assert api.client.post(url, headers=api.ingest).status_code == 200  # body is optional
    events = api.client.get("/v1/events?user_id=ann", headers=api.admin).json()["events"]
    assert [(e["type"], e["item_id"], e["value"]) for e in events] == [
        ("purchase", "coffee-custom", 3.8)
    ] * 2
    assert {e["context"]["design_id"] for e in events} == {design["id"]}
    other = api.client.post(f"/v1/users/bob/designs/{design['id']}/reorder", headers=api.ingest)
    assert other.status_code == 404


def test_order_a_configuration_records_its_choices_and_saves_no_design(
    api: Any, coffee: dict[str, Any]
) -> None:
    url = "/v1/configurators/coffee/order"
    body = {"user_id": "ann", "choices": LATTE, "order_id": "o-9"}
    first = api.client.post(url, json=body, headers=api.ingest)
    assert first.status_code == 200, first.text
    done = first.json()
    assert (done["price"], done["item_id"], done["duplicate"]) == (3.8, "coffee-custom", False)
    assert (done["configurator_id"], done["version"]) == ("coffee", 1)
    assert (done["choices"]["temperature"], done["choices"]["milk"]) == (["iced"], ["oat"])
    retry = api.client.post(url, json=body, headers=api.ingest).json()
    assert retry["duplicate"] is True and retry["event_id"] == done["event_id"]
    events = api.client.get("/v1/events?user_id=ann", headers=api.admin).json()["events"]
    assert [(e["type"], e["item_id"], e["value"]) for e in events] == [
        ("purchase", "coffee-custom", 3.8)
    ]
    assert events[0]["context"]["choices"] == done["choices"]
    designs = api.client.get("/v1/users/ann/designs", headers=api.serve).json()["designs"]
    assert designs == []

    broken = {"user_id": "ann", "choices": {"temperature": "iced", "size": "S"}}
    refused = api.client.post(url, json=broken, headers=api.ingest)
    assert refused.status_code == 422
    assert [v["name"] for v in refused.json()["error"]["violations"]] == ["iced-only-in-m-or-l"]
    assert api.client.post(url, json=body, headers=api.serve).status_code == 403
    missing = api.client.post("/v1/configurators/tea/order", json=body, headers=api.ingest)
    assert missing.status_code == 404
    assert len(api.client.get("/v1/events?user_id=ann", headers=api.admin).json()["events"]) == 1


def test_a_design_saved_without_a_name_gets_a_natural_unique_one(
    api: Any, coffee: dict[str, Any]
) -> None:
    unnamed = {"configurator_id": "coffee", "choices": LATTE}
    names = [
        api.client.post("/v1/users/ann/designs", json=unnamed, headers=api.ingest).json()["name"]
        for _ in range(2)
    ]
    assert names == ["My coffee", "My coffee 2"]
    assert _design(api, name="").status_code == 422  # an empty name is a mistake, not "none"


def test_analytics(api: Any, coffee: dict[str, Any]) -> None:
    for user, size in (("a", "L"), ("b", "L"), ("c", "S")):
        assert _design(api, user=user, choices={"size": size}).status_code == 201
    response = api.client.get("/v1/configurators/coffee/analytics?pairs=1", headers=api.admin)
    assert response.status_code == 200
    stats = response.json()
    assert stats["configurator_id"] == "coffee" and stats["designs"] == 3
    size = next(g for g in stats["groups"] if g["id"] == "size")
    assert size["choices"][:2] == [
        {"id": "L", "label": "Large (470 ml)", "count": 2, "share": 0.6667},
        {"id": "S", "label": "Small (240 ml)", "count": 1, "share": 0.3333},
    ]
    assert len(stats["pairs"]) == 1 and stats["pairs"][0]["count"] == 3
    too_many = api.client.get("/v1/configurators/coffee/analytics?pairs=5000", headers=api.admin)
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "query.pairs"
