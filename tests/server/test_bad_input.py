"""Every bad input the probe of issue 11 found, kept as a regression: each gets a 4xx that
names the field (never a 500), and in a batch it is one rejected row while the good rows
are stored. Bodies are sent as raw bytes where Python's own JSON would not write them
(integers past 64 bits are fine for it, NaN is not JSON, nesting past its limit)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from tests.conftest import Api

GOOD = {"user_id": "u1", "type": "view", "item_id": "i1"}
BIG = b"123456789012345678901234567890"  # past 64 bits
DEEP = ".0" * 31  # where a list in a list ... passes the 32 levels allowed


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _event(**fields: bytes) -> bytes:
    """An event row as JSON text, with some fields given as raw JSON."""
    raw = {name: orjson.dumps(value) for name, value in GOOD.items()} | fields
    return b"{" + b",".join(orjson.dumps(k) + b":" + v for k, v in raw.items()) + b"}"


def _post(api: Api, path: str, body: bytes, headers: dict[str, str] | None = None) -> Any:
    sent = {"Content-Type": "application/json", **(headers or api.admin)}
    return api.client.post(path, content=body, headers=sent)


BAD_EVENT_ROWS = {
    "integer past 64 bits": (_event(context=b'{"n": ' + BIG + b"}"), "context.n"),
    "negative integer past 64 bits": (_event(context=b'{"n": -' + BIG + b"}"), "context.n"),
    "UTC before year 1": (_event(timestamp=b'"0001-01-01T00:00:00+01:00"'), "timestamp"),
    "UTC after year 9999": (_event(timestamp=b'"9999-12-31T23:59:59-01:00"'), "timestamp"),
    "nested 255 levels": (_event(context=b'{"a": ' + _nested(255) + b"}"), "context.a" + DEEP),
    "nested 1,024 levels": (_event(context=b'{"a": ' + _nested(1024) + b"}"), ""),
    "NUL in context": (_event(context=b'{"a": "x\\u0000y"}'), "context.a"),
    "NUL in a context key": (_event(context=b'{"a\\u0000": 1}'), "context.a\x00"),
    "NUL in user_id": (_event(user_id=b'"u\\u0000"'), "user_id"),
    "NaN in context": (_event(context=b'{"a": NaN}'), "context.a"),
    "Infinity in context": (_event(context=b'{"a": [Infinity]}'), "context.a.0"),
    "1e309 in context": (_event(context=b'{"a": 1e309}'), "context.a"),
    "lone surrogate in context": (_event(context=b'{"a": "\\ud800"}'), "context.a"),
    "id '..'": (_event(user_id=b'".."'), "user_id"),
    "id with a tab": (_event(user_id=b'"a\\tb"'), "user_id"),
    "id of 300 characters": (_event(user_id=orjson.dumps("u" * 300)), "user_id"),
}


@pytest.mark.parametrize("case", list(BAD_EVENT_ROWS))
def test_a_bad_event_row_is_rejected_by_field_and_the_good_rows_are_stored(
    api: Api, case: str
) -> None:
    bad, field = BAD_EVENT_ROWS[case]
    good = [orjson.dumps({**GOOD, "event_id": f"good-{n}"}) for n in range(2)]
    answer = _post(api, "/v1/events", b"[" + good[0] + b"," + bad + b"," + good[1] + b"]")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 2
    [rejected] = body["rejected"]
    assert rejected["index"] == 1 and rejected["field"] == field and rejected["reason"]
    stored = api.client.get("/v1/events?user_id=u1", headers=api.admin).json()["events"]
    assert sorted(e["event_id"] for e in stored) == ["good-0", "good-1"]


@pytest.mark.parametrize("case", ["integer past 64 bits", "NaN in context", "NUL in context"])
def test_the_same_event_sent_alone_is_a_422_naming_the_field(api: Api, case: str) -> None:
    bad, field = BAD_EVENT_ROWS[case]
    answer = _post(api, "/v1/events", bad)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field


BAD_ITEM_ROWS = {
    "integer past 64 bits":
        (b'{"id": "x", "attributes": {"stock": ' + BIG + b"}}", "attributes.stock"),
    "nested 300 levels":
        (b'{"id": "x", "attributes": {"a": ' + _nested(300) + b"}}", "attributes.a" + DEEP),
    "NUL in title": (b'{"id": "x", "title": "a\\u0000"}', "title"),
    "NUL in a category": (b'{"id": "x", "categories": ["a\\u0000"]}', "categories.0"),
    "NaN attribute": (b'{"id": "x", "attributes": {"price": NaN}}', "attributes.price"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_ITEM_ROWS))
def test_a_bad_item_row_is_rejected_by_field_and_the_good_rows_are_stored(
    api: Api, case: str
) -> None:
    bad, field = BAD_ITEM_ROWS[case]
    body = b'[{"id": "a", "title": "A"},' + bad + b',{"id": "b", "title": "B"}]'
    answer = _post(api, "/v1/items", body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 2
    [rejected] = answer.json()["rejected"]
    assert (rejected["index"], rejected["field"]) == (1, field)
    assert api.client.get("/v1/items/a", headers=api.serve).status_code == 200
    assert api.client.get("/v1/items/x", headers=api.serve).status_code == 404


BAD_BODIES = [
    # (method, path, raw body, field named in the 422)
    ("PUT", "/v1/users/u1", b'{"traits": {"visits": ' + BIG + b"}}", "body.traits.visits"),
    ("PATCH", "/v1/users/u1", b'{"traits": {"score": NaN}}', "body.traits.score"),
    ("PATCH", "/v1/users/u1", b'{"traits": {"score": 1e309}}', "body.traits.score"),
    ("PUT", "/v1/users/u1", b'{"traits": {"name": "\\ud800"}}', "body.traits.name"),
    ("PUT", "/v1/users/u1", b'{"traits": {"name": "a\\u0000"}}', "body.traits.name"),
    ("PUT", "/v1/users/u1", b'{"traits": {"a": ' + _nested(300) + b"}}",
     "body.traits.a" + DEEP[2:]),
    ("PUT", "/v1/items/x", b'{"attributes": {"stock": ' + BIG + b"}}", "body.attributes.stock"),
    ("PUT", "/v1/items/x", b'{"attributes": {"a": ' + _nested(600) + b"}}",
     "body.attributes.a" + DEEP[2:]),
    ("POST", "/v1/users/u1/merge", b'{"anonymous_id": "a\\u0000"}', "body.anonymous_id"),
    ("PUT", "/v1/users/u1/consents",
     b'{"consents": {"analytics": true}, "source": "x\\u0000"}', "body.source"),
    ("POST", "/v1/event-types", b'{"name": "wish", "description": "\\u0000"}', "body.description"),
    ("POST", "/v1/users/u1/designs",
     b'{"configurator_id": "coffee\\u0000", "name": "Mine", "choices": {}}',
     "body.configurator_id"),
    ("POST", "/v1/admin/training", b'{"model": "ease", "params": {"l2": NaN}}', "body.params.l2"),
    ("POST", "/v1/admin/training", b'{"model": "ease", "params": {"l2": Infinity}}',
     "body.params.l2"),
    ("PUT", "/v1/users/u1", b'{"traits": ' + _nested(3000) + b"}", "body"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD_BODIES)
def test_a_bad_value_in_a_body_is_a_422_naming_its_place(
    api: Api, method: str, path: str, body: bytes, field: str
) -> None:
    headers = {"Content-Type": "application/json", **api.admin}
    answer = api.client.request(method, path, content=body, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field
    assert api.client.get("/v1/users/u1", headers=api.admin).status_code == 404


BAD_URLS = [
    # (method, path, field named in the 422)
    ("GET", f"/v1/admin/training/{2**64}", "path.job_id"),
    ("POST", f"/v1/admin/models/{2**63}/activate", "path.version_id"),
    ("GET", "/v1/events?since=0001-01-01T00:00:00%2B01:00", "since"),
    ("GET", "/v1/events?until=9999-12-31T23:59:59-01:00", "until"),
    ("GET", "/v1/events?user_id=a%00b", "query.user_id"),
    ("GET", "/v1/items?category=a%00", "query.category"),
    ("GET", "/v1/users/a%00b", "path"),
    ("GET", "/v1/users/%FF", "path"),
    ("PUT", "/v1/users/%C3%28/consents", "path"),
    ("PUT", "/v1/users/a%09b/consents", "path.user_id"),
    ("PUT", "/v1/users/a%0Ab/consents", "path.user_id"),
    ("PUT", f"/v1/users/{'u' * 300}/consents", "path.user_id"),
    ("POST", f"/v1/users/{'u' * 300}/merge", "path.user_id"),
    ("GET", "/v1/users/u1/recommendations?n=5", None),  # a user never seen: fine, 200
    ("GET", "/v1/items/i1/similar?user_id=a/b", "query.user_id"),
]


@pytest.mark.parametrize(("method", "path", "field"), BAD_URLS)
def test_a_bad_url_is_a_422_naming_its_part(
    api: Api, method: str, path: str, field: str | None
) -> None:
    body = {"consents": {"analytics": True}} if path.endswith("consents") else None
    if path.endswith("merge"):
        body = {"anonymous_id": "visitor-1"}
    answer = api.client.request(method, path, json=body, headers=api.admin)
    if field is None:
        assert answer.status_code == 200
        return
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field
    assert api.client.get("/v1/users?limit=10", headers=api.admin).json()["users"] == []


@pytest.mark.parametrize("user_id", [".", ".."])
def test_dot_ids_cannot_be_created_through_any_route(api: Api, user_id: str) -> None:
    # HTTP clients resolve /v1/users/.. to /v1/ before sending it: send the path raw.
    for method, suffix, body in [
        ("PUT", "", {"traits": {}}),
        ("PUT", "/consents", {"consents": {"analytics": True}}),
        ("POST", "/merge", {"anonymous_id": "visitor-1"}),
    ]:
        status, answer = _raw(api, method, f"/v1/users/{user_id}{suffix}", body)
        assert status == 422 and answer["error"]["field"] == "path.user_id", (suffix, answer)
    merged = api.client.post("/v1/users/u1/merge", json={"anonymous_id": user_id},
                             headers=api.admin)  # fmt: skip
    assert merged.status_code == 422 and merged.json()["error"]["field"] == "body.anonymous_id"
    assert api.client.get("/v1/users", headers=api.admin).json()["users"] == []


def _raw(api: Api, method: str, path: str, body: object) -> tuple[int, Any]:
    """Send a request to the app as an HTTP server would hand it over, path unresolved."""
    content = orjson.dumps(body)
    headers = [(b"content-type", b"application/json")]
    headers += [(k.lower().encode(), v.encode()) for k, v in api.admin.items()]
    scope = {
        "type": "http", "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 1), "server": ("testserver", 80),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": content, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def call() -> None:
        await api.client.app(scope, receive, send)  # type: ignore[arg-type]

    assert api.client.portal is not None
    api.client.portal.call(call)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body_bytes = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, orjson.loads(body_bytes)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
@pytest.mark.parametrize("path", ["/v1/events", "/v1/items", "/v1/users/u1/merge"])
def test_a_body_that_is_not_sent_as_json_is_a_415(
    api: Api, path: str, content_type: str | None
) -> None:
    body = orjson.dumps(GOOD if path == "/v1/events" else {"id": "a", "anonymous_id": "v"})
    headers = dict(api.admin)
    if content_type is not None:
        headers["Content-Type"] = content_type
    answer = api.client.post(path, content=body, headers=headers)
    assert answer.status_code == 415, answer.text
    assert answer.json()["error"]["code"] == "unsupported_media_type"
    assert api.client.get("/v1/events", headers=api.admin).json()["events"] == []


def test_json_with_a_charset_or_a_json_suffix_is_accepted(api: Api) -> None:
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        headers = {**api.admin, "Content-Type": content_type}
        answer = api.client.post("/v1/events", content=orjson.dumps(GOOD), headers=headers)
        assert answer.status_code == 200, answer.text


def test_every_route_of_the_api_checks_its_json_body() -> None:
    import importlib
    import pkgutil

    from fastapi.routing import APIRoute

    from tailored.server import routes
    from tailored.server.input_checks import CheckedRoute

    found = [
        route
        for module in pkgutil.iter_modules(routes.__path__)
        for route in importlib.import_module(f"{routes.__name__}.{module.name}").router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(found) > 40
    assert [r.path for r in found if not isinstance(r, CheckedRoute)] == []


def test_a_large_float_comes_back_a_float_and_the_profile_stays_writable(api: Api) -> None:
    # PostgreSQL's jsonb writes 1e300 back as 301 digits; read as a Python int, it could
    # neither be answered as JSON nor written again (every later PATCH failed).
    put = _post(api, "/v1/items", b'[{"id": "x", "attributes": {"weight": 1e300}}]')
    assert put.json()["accepted"] == 1
    assert api.client.get("/v1/items/x", headers=api.serve).json()["attributes"] == {
        "weight": 1e300
    }
    headers = {"Content-Type": "application/json", **api.admin}
    first = api.client.put("/v1/users/u9", content=b'{"traits": {"x": 1e300}}', headers=headers)
    assert first.status_code == 200 and first.json()["traits"] == {"x": 1e300}
    again = api.client.patch("/v1/users/u9", json={"traits": {"y": 1}}, headers=api.admin)
    assert again.status_code == 200, again.text
    assert again.json()["traits"] == {"x": 1e300, "y": 1}
