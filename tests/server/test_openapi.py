"""The published API description: every endpoint and the row schemas of the batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.server import create_app
from tailored.server.errors import ErrorOut

EXPECTED = {
    "/v1/items": {"get", "post"},
    "/v1/items/{item_id}": {"get", "put", "delete"},
    "/v1/users": {"get"},
    "/v1/users/{user_id}": {"get", "put", "patch", "delete"},
    "/v1/users/{user_id}/consents": {"get", "put"},
    "/v1/users/{user_id}/merge": {"post"},
    "/v1/users/{user_id}/export": {"get"},
    "/v1/events": {"get", "post"},
    "/v1/event-types": {"get", "post"},
    "/v1/event-types/{name}": {"patch"},
    "/healthz": {"get"},
    "/readyz": {"get"},
    "/v1/admin/training": {"get", "post"},
    "/v1/admin/training/{job_id}": {"get"},
    "/v1/admin/models": {"get"},
    "/v1/admin/models/{version_id}/activate": {"post"},
    "/v1/users/{user_id}/recommendations": {"get"},
    "/v1/recommendations": {"post"},
    "/v1/items/{item_id}/similar": {"get"},
    "/v1/items/{item_id}/bought-together": {"get"},
    "/v1/preferences/schema": {"get"},
    "/v1/admin/preferences/schema": {"put"},
    "/v1/users/{user_id}/preferences": {"get", "put", "patch"},
    "/v1/users/{user_id}/preferences/history": {"get"},
    "/v1/users/{user_id}/onboarding": {"get", "post"},
    "/v1/configurators": {"get"},
    "/v1/configurators/{configurator_id}": {"get", "put"},
    "/v1/configurators/{configurator_id}/validate": {"post"},
    "/v1/configurators/{configurator_id}/order": {"post"},
    "/v1/configurators/{configurator_id}/analytics": {"get"},
    "/v1/users/{user_id}/designs": {"get", "post"},
    "/v1/users/{user_id}/designs/{design_id}": {"get", "delete"},
    "/v1/users/{user_id}/designs/{design_id}/reorder": {"post"},
    "/v1/users/{user_id}/favorites": {"get"},
    "/v1/users/{user_id}/favorites/{item_id}": {"put", "delete"},
    "/v1/users/{user_id}/lists": {"get", "post"},
    "/v1/users/{user_id}/lists/{list_id}": {"get", "patch", "delete"},
    "/v1/users/{user_id}/lists/{list_id}/items/{item_id}": {"put", "delete"},
    "/v1/users/{user_id}/lists/{list_id}/share": {"post", "delete"},
    "/v1/shared-lists/{token}": {"get"},
    "/v1/users/{user_id}/orders": {"get", "post"},
    "/v1/users/{user_id}/orders/{order_id}": {"get", "put", "delete"},
    "/v1/users/{user_id}/orders/{order_id}/reorder": {"post"},
    "/v1/users/{user_id}/subscriptions": {"get", "post"},
    "/v1/users/{user_id}/subscriptions/{subscription_id}": {"delete"},
    "/v1/users/{user_id}/notifications": {"get"},
    "/v1/users/{user_id}/notifications/{notification_id}/read": {"post"},
    "/v1/admin/notifications/outbox": {"get"},
    "/v1/admin/notifications/delivered": {"post"},
    "/v1/placements": {"get"},
    "/v1/placements/{placement_id}": {"get", "put"},
    "/v1/placements/{placement_id}/versions": {"get"},
    "/v1/placements/{placement_id}/versions/{version}/activate": {"post"},
    "/v1/admin/keys": {"get", "post"},
    "/v1/audit": {"get"},
    "/v1/admin/keys/{key_id}": {"get"},
    "/v1/admin/keys/{key_id}/rotate": {"post"},
    "/v1/admin/keys/{key_id}/revoke": {"post"},
    "/v1/reactions": {"get"},
    "/v1/reactions/{consumer}/dead-letters": {"get"},
    "/v1/reactions/{consumer}/dead-letters/retry": {"post"},
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # The description does not touch the database: one in-memory engine is enough.
    with Engine.open("sqlite://") as engine, TestClient(create_app(engine)) as client:
        yield client


@pytest.fixture(scope="module")
def schema(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_endpoint_is_listed_with_its_methods(schema: dict[str, Any]) -> None:
    methods = {path: set(operations) for path, operations in schema["paths"].items()}
    assert methods == EXPECTED


def test_the_row_schemas_are_components(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    event, item = components["EventIn"], components["ItemIn"]
    assert {"user_id", "type"} <= set(event["required"])
    assert {"event_id", "item_id", "value", "context", "timestamp"} <= set(event["properties"])
    assert item["required"] == ["id"]
    assert {"title", "categories", "attributes", "available"} <= set(item["properties"])


@pytest.mark.parametrize(("path", "row"), [("/v1/events", "EventIn"), ("/v1/items", "ItemIn")])
def test_batch_endpoints_describe_their_bodies(schema: dict[str, Any], path: str, row: str) -> None:
    body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert f"#/components/schemas/{row}" in set(_refs(body))
    assert any(option.get("type") == "array" for option in body["oneOf"])


def test_every_reference_resolves(schema: dict[str, Any]) -> None:
    prefix = "#/components/schemas/"
    refs = set(_refs(schema))
    assert refs, "the schema has no references at all"
    assert all(ref.startswith(prefix) for ref in refs)
    missing = {ref for ref in refs if ref[len(prefix) :] not in schema["components"]["schemas"]}
    assert missing == set()


def test_the_bearer_scheme_is_declared(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme", "").lower() == "bearer" for s in schemes.values())
    assert schema["paths"]["/v1/events"]["post"]["security"]
    assert "security" not in schema["paths"]["/healthz"]["get"]


def test_docs_page_answers(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/openapi.json" in response.text


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_error_answer_is_described_in_the_one_error_shape(schema: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    shapes = {
        (label, status): answer["content"]["application/json"]["schema"]
        for label, operation in _operations(schema)
        for status, answer in operation["responses"].items()
        if int(status) >= 400
    }
    assert shapes and all(shape == error_ref for shape in shapes.values())
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"code", "message"} and "field" in error["properties"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_each_operation_lists_the_errors_it_can_answer(schema: dict[str, Any]) -> None:
    for label, operation in _operations(schema):
        statuses = {int(status) for status in operation["responses"]}
        if operation.get("security"):
            assert {401, 403, 429, 503} <= statuses, label
            assert "Retry-After" in operation["responses"]["429"]["headers"], label
        if "requestBody" in operation:
            assert {400, 413, 415, 422} <= statuses, label
        if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
            assert 404 in statuses, label
    conflicts = schema["paths"]["/v1/users/{user_id}/lists"]["post"]["responses"]["409"]
    assert "name" in conflicts["description"]  # a route's own words are kept


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/v1/items", None, 401),  # no key
        ("get", "/v1/items/nothing-here", None, 404),
        ("get", "/v1/items?limit=0", None, 422),
        ("post", "/v1/events", b"{not json", 400),
        ("post", "/v1/events", None, 415),  # not sent as JSON
    ],
)
def test_error_answers_have_the_described_shape(
    client: TestClient, method: str, path: str, body: bytes | None, status: int
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    secret = engine.keys.create("admin", scopes=["admin"]).secret
    headers = {} if status == 401 else {"Authorization": f"Bearer {secret}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    response = client.request(method, path, content=body, headers=headers)
    assert response.status_code == status
    assert ErrorOut.model_validate(response.json()).error.message
