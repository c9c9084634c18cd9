"""Identity merges racing each other and the visitor's own traffic, on every backend.

A merge moves an anonymous visitor's events and customizations to a known user and
deletes the visitor. Whatever runs at the same moment (the same merge retried, the
opposite merge, events still arriving for the visitor, edits of either profile), the end
state must be one user holding everything, an alias that points from the visitor to it,
and nothing left under a deleted id.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import insert, select

from tailored import Conflict, Engine, NotFound, TailoredError
from tailored.demo.configurators import install_examples
from tailored.domain.configurator.designs import SavedDesign
from tailored.domain.profiles import MergeResult
from tailored.storage import tables
from tailored.testing.concurrency import at_once, meanwhile

ROUNDS = 4


def _visit(engine: Engine, user_id: str, count: int) -> None:
    rows = [
        {"event_id": f"{user_id}-e{n}", "user_id": user_id, "type": "view", "item_id": f"i{n % 7}"}
        for n in range(count)
    ]
    assert engine.events.record_many(rows).accepted == count


def _aliases(engine: Engine) -> list[tuple[str, str, int]]:
    m = tables.user_merges.c
    with engine.db.reading() as conn:
        query = select(m.anonymous_id, m.user_id, m.events_moved).order_by(m.anonymous_id)
        return [(a, u, int(n)) for a, u, n in conn.execute(query)]


def _event_owners(engine: Engine) -> set[str]:
    with engine.db.reading() as conn:
        return set(conn.execute(select(tables.events.c.user_id).distinct()).scalars())


def _user_ids(engine: Engine) -> set[str]:
    with engine.db.reading() as conn:
        return set(conn.execute(select(tables.users.c.id)).scalars())


def _merge(engine: Engine, pairs: list[tuple[str, str]], n: int) -> MergeResult:
    user_id, anonymous_id = pairs[n % len(pairs)]
    return engine.users.merge(user_id, anonymous_id)


def test_opposite_merges_at_once_leave_one_user_with_every_event(engine: Engine) -> None:
    for round_ in range(ROUNDS):
        x, y = f"x{round_}", f"y{round_}"
        _visit(engine, x, 20)
        _visit(engine, y, 20)

        # Half the requests merge y into x, half x into y.
        outcomes = at_once(10, partial(_merge, engine, [(x, y), (y, x)]))

        merged = [o for o in outcomes if isinstance(o, MergeResult)]
        assert len(merged) == 5 and len(set(merged)) == 1  # one direction, one answer
        [won] = set(merged)
        assert won.events_moved == 20
        lost = [o for o in outcomes if not isinstance(o, MergeResult)]
        assert len(lost) == 5 and all(isinstance(o, Conflict) for o in lost)
        assert all(won.anonymous_id in str(o) and won.user_id in str(o) for o in lost)
        survivor = engine.users.get(won.user_id)
        assert survivor.activity is not None and survivor.activity.events_total == 40
        assert engine.events.query(user_id=won.anonymous_id).items == ()
        try:
            engine.users.get(won.anonymous_id)
            raise AssertionError(f"{won.anonymous_id} was merged but still exists")
        except NotFound:
            pass
    assert _event_owners(engine) == _user_ids(engine)  # no event under a deleted id
    aliases = _aliases(engine)
    assert len(aliases) == ROUNDS and all(anonymous != user for anonymous, user, _ in aliases)
    assert all(moved == 20 for _, _, moved in aliases)


def test_the_same_merge_sent_many_times_at_once_answers_alike(engine: Engine) -> None:
    for round_ in range(ROUNDS):
        known, visitor = f"known{round_}", f"visitor{round_}"
        _visit(engine, known, 5)
        _visit(engine, visitor, 91)

        outcomes = at_once(20, partial(_merge, engine, [(known, visitor)]))

        assert all(isinstance(o, MergeResult) for o in outcomes), outcomes
        assert len(set(outcomes)) == 1
        result = outcomes[0]
        assert isinstance(result, MergeResult)
        assert (result.user_id, result.anonymous_id, result.events_moved) == (known, visitor, 91)
        # A retry later still answers the first merge's result.
        assert engine.users.merge(known, visitor) == result
        activity = engine.users.get(known).activity
        assert activity is not None and activity.events_total == 96
    assert _aliases(engine) == [(f"visitor{r}", f"known{r}", 91) for r in range(ROUNDS)]
    assert _event_owners(engine) == _user_ids(engine)


def test_a_merge_answers_conflict_when_the_visitor_went_to_another_user(engine: Engine) -> None:
    _visit(engine, "visitor", 3)
    first = engine.users.merge("ann", "visitor")

    try:
        engine.users.merge("bo", "visitor")
        raise AssertionError("a visitor merged into ann cannot be merged into bo")
    except Conflict as conflict:
        assert "'ann'" in str(conflict) and "'visitor'" in str(conflict)
    assert engine.users.merge("ann", "visitor") == first
    assert _aliases(engine) == [("visitor", "ann", 3)]


def test_merging_into_a_merged_id_folds_into_the_user_it_became(engine: Engine) -> None:
    _visit(engine, "phone", 2)
    _visit(engine, "laptop", 3)
    engine.users.merge("ann", "phone")

    result = engine.users.merge("phone", "laptop")  # "laptop is the person phone was"

    assert (result.user_id, result.anonymous_id, result.events_moved) == ("ann", "laptop", 3)
    assert _aliases(engine) == [("laptop", "ann", 3), ("phone", "ann", 2)]
    assert _user_ids(engine) == {"ann"} == _event_owners(engine)


def _ingest_or_merge(engine: Engine, round_: int, n: int) -> object:
    if n == 0:
        return engine.users.merge(f"known{round_}", f"visitor{round_}")
    accepted = 0
    for batch in range(BATCHES):  # one after another: some before the merge, some after
        rows = [
            {"event_id": f"r{round_}-t{n}-b{batch}-e{k}", "user_id": f"visitor{round_}",
             "type": "search"}
            for k in range(4)
        ]  # fmt: skip
        accepted += engine.events.record_many(rows).accepted
    return accepted


BATCHES = 4


def test_events_arriving_for_a_visitor_while_it_merges_end_on_the_known_user(
    engine: Engine,
) -> None:
    writers, sent = 12, 4 * BATCHES
    for round_ in range(ROUNDS):
        _visit(engine, f"visitor{round_}", 10)
        outcomes = at_once(writers, partial(_ingest_or_merge, engine, round_))
        assert isinstance(outcomes[0], MergeResult)
        assert outcomes[1:] == [sent] * (writers - 1), outcomes
        activity = engine.users.get(f"known{round_}").activity
        assert activity is not None and activity.events_total == 10 + sent * (writers - 1)
    assert engine.events.count() == ROUNDS * (10 + sent * (writers - 1))
    assert _user_ids(engine) == {f"known{r}" for r in range(ROUNDS)} == _event_owners(engine)


def _edit_or_merge(engine: Engine, round_: int, n: int) -> object:
    known, visitor = f"known{round_}", f"visitor{round_}"
    if n == 0:
        return engine.users.merge(known, visitor)
    if n % 3 == 1:
        return engine.users.upsert(known, {f"known{n}": n}, merge=True)
    if n % 3 == 2:
        return engine.consents.set(known, {"marketing": True}, source=known)
    return engine.preferences.update(known, {"theme": "dark"}, changed_by=known)


def test_edits_of_the_known_user_during_a_merge_are_kept(engine: Engine) -> None:
    writers = 12
    for round_ in range(ROUNDS):
        visitor = f"visitor{round_}"
        engine.users.upsert(visitor, {"city": "Oslo", "known1": "visitor's"})
        engine.preferences.update(visitor, {"layout": "list"}, changed_by="visitor")
        engine.consents.set(visitor, {"marketing": False, "analytics": True})

        outcomes = at_once(writers, partial(_edit_or_merge, engine, round_))

        assert isinstance(outcomes[0], MergeResult)
        profile = engine.users.get(f"known{round_}")
        expected = {f"known{n}": n for n in range(1, writers, 3)}
        assert profile.traits == {"city": "Oslo", **expected}
        assert profile.preferences == {"theme": "dark", "layout": "list"}
        # The known user's own decision wins over the visitor's, whichever came first.
        consents = {c.purpose: c.granted for c in profile.consents}
        assert consents == {"marketing": True, "analytics": True}


def _restock_or_merge(engine: Engine, round_: int, items: list[str], n: int) -> object:
    if n == 0:
        return engine.users.merge(f"known{round_}", f"visitor{round_}")
    for item in items[n - 1 :: 11]:  # one write each, spread over the merge
        engine.items.upsert({"id": item, "title": "Back", "available": True})
        engine.reactions.run()  # the alerts fire while the merge runs
    return "restocked"


def test_alerts_firing_while_their_owner_merges_notify_the_user_it_became(
    engine: Engine,
) -> None:
    rounds = 4
    for round_ in range(rounds):
        visitor = f"visitor{round_}"
        _visit(engine, visitor, 1000)  # a merge that takes a while
        items = [f"r{round_}-item{n}" for n in range(110)]
        engine.items.upsert_many([{"id": i, "title": "Gone", "available": False} for i in items])
        now = datetime.now(UTC)
        with engine.db.writing() as conn:  # 110 alerts at once
            conn.execute(
                insert(tables.subscriptions),
                [
                    {"user_id": visitor, "item_id": i, "kind": "back_in_stock",
                     "threshold": None, "created_at": now, "fired_at": None}
                    for i in items
                ],
            )  # fmt: skip

        outcomes = at_once(12, partial(_restock_or_merge, engine, round_, items))

        assert isinstance(outcomes[0], MergeResult)
        assert outcomes[1:] == ["restocked"] * 11, outcomes
        notes = engine.subscriptions.notifications(f"known{round_}", limit=1000).items
        assert sorted(n.item_id for n in notes) == sorted(items)
    with engine.db.reading() as conn:
        owners = set(conn.execute(select(tables.notifications.c.user_id).distinct()).scalars())
    assert owners == {f"known{r}" for r in range(rounds)} == _user_ids(engine)


# --- writes slipped in at the narrowest point of a merge (`meanwhile`) ----------------


def _reads_consents_of(user_id: str) -> Callable[[str, Any], bool]:
    def reading(sql: str, parameters: Any) -> bool:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        return "FROM consents" in sql and user_id in list(values or ())

    return reading


def test_a_consent_given_while_a_merge_reads_consents_is_kept(engine: Engine) -> None:
    engine.consents.set("visitor", {"marketing": False})
    engine.users.upsert("known", {})
    give = partial(engine.consents.set, "known", {"marketing": True}, source="known")

    # The merge read the known user's consents (none) and will carry the visitor's.
    with meanwhile(engine.db, _reads_consents_of("known"), give) as given:
        engine.users.merge("known", "visitor")

    assert len(given) == 1 and not isinstance(given[0], Exception), given
    consents = {c.purpose: c.granted for c in engine.consents.get("known")}
    assert consents == {"marketing": True}  # the known user's own decision, not the visitor's


def _moves_designs(sql: str, _parameters: Any) -> bool:
    return sql.lstrip().startswith("UPDATE designs")


def test_a_design_saved_while_a_merge_moves_designs_is_kept(
    engine: Engine,
) -> None:
    install_examples(engine)
    engine.configurators.save_design("visitor", "coffee", "first", {"size": "M"})
    save = partial(engine.configurators.save_design, "visitor", "coffee", "late", {"size": "L"})

    with meanwhile(engine.db, _moves_designs, save) as saved:
        engine.users.merge("known", "visitor")

    [late] = saved
    assert isinstance(late, SavedDesign), late
    with engine.db.reading() as conn:
        stored = dict(conn.execute(select(tables.designs.c.id, tables.designs.c.user_id)).all())
    assert late.id in stored  # not erased with the visitor
    assert "known" in stored.values() and set(stored.values()) <= _user_ids(engine)


def test_a_visitor_id_used_again_after_its_merge_is_folded_in_by_the_next_merge(
    engine: Engine,
) -> None:
    engine.items.upsert({"id": "mug", "title": "Mug"})
    _visit(engine, "visitor", 3)
    first = engine.users.merge("known", "visitor")
    engine.lists.save("visitor", "mug")  # the id is a user again, with a list and a like

    again = engine.users.merge("known", "visitor")

    assert (again.user_id, again.events_moved) == ("known", first.events_moved + 1)
    assert engine.lists.favorites("known").item_ids == ("mug",)
    assert _user_ids(engine) == {"known"} == _event_owners(engine)
    assert engine.users.merge("known", "visitor") == again  # and a retry answers alike
    assert _aliases(engine) == [("visitor", "known", 4)]


def _reads_aliases(sql: str, _parameters: Any) -> bool:
    return "FROM user_merges" in sql


def test_a_batch_for_a_new_id_merged_while_the_batch_is_written_lands_on_the_user(
    engine: Engine,
) -> None:
    def arrive_and_log_in() -> MergeResult:
        engine.users.upsert("newcomer", {"device": "phone"})
        return engine.users.merge("known", "newcomer")

    # The batch read the aliases (none for "newcomer", not stored yet): then the id is
    # created and merged away before the batch creates it.
    with meanwhile(engine.db, _reads_aliases, arrive_and_log_in) as merged:
        _visit(engine, "newcomer", 3)

    assert isinstance(merged[0], MergeResult), merged
    assert _user_ids(engine) == {"known"} == _event_owners(engine)
    activity = engine.users.get("known").activity
    assert activity is not None and activity.events_total == 3


ITEMS = [f"item{n:02d}" for n in range(20)]


def _merge_or_customize(engine: Engine, round_: int, n: int) -> object:
    visitor = f"visitor{round_}"
    if n == 0:
        return engine.users.merge(f"known{round_}", visitor)
    if n % 3 == 0:
        return engine.orders.create(visitor, f"order {n}", [(ITEMS[n], 1)])
    if n % 3 == 1:
        return engine.lists.save(visitor, ITEMS[n])
    return engine.configurators.save_design(visitor, "coffee", f"design {n}", {"size": "M"})


def test_what_a_visitor_saves_while_it_merges_is_never_left_under_a_deleted_id(
    engine: Engine,
) -> None:
    install_examples(engine)
    assert not engine.items.upsert_many([{"id": i, "title": i} for i in ITEMS]).rejected
    for round_ in range(ROUNDS):
        engine.users.upsert(f"visitor{round_}", {})

        outcomes = at_once(len(ITEMS), partial(_merge_or_customize, engine, round_))

        assert not any(isinstance(o, TailoredError) for o in outcomes), outcomes
    users = _user_ids(engine)
    with engine.db.reading() as conn:
        for table in (tables.lists, tables.saved_orders, tables.designs, tables.events):
            owners = set(conn.execute(select(table.c.user_id).distinct()).scalars())
            assert owners <= users, (table.name, owners - users)
