"""Crash safety of event ingestion: SIGKILL `tailored serve` during a stream of batches,
then every acknowledged event must be stored, on each backend.

A 200 from POST /v1/events promises the rows are committed. Clients that got one will
never send those events again, so losing any of them after a crash is silent data loss.
The test also checks that each batch is all-or-nothing (a batch is one transaction, so
its users and events appear together or not at all), that a SQLite file is not
corrupted, and that re-sending the batches that were in flight is idempotent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest

from tailored import Engine
from tailored.testing.server_process import ServerProcess, create_admin_key

# On the real fsync defaults (see tests/conftest.py): surviving the crash is the subject.
pytestmark = [pytest.mark.slow, pytest.mark.durable]

BATCH_SIZE = 500
CLIENTS = 3  # concurrent senders, so that commits are under way when the kill lands
ACKNOWLEDGED_BEFORE_KILL = 30
USERS_PER_BATCH = 10
PATIENCE = 60.0  # seconds to wait for the stream to get going; only bounds a hang


@dataclass(frozen=True)
class Batch:
    """Events one request carries: ids `<name>-000`..., users private to the batch."""

    name: str
    events: list[dict[str, Any]]

    @classmethod
    def numbered(cls, name: str) -> Batch:
        return cls(
            name,
            [
                {
                    "event_id": f"{name}-{n:03d}",
                    "user_id": f"{name}-u{n % USERS_PER_BATCH}",
                    "type": "view",
                    "item_id": f"sku-{n % 37}",
                    "context": {"batch": name, "n": n},
                }
                for n in range(BATCH_SIZE)
            ],
        )

    @property
    def ids(self) -> set[str]:
        return {event["event_id"] for event in self.events}

    @property
    def users(self) -> set[str]:
        return {event["user_id"] for event in self.events}

    @property
    def body(self) -> bytes:
        return orjson.dumps(self.events)


@dataclass
class Ledger:
    """What the senders know: acknowledged batches (with the answer), batches whose
    request failed (no answer: their fate is unknown), and surprises."""

    acknowledged: list[tuple[Batch, dict[str, Any]]] = field(default_factory=list)
    unanswered: list[Batch] = field(default_factory=list)
    surprises: list[str] = field(default_factory=list)
    in_flight: int = 0
    killed: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)


def send_until_failure(client: httpx.Client, prefix: str, ledger: Ledger) -> None:
    """Post batches back to back until a request fails (the server is gone)."""
    number = 0
    while True:
        batch = Batch.numbered(f"{prefix}{number:04d}")
        number += 1
        with ledger.changed:
            ledger.in_flight += 1
            ledger.changed.notify_all()
        try:
            response = client.post("/v1/events", content=batch.body)
        except httpx.TransportError as error:
            with ledger.changed:
                ledger.in_flight -= 1
                ledger.unanswered.append(batch)
                if not ledger.killed.is_set():
                    ledger.surprises.append(f"{batch.name}: {type(error).__name__}: {error}")
                ledger.changed.notify_all()
            return
        with ledger.changed:
            ledger.in_flight -= 1
            if response.status_code == 200:
                ledger.acknowledged.append((batch, response.json()))
            else:
                ledger.unanswered.append(batch)
                ledger.surprises.append(f"{batch.name}: {response.status_code} {response.text}")
            ledger.changed.notify_all()
        if response.status_code != 200:
            return


@pytest.fixture
def key(fresh_url: str) -> str:
    return create_admin_key(fresh_url, name="crash-test")


@pytest.fixture
def headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def _stream_then_kill(server: ServerProcess, headers: dict[str, str]) -> Ledger:
    """Run the senders; SIGKILL the server once enough batches are acknowledged and a
    request is in flight; return what the senders saw."""
    ledger = Ledger()
    clients = [
        httpx.Client(base_url=server.base_url, headers=headers, timeout=PATIENCE)
        for _ in range(CLIENTS)
    ]
    threads = [
        threading.Thread(target=send_until_failure, args=(client, f"c{i}-", ledger), daemon=True)
        for i, client in enumerate(clients)
    ]
    try:
        for thread in threads:
            thread.start()
        with ledger.changed:
            ready = ledger.changed.wait_for(
                lambda: (
                    bool(ledger.surprises)
                    or (
                        len(ledger.acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
                        and ledger.in_flight > 0
                    )
                ),
                timeout=PATIENCE,
            )
            assert not ledger.surprises, f"requests failed before the kill: {ledger.surprises}"
            assert ready, (
                f"only {len(ledger.acknowledged)} batches acknowledged in {PATIENCE:g} s; "
                f"server output:\n{server.output()}"
            )
            ledger.killed.set()
        assert server.kill() < 0, "the server was expected to die of SIGKILL"
        for thread in threads:
            thread.join(PATIENCE)
            assert not thread.is_alive(), "a sender still waits for the killed server"
    finally:
        for client in clients:
            client.close()
    assert not ledger.surprises, f"unexpected answers: {ledger.surprises}"
    return ledger


def _stored_event_ids(engine: Engine) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = engine.events.query(cursor=cursor, limit=10_000)
        ids.extend(event.event_id for event in page.items)
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def _stored_user_ids(engine: Engine) -> set[str]:
    ids: set[str] = set()
    cursor: str | None = None
    while True:
        page = engine.users.list(cursor=cursor, limit=1000)
        ids.update(user.id for user in page.items)
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def _sqlite_checks(engine: Engine) -> Iterator[str]:
    """Problems SQLite itself reports in the file (none expected)."""
    with engine.db.reading() as conn:
        integrity = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        foreign_keys = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if integrity != ["ok"]:
        yield f"integrity_check: {integrity}"
    if foreign_keys:
        yield f"foreign_key_check: {foreign_keys}"


def test_acknowledged_events_survive_a_server_crash(
    backend: str, fresh_url: str, headers: dict[str, str]
) -> None:
    with ServerProcess(fresh_url) as server:
        ledger = _stream_then_kill(server, headers)

    # The senders' view: every acknowledged batch was stored whole, and every sender
    # ended with a batch the crash left unanswered.
    for batch, answer in ledger.acknowledged:
        assert answer == {"accepted": BATCH_SIZE, "duplicates": 0, "rejected": []}, batch.name
    assert len(ledger.unanswered) == CLIENTS

    # The database as the crash left it, before any server touches it again.
    with Engine.open(fresh_url, migrate=False) as engine:
        if backend == "sqlite":
            assert list(_sqlite_checks(engine)) == []
        stored_list = _stored_event_ids(engine)
        stored_users = _stored_user_ids(engine)
    stored = set(stored_list)

    assert len(stored_list) == len(stored), "an event id is stored twice"
    acknowledged = set().union(*(batch.ids for batch, _ in ledger.acknowledged))
    lost = acknowledged - stored
    assert not lost, f"{len(lost)} acknowledged events are missing, e.g. {sorted(lost)[:5]}"
    sent = acknowledged.union(*(batch.ids for batch in ledger.unanswered))
    assert stored <= sent, f"events nobody sent were stored: {sorted(stored - sent)[:5]}"

    survivors: dict[str, int] = {}
    for batch in ledger.unanswered:
        survivors[batch.name] = len(batch.ids & stored)
        assert survivors[batch.name] in (0, BATCH_SIZE), (
            f"batch {batch.name} is half stored after the crash: "
            f"{survivors[batch.name]} of {BATCH_SIZE} events (a batch is one transaction)"
        )
    users_of_stored = {e["user_id"] for b, _ in ledger.acknowledged for e in b.events} | {
        e["user_id"] for b in ledger.unanswered if survivors[b.name] for e in b.events
    }
    assert stored_users == users_of_stored, (
        "users and their events are written in one transaction, so the profiles must "
        f"match the stored events; only profiles: {sorted(stored_users - users_of_stored)[:5]}, "
        f"only events: {sorted(users_of_stored - stored_users)[:5]}"
    )

    # Restart on the same database: it serves, and clients retrying what the crash left
    # unanswered get each event stored exactly once.
    with (
        ServerProcess(fresh_url) as server,
        httpx.Client(base_url=server.base_url, headers=headers, timeout=PATIENCE) as client,
    ):
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        for batch in ledger.unanswered:
            retry = client.post("/v1/events", content=batch.body)
            assert retry.status_code == 200, retry.text
            already = survivors[batch.name]
            assert retry.json() == {
                "accepted": BATCH_SIZE - already,
                "duplicates": already,
                "rejected": [],
            }, f"retry of {batch.name}, which had {already} events stored before the retry"
        first, _ = ledger.acknowledged[0]
        again = client.post("/v1/events", content=first.body)
        assert again.status_code == 200, again.text
        assert again.json() == {"accepted": 0, "duplicates": BATCH_SIZE, "rejected": []}
        server.stop()

    with Engine.open(fresh_url, migrate=False) as engine:
        assert engine.events.count() == len(sent)
        assert set(_stored_event_ids(engine)) == sent
        if backend == "sqlite":
            assert list(_sqlite_checks(engine)) == []
