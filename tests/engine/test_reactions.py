"""Reactions on every backend: consumers follow the event log and item changes by
position, once and in order; a failing consumer loses and blocks nothing, retries, sets
a record it keeps failing on aside, and resumes where it stopped; a transaction that
commits late is never passed (PostgreSQL); several runners never handle a record twice;
the background runner fires alerts on its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tailored import Engine
from tailored.domain.events import Event, EventType
from tailored.domain.reactions import MAX_ATTEMPTS, Position
from tailored.engine.reactions import Batch, Consumer, Reactions
from tailored.errors import NotFound
from tailored.storage import events as event_store
from tailored.storage.events import insert_event_type
from tailored.testing.concurrency import at_once
from tailored.workflows.background import Background


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Seen:
    """A consumer's handler that keeps the event ids it was given and can be told to
    fail on some of them."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.poison: set[str] = set()
        self.batches: list[int] = []  # sizes

    def __call__(self, _conn: Any, batch: Batch) -> None:
        self.batches.append(len(batch))
        for _, event in batch:
            assert isinstance(event, Event)
            if event.event_id in self.poison:
                raise RuntimeError(f"cannot handle {event.event_id}")
        self.ids.extend(event.event_id for _, event in batch)  # type: ignore[union-attr]


def _record(engine: Engine, *ids: str) -> None:
    for event_id in ids:
        engine.events.record(
            {"event_id": event_id, "user_id": "u1", "type": "view", "item_id": "mug"}
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _reactions(engine: Engine, clock: Clock, *consumers: Consumer) -> Reactions:
    reactions = Reactions(engine.db, now=clock)
    for consumer in consumers:
        reactions.register(consumer)
    return reactions


def test_a_consumer_sees_each_event_once_in_order_across_batches(
    engine: Engine, clock: Clock
) -> None:
    seen = Seen()
    reactions = _reactions(
        engine, clock, Consumer("audit", "events", seen, start="beginning", batch_size=7)
    )
    ids = [f"e{n:02d}" for n in range(25)]
    _record(engine, *ids)
    assert reactions.run() == {"audit": 25}
    assert seen.ids == ids and max(seen.batches) <= 7 and len(seen.batches) >= 4
    assert reactions.run() == {"audit": 0}
    _record(engine, "late")
    reactions.run()
    assert seen.ids == [*ids, "late"]
    [status] = reactions.status()
    assert (status.name, status.stream, status.behind, status.failures) == (
        "audit",
        "events",
        0,
        0,
    )


def test_a_consumer_resumes_where_it_stopped_after_a_restart(engine: Engine, clock: Clock) -> None:
    first = Seen()
    _reactions(engine, clock, Consumer("audit", "events", first, start="beginning")).run()
    _record(engine, "a", "b")
    _reactions(engine, clock, Consumer("audit", "events", first, start="beginning")).run()
    _record(engine, "c")
    after = Seen()  # a new process: same name, same position
    _reactions(engine, clock, Consumer("audit", "events", after, start="beginning")).run()
    assert (first.ids, after.ids) == (["a", "b"], ["c"])


def test_a_new_consumer_starting_at_the_end_skips_the_past(engine: Engine, clock: Clock) -> None:
    _record(engine, "old")
    seen = Seen()
    reactions = _reactions(engine, clock, Consumer("fresh", "events", seen))
    reactions.run()
    _record(engine, "new")
    reactions.run()
    assert seen.ids == ["new"]


def test_a_failing_consumer_blocks_nothing_retries_and_sets_the_record_aside(
    engine: Engine, clock: Clock
) -> None:
    flaky, steady = Seen(), Seen()
    flaky.poison = {"e3"}
    reactions = _reactions(
        engine,
        clock,
        Consumer("flaky", "events", flaky, start="beginning"),
        Consumer("steady", "events", steady, start="beginning"),
    )
    _record(engine, "e1", "e2", "e3", "e4")

    assert reactions.run() == {"flaky": 2, "steady": 4}
    assert flaky.ids == ["e1", "e2"] and steady.ids == ["e1", "e2", "e3", "e4"]
    _record(engine, "e5")  # writes never wait for consumers
    assert engine.events.query().items[0].event_id == "e5"
    status = {s.name: s for s in reactions.status()}["flaky"]
    assert (status.failures, status.behind) == (1, 3)
    assert status.last_error == "RuntimeError: cannot handle e3"
    assert status.retry_at == clock.now + timedelta(seconds=1)

    reactions.run()  # too soon: it waits for its retry time
    assert {s.name: s for s in reactions.status()}["flaky"].failures == 1
    for attempt in range(2, MAX_ATTEMPTS):
        clock.advance(60)
        reactions.run()
        assert {s.name: s for s in reactions.status()}["flaky"].failures == attempt
    assert flaky.ids == ["e1", "e2"]

    clock.advance(60)
    reactions.run()  # the last attempt: e3 is set aside, the rest goes on
    assert flaky.ids == ["e1", "e2", "e4", "e5"]
    [letter] = reactions.dead_letters("flaky")
    assert (letter.consumer, letter.stream, letter.attempts) == ("flaky", "events", MAX_ATTEMPTS)
    assert letter.error == "RuntimeError: cannot handle e3"
    status = {s.name: s for s in reactions.status()}["flaky"]
    assert (status.failures, status.behind, status.dead_letters) == (0, 0, 1)

    assert reactions.retry("flaky") == (0, 1)  # still failing: kept, one attempt more
    assert reactions.dead_letters("flaky")[0].attempts == MAX_ATTEMPTS + 1
    flaky.poison.clear()
    assert reactions.retry("flaky") == (1, 0)
    assert flaky.ids[-1] == "e3" and reactions.dead_letters("flaky") == []
    with pytest.raises(NotFound):
        reactions.retry("nobody")


def test_what_a_consumer_writes_commits_with_its_position(engine: Engine, clock: Clock) -> None:
    def register_types(conn: Any, batch: Batch) -> None:
        for _, event in batch:
            assert isinstance(event, Event)
            insert_event_type(conn, EventType(f"seen_{event.event_id}"), now=clock())
            if event.event_id == "b":
                raise RuntimeError("fails after writing")

    reactions = _reactions(
        engine, clock, Consumer("writer", "events", register_types, start="beginning")
    )
    _record(engine, "a", "b", "c")
    reactions.run()
    # "a" committed with the position past it; what "b" wrote was rolled back.
    names = {t for t in engine.event_types.known(refresh=True) if t.startswith("seen_")}
    assert names == {"seen_a"}


@contextmanager
def _uncommitted_event(engine: Engine, event_id: str) -> Iterator[Callable[[], None]]:
    """An event in a transaction that has not committed yet; call what it yields to
    commit it (rolled back on leaving otherwise, so a failing test does not hang)."""
    now = datetime.now(UTC)
    event = Event(event_id=event_id, user_id="u1", item_id="mug", type="view", value=None,
                  context={}, timestamp=now, received_at=now)  # fmt: skip
    with engine.db.engine.connect() as conn:
        transaction = conn.begin()
        event_store.insert_events(conn, event_store.encode_events("postgresql", [event]))
        try:
            yield transaction.commit
        finally:
            if transaction.is_active:
                transaction.rollback()


def test_a_transaction_that_commits_late_is_never_passed(
    engine: Engine, clock: Clock, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: a later commit cannot overtake")
    seen = Seen()
    reactions = _reactions(engine, clock, Consumer("audit", "events", seen, start="beginning"))
    # "early" takes its sequence number and waits to commit; "later" takes a higher one
    # and commits first.
    with _uncommitted_event(engine, "early") as commit_early:
        _record(engine, "later")
        reactions.run(settle_seconds=0)
        assert seen.ids == []  # "later" waits: reading it would step over "early"
        [status] = reactions.status()
        assert status.behind == 1
        commit_early()
    reactions.run()  # (other transactions on the server may still hold both back a moment)
    assert seen.ids == ["early", "later"]


def test_run_waits_for_an_older_transaction_to_end(
    engine: Engine, clock: Clock, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: what committed is readable")
    seen = Seen()
    reactions = _reactions(engine, clock, Consumer("audit", "events", seen, start="beginning"))
    with _uncommitted_event(engine, "early") as commit_early:
        _record(engine, "later")
        timer = threading.Timer(0.3, commit_early)
        timer.start()
        reactions.run(settle_seconds=10)
        timer.join()
    assert seen.ids == ["early", "later"]


def test_several_runners_never_handle_a_record_twice(engine: Engine, clock: Clock) -> None:
    seen = Seen()
    runners = [
        _reactions(
            engine, clock, Consumer("audit", "events", seen, start="beginning", batch_size=5)
        )
        for _ in range(3)
    ]
    ids = [f"e{n:03d}" for n in range(120)]
    writing_done = threading.Event()

    def write() -> None:
        for start in range(0, len(ids), 10):
            engine.events.record_many(
                [{"event_id": i, "user_id": "u1", "type": "view", "item_id": "mug"}
                 for i in ids[start : start + 10]]
            )  # fmt: skip
        writing_done.set()

    def react(runner: Reactions) -> None:
        while not writing_done.is_set():
            runner.run(settle_seconds=0)
        runner.run()

    threads = [threading.Thread(target=write)]
    threads += [threading.Thread(target=react, args=(runner,)) for runner in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    runners[0].run()
    assert sorted(seen.ids) == ids and len(seen.ids) == len(set(seen.ids))


def test_the_background_runner_fires_alerts_by_itself(engine: Engine) -> None:
    engine.items.upsert({"id": "lamp", "title": "Lamp", "available": False})
    engine.subscriptions.subscribe("ann", "lamp", "back_in_stock")
    with Background.of(engine):
        engine.items.upsert({"id": "lamp", "title": "Lamp", "available": True})
        deadline = time.monotonic() + 10
        while not engine.subscriptions.notifications("ann").items:
            assert time.monotonic() < deadline, "the alert did not fire within 10 s"
            time.sleep(0.02)
    [note] = engine.subscriptions.notifications("ann").items
    assert note.message == "Lamp is back in stock."
    [status] = engine.reactions.status()
    assert (status.name, status.stream, status.behind) == ("alerts", "item_changes", 0)


def test_positions_order_by_transaction_then_sequence() -> None:
    assert sorted([Position(2, 1), Position(1, 9), Position(1, 3)]) == [
        Position(1, 3),
        Position(1, 9),
        Position(2, 1),
    ]


def test_the_architecture_docs_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (Path(__file__).parents[2] / "docs" / "architecture.md").read_text()
    section = text.split("## Reacting to what happened", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "docs/architecture.md", "exec"), {})
    assert capsys.readouterr().out == "['mug']\n"


def test_an_alert_fired_before_its_change_is_readable_reports_the_right_old_price(
    engine: Engine, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: what committed is readable")
    engine.items.upsert({"id": "tent", "title": "Tent", "attributes": {"price": 200}})
    engine.subscriptions.subscribe("ann", "tent", "price_below", threshold=180)
    with _uncommitted_event(engine, "held"):
        # The price drop commits after "held" began: the reaction reads only the tent's
        # creation, but the tent as it is now meets the alert.
        engine.items.upsert({"id": "tent", "title": "Tent", "attributes": {"price": 175}})
        deadline = time.monotonic() + 30  # other tests' transactions may hold it back too
        while not engine.subscriptions.notifications("ann").items:
            assert time.monotonic() < deadline, "the creation never became readable"
            engine.reactions.run(settle_seconds=0)
    [note] = engine.subscriptions.notifications("ann").items
    assert (note.old_value, note.new_value) == (200.0, 175.0)
    engine.reactions.run()
    assert len(engine.subscriptions.notifications("ann").items) == 1


def test_a_write_wakes_the_runner_only_when_a_consumer_follows_its_stream(
    engine: Engine,
) -> None:
    # Only `alerts` (item changes) is registered: events do not cost the runner a round.
    engine.reactions.pending.clear()
    _record(engine, "e1")
    assert not engine.reactions.pending.is_set()
    engine.items.upsert({"id": "mug", "title": "Mug"})
    assert engine.reactions.pending.is_set()


def test_retries_at_once_hand_each_dead_letter_over_once(engine: Engine, clock: Clock) -> None:
    flaky = Seen()
    flaky.poison = {"e2"}
    reactions = _reactions(engine, clock, Consumer("flaky", "events", flaky, "beginning"))
    _record(engine, "e1", "e2", "e3")
    for _ in range(MAX_ATTEMPTS):
        reactions.run()
        clock.advance(60)
    assert flaky.ids == ["e1", "e3"] and len(reactions.dead_letters("flaky")) == 1
    flaky.poison.clear()

    results = at_once(4, lambda _n: reactions.retry("flaky"))

    assert sorted(results) == [(0, 0)] * 3 + [(1, 0)]
    assert flaky.ids == ["e1", "e3", "e2"] and reactions.dead_letters("flaky") == []
