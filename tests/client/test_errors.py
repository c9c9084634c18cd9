"""Every error answer becomes the engine's own exception class, with the field and the
message the server gave; transport failures become `Unavailable` naming the URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from tailored import Engine
from tailored.client import Client, Readiness
from tailored.client.failures import error_from
from tailored.errors import (
    AuthenticationError,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    TailoredError,
    Unavailable,
    UnsupportedMediaType,
)
from tailored.server import create_app
from tailored.testing.server_process import free_port
from tailored.types import Scope

BASE_URL = "http://testserver"


def test_statuses_of_the_real_app_map_to_the_engines_classes(
    app_http: TestClient, client_as: Callable[[Scope], Client]
) -> None:
    anonymous = Client(BASE_URL, api_key=None, http=app_http)
    with pytest.raises(AuthenticationError, match="missing API key"):
        anonymous.items.list()
    revoked = Client(BASE_URL, api_key="tk_nope_nope", http=app_http)
    with pytest.raises(AuthenticationError):
        revoked.items.list()
    with pytest.raises(PermissionDenied, match="lacks the 'admin' scope"):
        client_as("serve").items.upsert({"id": "mug"})

    admin = client_as("admin")
    with pytest.raises(NotFound) as missing:
        admin.users.get("nobody")
    assert (missing.value.kind, missing.value.identifier) == ("user", "nobody")
    with pytest.raises(Conflict):
        admin.event_types.register("purchase")
    with pytest.raises(InvalidInput) as invalid:
        admin.users.upsert("ann", {"visits": 2**64})
    assert invalid.value.field == "body.traits.visits"
    assert invalid.value.problem == "integer out of range: must fit in 64 bits"
    assert str(invalid.value) == "body.traits.visits: integer out of range: must fit in 64 bits"
    with pytest.raises(InvalidInput) as bad_path:
        admin.lists.get("ann", 0)
    assert bad_path.value.field == "path.list_id"


def test_a_body_over_the_size_limit_is_payload_too_large(
    client_for: Callable[..., Client],
) -> None:
    small = client_for(max_body_bytes=200)
    with pytest.raises(PayloadTooLarge) as too_large:
        small.items.upsert_many([{"id": f"sku-{n}", "title": "x" * 50} for n in range(10)])
    assert too_large.value.field == "body"
    assert isinstance(too_large.value, InvalidInput)


@pytest.mark.parametrize(
    ("content_type", "content", "kind", "field"),
    [
        ("text/plain", b"[]", UnsupportedMediaType, "headers.content-type"),
        ("application/json", b"[{]", InvalidInput, "body"),
    ],
)
def test_answers_the_client_never_provokes_map_too(
    app_http: TestClient,
    keys: dict[Scope, str],
    content_type: str,
    content: bytes,
    kind: type[InvalidInput],
    field: str,
) -> None:
    """415 and 400 (the client always sends JSON): the real app's answers, read back."""
    headers = {"Authorization": f"Bearer {keys['ingest']}", "Content-Type": content_type}
    response = app_http.post("/v1/events", content=content, headers=headers)
    error = error_from(response.status_code, response.content, "POST /v1/events")
    assert type(error) is kind and error.field == field
    assert error.problem and str(error).startswith(field)


def test_a_database_that_does_not_answer_makes_readiness_false_not_an_error(
    tmp_path: Path,
) -> None:
    unmigrated = Engine.open(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)
    try:
        with TestClient(create_app(unmigrated)) as http:
            client = Client(BASE_URL, api_key=None, http=http)
            ready = client.health.ready()
            assert isinstance(ready, Readiness) and not ready.ready
            assert ready.status == "unavailable" and ready.database
            assert client.health.live().status == "ok"
    finally:
        unmigrated.close()


def test_a_server_that_cannot_be_reached_is_unavailable_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with Client(url, api_key="tk_x", retries=0) as client, pytest.raises(Unavailable) as down:
        client.items.get("mug")
    assert url in str(down.value) and "GET /v1/items/mug" in str(down.value)


