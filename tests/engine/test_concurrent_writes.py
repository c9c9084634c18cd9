"""Concurrent writers sharing keys: no deadlock, nothing lost, nothing stored twice.

Batches from several clients often name the same new users, and a retried batch repeats
event ids another request is still writing. On PostgreSQL, rows locked in a different
order by two transactions deadlock and one request fails; the store writes in key order
so they wait for each other instead.

Profiles, template versions and model activations are read, changed and written back:
there the writers must take turns, or (READ COMMITTED) one overwrites what the other
just wrote. Lists, orders and alerts: test_concurrent_customizations.py; identity
merges: test_concurrent_merges.py.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from tailored import Engine, UserProfile
from tailored.demo.configurators import example
from tailored.domain.results import BatchResult
from tailored.testing.concurrency import at_once

WRITERS = 4
ROUNDS = 6


def _shuffled(rows: list[dict[str, object]], seed: int) -> list[dict[str, object]]:
    copy = list(rows)
    random.Random(seed).shuffle(copy)
    return copy


def test_overlapping_event_batches_in_different_orders_all_succeed(engine: Engine) -> None:
    results: list[BatchResult] = []
    for round_ in range(ROUNDS):
        # Every writer sends the same 300 events (new users included), each in its own order.
        rows = [
            {
                "event_id": f"r{round_}-e{n}",
                "user_id": f"r{round_}-u{n % 60}",
                "item_id": f"i{n % 9}",
                "type": "view",
            }
            for n in range(300)
        ]
        orders = [_shuffled(rows, seed) for seed in range(WRITERS)]
        with ThreadPoolExecutor(WRITERS) as pool:
            results += pool.map(engine.events.record_many, orders)
    assert [r.rejected for r in results if r.rejected] == []
    assert sum(result.accepted for result in results) == ROUNDS * 300
    assert sum(result.duplicates for result in results) == ROUNDS * 300 * (WRITERS - 1)
    assert engine.events.count() == ROUNDS * 300
    assert engine.users.count() == ROUNDS * 60


def test_overlapping_item_batches_in_different_orders_all_succeed(engine: Engine) -> None:
    rows = [{"id": f"i{n}", "title": f"Item {n}", "categories": [f"c{n % 7}"]} for n in range(400)]
    orders = [_shuffled(rows, seed) for seed in range(12)]
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(engine.items.upsert_many, orders))
    assert all(result.accepted == 400 and not result.rejected for result in results)
    assert engine.items.count() == 400


# --- read-modify-writes of one user's profile ------------------------------------------
#
# Each write below reads what is stored, changes it and writes it back. On PostgreSQL
# (READ COMMITTED) two such transactions that both read before either writes lose one
# write unless the first locks the row it read; SQLite runs one writer at a time. The
# threads start together (`at_once`), so their transactions overlap.

PARALLEL = 20


def test_parallel_trait_patches_of_one_user_keep_every_trait(engine: Engine) -> None:
    engine.users.upsert("known", {"name": "Ann"})
    for user in ("known", "new-1", "new-2"):  # a stored user, and users the patches create
        outcomes = at_once(PARALLEL, partial(_patch_trait, engine, user))
        assert [type(o).__name__ for o in outcomes] == ["UserProfile"] * PARALLEL
        expected = {f"trait{n}": n for n in range(PARALLEL)}
        if user == "known":
            expected["name"] = "Ann"
        assert engine.users.get(user).traits == expected


def _patch_trait(engine: Engine, user: str, n: int) -> UserProfile:
    return engine.users.upsert(user, {f"trait{n}": n}, merge=True)


def test_parallel_preference_updates_of_different_fields_keep_every_field(engine: Engine) -> None:
    fields = [{"name": f"field{n}", "kind": "text"} for n in range(PARALLEL)]
    engine.preferences.set_schema(fields, changed_by="admin")
    for user in ("pat", "quinn"):
        outcomes = at_once(PARALLEL, partial(_set_field, engine, user))
        assert all(isinstance(o, dict) for o in outcomes)
        expected = {f"field{n}": f"v{n}" for n in range(PARALLEL)}
        assert engine.preferences.get(user) == expected
        # One history row per field, each from "unset": no writer saw a stale value.
        history = engine.preferences.history(user)
        assert sorted((c.field, c.old, c.new) for c in history) == sorted(
            (f"field{n}", None, f"v{n}") for n in range(PARALLEL)
        )


def _set_field(engine: Engine, user: str, n: int) -> dict[str, object]:
    return engine.preferences.update(user, {f"field{n}": f"v{n}"}, changed_by=user)


def test_parallel_consent_decisions_leave_each_purpose_at_its_last_logged_decision(
    engine: Engine,
) -> None:
    purposes = engine.consents.purposes
    at_once(
        PARALLEL,
        lambda n: engine.consents.set("ann", {purposes[n % len(purposes)]: n % 2 == 0}),
    )
    current = {c.purpose: c.granted for c in engine.consents.get("ann")}
    last_logged = {c.purpose: c.granted for c in engine.consents.history("ann")}
    assert current == last_logged and set(current) == set(purposes)
    assert len(engine.consents.history("ann")) == PARALLEL


# --- configurators and models -----------------------------------------------------------


def _define(engine: Engine, n: int) -> int:
    definition = {**example("coffee"), "name": f"Coffee, edition {n}"}
    return engine.configurators.define(definition).version


def test_parallel_template_changes_each_get_their_own_version(engine: Engine) -> None:
    outcomes = at_once(10, partial(_define, engine))

    assert sorted(v for v in outcomes if isinstance(v, int)) == list(range(1, 11))
    current = engine.configurators.get("coffee")
    assert current.version == 10


def _train(engine: Engine, folder: Path, n: int) -> int:
    return engine.training.train("popular", tune=False, models_dir=folder).id


def test_parallel_trainings_leave_one_active_version_of_the_model(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [{"user_id": f"u{n % 5}", "type": "view", "item_id": f"i{n % 7}"} for n in range(40)]
    engine.events.record_many(rows)
    for _ in range(3):
        at_once(6, partial(_train, engine, tmp_path))
        active = [v.id for v in engine.training.versions() if v.active]
        assert len(active) == 1, active
