"""Retries with the defaults users get (2 retries): after a 503 (honouring Retry-After,
capped) or a failed connection, only calls that are safe to send twice; events and
reorders are made safe by ids the client gives them, so the retry carries the same ids.

A mock transport plays the server; the waits are recorded instead of slept."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tailored.client import AsyncClient, Client, senders
from tailored.client.retrying import MAX_WAIT, RetryPolicy
from tailored.errors import Unavailable

ITEM = {
    "id": "mug",
    "title": "Mug",
    "description": "",
    "categories": [],
    "attributes": {},
    "available": True,
    "created_at": None,
    "updated_at": None,
}
BUSY = {"error": {"code": "unavailable", "message": "the database is busy; retry"}}
BATCH = {"accepted": 2, "duplicates": 0, "rejected": []}


@dataclass
class Server:
    """Answers with `answers` in turn (then the last one again) and keeps the requests."""

    answers: list[httpx.Response | Exception]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self, **options: object) -> Client:
        http = httpx.Client(transport=httpx.MockTransport(self))
        return Client("http://shop.test", api_key="tk_x", http=http, **options)  # type: ignore[arg-type]


def busy(retry_after: str | None = "1") -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return httpx.Response(503, json=BUSY, headers=headers)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The seconds each retry waited (nothing is slept)."""
    recorded: list[float] = []
    monkeypatch.setattr(senders, "pause", recorded.append)

    async def no_pause(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(senders, "apause", no_pause)
    yield recorded


def test_a_read_is_retried_after_503_honouring_retry_after(waits: list[float]) -> None:
    server = Server([busy("1"), busy("2"), httpx.Response(200, json=ITEM)])
    assert server.client().items.get("mug").title == "Mug"
    assert len(server.requests) == 3 and waits == [1.0, 2.0]


def test_retries_stop_after_the_default_two(waits: list[float]) -> None:
    server = Server([busy("1")])
    with pytest.raises(Unavailable, match="the database is busy"):
        server.client().items.get("mug")
    assert len(server.requests) == 3 and waits == [1.0, 1.0]


def test_a_long_retry_after_is_capped_and_a_missing_one_backs_off(waits: list[float]) -> None:
    server = Server([busy("3600"), busy(None), httpx.Response(200, json=ITEM)])
    server.client().items.get("mug")
    assert waits == [MAX_WAIT, 1.0]  # the second attempt's backoff: 0.5 s doubled


def test_retries_zero_sends_once(waits: list[float]) -> None:
    server = Server([busy("1"), httpx.Response(200, json=ITEM)])
    with pytest.raises(Unavailable):
        server.client(retries=0).items.get("mug")
    assert len(server.requests) == 1 and waits == []


def test_creating_something_is_never_sent_twice(waits: list[float]) -> None:
    server = Server([busy("1")])
    client = server.client()
    with pytest.raises(Unavailable):
        client.orders.create("ann", "my usual", [("beans", 2)])
    with pytest.raises(Unavailable):
        client.lists.create("ann", "Birthday")
    with pytest.raises(Unavailable):
        client.jobs.submit("ease")
    with pytest.raises(Unavailable):
        client.configurators.save_design("ann", "coffee", "Mine", {})
    assert len(server.requests) == 4 and waits == []


def test_a_retried_event_batch_carries_the_same_event_ids(waits: list[float]) -> None:
    server = Server([busy("1"), httpx.Response(200, json=BATCH)])
    rows = [
        {"user_id": "ann", "type": "view", "item_id": "mug"},
        {"event_id": "mine", "user_id": "ann", "type": "purchase", "item_id": "mug"},
    ]
    assert server.client().events.record_many(rows).accepted == 2
    first, second = (json.loads(r.content) for r in server.requests)
    assert first == second  # the server stores each id once: the retry records nothing twice
    assert first[1]["event_id"] == "mine" and len(first[0]["event_id"]) == 32
    assert "event_id" not in rows[0]  # the caller's rows are left as they were


def test_a_retried_reorder_carries_the_same_order_id(waits: list[float]) -> None:
    receipt = {
        "order_id": "x",
        "saved_order_id": 3,
        "ordered_at": "2026-03-01T12:00:00Z",
        "lines": [],
        "total": 0.0,
        "fully_priced": True,
        "recorded": 0,
        "duplicates": 0,
    }
    server = Server([busy("1"), httpx.Response(200, json=receipt)])
    server.client().orders.reorder("ann", 3)
    first, second = (json.loads(r.content)["order_id"] for r in server.requests)
    assert first == second and len(first) == 32


def test_a_failed_connection_is_retried_for_safe_calls_only(waits: list[float]) -> None:
    refused = httpx.ConnectError("connection refused")
    server = Server([refused, httpx.Response(200, json=ITEM)])
    assert server.client().items.get("mug").id == "mug"
    assert waits == [0.5]
    unsafe = Server([refused])
    with pytest.raises(Unavailable, match="cannot reach tailored for POST /v1/users/ann/lists"):
        unsafe.client().lists.create("ann", "Birthday")
    assert len(unsafe.requests) == 1


def test_a_read_timeout_is_not_retried(waits: list[float]) -> None:
    """The request may have reached the server: waiting again would double the wait."""
    server = Server([httpx.ReadTimeout("slow"), httpx.Response(200, json=ITEM)])
    with pytest.raises(Unavailable):
        server.client().items.get("mug")
    assert len(server.requests) == 1


def test_readiness_503_is_an_answer_and_not_retried(waits: list[float]) -> None:
    down = httpx.Response(503, json={"status": "unavailable", "database": "no route to host"})
    server = Server([down])
    ready = server.client().health.ready()
    assert (ready.ready, ready.database) == (False, "no route to host")
    assert len(server.requests) == 1 and waits == []


def test_the_async_client_retries_alike(
    waits: list[float], run_async: Callable[[Callable[[], Awaitable[None]]], None]
) -> None:
    server = Server([busy("2"), httpx.Response(200, json=BATCH), busy("1")])

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
            client = AsyncClient("http://shop.test", api_key="tk_x", http=http)
            result = await client.events.record_many([{"user_id": "ann", "type": "page_view"}])
            assert result.accepted == 2
            with pytest.raises(Unavailable):
                await client.lists.create("ann", "Birthday")

    run_async(scenario)
    assert waits == [2.0] and len(server.requests) == 3
    assert server.requests[0].content == server.requests[1].content


def test_every_request_carries_the_key_and_asks_for_json(waits: list[float]) -> None:
    server = Server([httpx.Response(200, json=ITEM)])
    server.client().items.get("mug")
    headers: Callable[[str], str | None] = server.requests[0].headers.get
    assert headers("Authorization") == "Bearer tk_x"
    assert headers("Accept") == "application/json"
    assert (headers("User-Agent") or "").startswith("tailored-client/")
    assert str(server.requests[0].url) == "http://shop.test/v1/items/mug"


def test_retry_after_as_an_http_date_is_read() -> None:
    policy = RetryPolicy()
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    assert 0.0 < policy.wait(attempt=0, retry_after=soon) <= 5.0
    past = format_datetime(datetime.now(UTC) - timedelta(minutes=5), usegmt=True)
    assert policy.wait(attempt=0, retry_after=past) == 0.0
    assert policy.wait(attempt=2, retry_after="soon, please") == 2.0  # unreadable: backoff