def test_a_timeout_is_unavailable_naming_the_call() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    http = httpx.Client(transport=httpx.MockTransport(slow))
    client = Client("http://shop.test", api_key="tk_x", http=http)
    with pytest.raises(Unavailable) as late:
        client.users.list()
    assert "GET /v1/users at http://shop.test" in str(late.value)
    assert "in time" in str(late.value)


def test_answers_that_are_not_ours_are_named_by_status() -> None:
    def proxy(request: httpx.Request) -> httpx.Response:
        status = {"/v1/items/a": 502, "/v1/items/b": 500, "/v1/items/c": 404}[request.url.path]
        return httpx.Response(status, text="<html>upstream trouble</html>")

    client = Client("http://shop.test", api_key="tk_x", http=httpx.Client(
        transport=httpx.MockTransport(proxy)
    ), retries=0)  # fmt: skip
    with pytest.raises(Unavailable, match="answered HTTP 502: <html>upstream trouble"):
        client.items.get("a")
    with pytest.raises(TailoredError, match="GET /v1/items/b answered HTTP 500"):
        client.items.get("b")
    with pytest.raises(TailoredError, match="answered HTTP 404"):
        client.items.get("c")


def test_an_answer_the_client_cannot_read_is_reported_not_crashed_on() -> None:
    def odd(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "mug"})  # fields missing

    client = Client("http://shop.test", api_key="tk_x", http=httpx.Client(
        transport=httpx.MockTransport(odd)
    ))  # fmt: skip
    with pytest.raises(TailoredError, match="GET /v1/items/mug: unexpected answer"):
        client.items.get("mug")


@pytest.mark.parametrize(
    ("setting", "value", "field"),
    [
        ("base_url", "127.0.0.1:8000", "base_url"),
        ("base_url", "ftp://shop.test", "base_url"),
        ("api_key", "", "api_key"),
        ("api_key", "tk_a\nInjected: header", "api_key"),
        ("retries", -1, "retries"),
        ("timeout", 0, "timeout"),
    ],
)
def test_settings_that_cannot_work_are_refused_by_name(
    setting: str, value: object, field: str
) -> None:
    options: dict[str, object] = {"base_url": "http://shop.test", "api_key": "tk_x"} | {
        setting: value
    }
    base_url = options.pop("base_url")
    with pytest.raises(InvalidInput) as refused:
        Client(base_url, **options)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_ids_with_quotes_and_unicode_come_back_intact(client_as: Callable[[Scope], Client]) -> None:
    admin = client_as("admin")
    for odd in ("it's", 'say "cheese"', "caf\u00e9 \u2615", "100% wool?#"):
        with pytest.raises(NotFound) as missing:
            admin.items.get(odd)
        assert (missing.value.kind, missing.value.identifier) == ("item", odd)
        assert admin.items.upsert({"id": odd, "title": odd}).id == odd
        assert admin.items.get(odd).title == odd


def test_a_value_json_cannot_carry_sinks_only_its_row(client_as: Callable[[Scope], Client]) -> None:
    """NaN travels as the token Python writes, so the server rejects that row by field
    and stores the others, as it does for any bad row."""
    result = client_as("ingest").events.record_many(
        [
            {"user_id": "ann", "type": "rate", "item_id": "mug", "value": float("nan")},
            {"user_id": "ann", "type": "view", "item_id": "mug"},
        ]
    )
    assert result.accepted == 1 and [(r.index, r.field) for r in result.rejected] == [(0, "value")]


def test_a_body_that_is_not_json_is_refused_before_sending(client: Client) -> None:
    with pytest.raises(InvalidInput) as refused:
        client.users.upsert("ann", {"avatar": object()})
    assert refused.value.field == "body" and "object is not JSON" in refused.value.problem
