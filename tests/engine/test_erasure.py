"""Erasure removes a person from every table that declares user data (the registry, so a
table declared later is checked too), with the ids merged into them, and the suppression
list keeps late writes from bringing them back; on every backend."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from tailored import Engine, Settings
from tailored.domain.erasure import SUPPRESSED_REASON
from tailored.domain.results import BatchResult
from tailored.engine.suppression import KEY_FILE, SuppressionList
from tailored.errors import ConfigurationError, Conflict, InvalidInput, NotFound
from tailored.storage import tables
from tailored.storage.ownership import Erase, Owned, registry
from tailored.testing.concurrency import meanwhile

PERSON, OTHER, VISITOR = "person", "other", "visitor"
CUP = {
    "id": "cup", "name": "A cup", "currency": "EUR", "base_price": 2,
    "groups": [{"id": "size", "label": "Size", "kind": "single", "required": True,
                "choices": [{"id": "S", "label": "Small"}, {"id": "M", "label": "Medium"}]}],
}  # fmt: skip
ERASED = [entry for entry in registry(tables.metadata) if entry.erase is not Erase.KEEP]


def _customize(engine: Engine, user_id: str) -> None:
    """Something in each table that holds user data, through the engine's public API."""
    engine.users.upsert(user_id, {"city": f"{user_id}'s city"})
    engine.events.record({"user_id": user_id, "item_id": "mug", "type": "view"})
    engine.consents.set(user_id, {"analytics": True})
    engine.preferences.update(user_id, {"theme": "dark"}, changed_by="test")
    gifts = engine.lists.create(user_id, f"Gifts of {user_id}")
    engine.lists.save(user_id, "lamp", list_id=gifts.id)
    engine.orders.create(user_id, "usual", [("mug", 2)])
    engine.subscriptions.subscribe(user_id, "tent", "back_in_stock")
    engine.configurators.save_design(user_id, "cup", "mine", {"size": "M"})


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    engine.items.upsert_many([
        {"id": "mug", "title": "Mug"},
        {"id": "lamp", "title": "Lamp"},
        {"id": "tent", "title": "Tent", "available": False},
    ])  # fmt: skip
    engine.configurators.define(CUP)
    _customize(engine, PERSON)
    _customize(engine, OTHER)
    engine.items.upsert({"id": "tent", "title": "Tent", "available": True})
    engine.reactions.run()  # notifications for both
    engine.events.record({"user_id": VISITOR, "type": "view", "item_id": "lamp"})
    engine.users.merge(PERSON, VISITOR)
    return engine


def _keys(engine: Engine, entry: Owned, user_id: str) -> set[tuple[Any, ...]]:
    query = select(*entry.table.primary_key.columns).where(entry.rows_of(user_id))
    with engine.db.reading() as conn:
        return {tuple(row) for row in conn.execute(query)}


@pytest.mark.parametrize("entry", ERASED, ids=lambda e: f"{e.table.name}.{e.column.name}")
def test_after_an_erasure_the_person_has_no_row_left_and_others_keep_theirs(
    seeded: Engine, entry: Owned
) -> None:
    others = _keys(seeded, entry, OTHER)
    theirs = _keys(seeded, entry, PERSON) | _keys(seeded, entry, VISITOR)  # an alias: by visitor
    assert theirs, f"seed {entry.table.name} in _customize (public API)"

    seeded.erasure.erase(PERSON)

    assert _keys(seeded, entry, PERSON) == set()
    assert _keys(seeded, entry, VISITOR) == set()
    assert _keys(seeded, entry, OTHER) == others


def _rows_per_table(engine: Engine) -> Counter[str]:
    with engine.db.reading() as conn:
        return Counter(
            {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in tables.metadata.sorted_tables
            }
        )


def test_the_report_counts_exactly_the_rows_that_went(seeded: Engine) -> None:
    before = _rows_per_table(seeded)

    report = seeded.erasure.erase(PERSON)

    gone = before - _rows_per_table(seeded)
    gone.pop("suppressions", None)
    assert dict(report.rows) == dict(gone)
    assert report.merged_ids == (VISITOR,)
    assert report.suppressed and not report.already_erased


def test_erasing_again_reports_nothing_left_and_an_unknown_id_is_not_found(
    seeded: Engine,
) -> None:
    seeded.erasure.erase(PERSON)

    again = seeded.erasure.erase(PERSON)

    assert again.already_erased and dict(again.rows) == {} and again.total == 0
    with pytest.raises(NotFound, match="user 'nobody' not found"):
        seeded.erasure.erase("nobody")


def test_a_merged_away_id_names_the_person_to_erase(seeded: Engine) -> None:
    with pytest.raises(Conflict, match=r"merged into 'person'.*erase 'person'"):
        seeded.erasure.erase(VISITOR)


def test_late_events_and_profile_writes_for_erased_ids_are_rejected_per_row(
    seeded: Engine,
) -> None:
    seeded.erasure.erase(PERSON)

    result = seeded.events.record_many([
        {"user_id": PERSON, "type": "view", "item_id": "mug"},
        {"user_id": OTHER, "type": "view", "item_id": "mug"},
        {"user_id": VISITOR, "type": "view", "item_id": "mug"},  # the alias went with them
    ])  # fmt: skip
    users = seeded.users.upsert_many([{"id": "new", "traits": {}}, {"id": PERSON}])

    assert result.accepted == 1
    assert [(r.index, r.field, r.reason) for r in result.rejected] == [
        (0, "user_id", SUPPRESSED_REASON),
        (2, "user_id", SUPPRESSED_REASON),
    ]
    assert (users.accepted, [(r.index, r.field) for r in users.rejected]) == (1, [(1, "id")])
    for write in (
        lambda: seeded.users.upsert(PERSON, {"city": "back"}),
        lambda: seeded.consents.set(PERSON, {"analytics": True}),
        lambda: seeded.preferences.update(PERSON, {"theme": "dark"}, changed_by="test"),
        lambda: seeded.lists.create(PERSON, "Back"),
        lambda: seeded.lists.save(PERSON, "mug"),
        lambda: seeded.orders.create(PERSON, "usual", [("mug", 1)]),
        lambda: seeded.subscriptions.subscribe(PERSON, "mug", "price_below", threshold=1),
        lambda: seeded.configurators.save_design(PERSON, "cup", "mine", {"size": "M"}),
        lambda: seeded.users.merge(PERSON, "another-device"),
    ):
        with pytest.raises(InvalidInput, match="user_id: was erased"):
            write()
    with pytest.raises(NotFound):
        seeded.users.get(PERSON)


def test_allow_return_lifts_the_suppression(seeded: Engine) -> None:
    seeded.erasure.erase(PERSON)

    lifted = seeded.erasure.erase(PERSON, allow_return=True)

    assert lifted.already_erased and not lifted.suppressed
    assert seeded.events.record({"user_id": PERSON, "type": "view", "item_id": "mug"}).accepted
    assert seeded.erasure.erase(OTHER, allow_return=True).suppressed is False
    assert seeded.users.upsert(OTHER, {"city": "back"}).traits == {"city": "back"}
    assert seeded.erasure.count() == 1  # the visitor's id only (erased with PERSON)


def test_active_models_that_learned_from_the_person_are_refit_without_them(
    seeded: Engine,
) -> None:
    seeded.events.record({"user_id": "third", "type": "view", "item_id": "lamp"})
    seeded.jobs.submit("popular", tune=False)
    [trained] = seeded.jobs.run_pending()
    assert trained.version is not None

    report = seeded.erasure.erase(PERSON)

    [refit] = report.models
    learned = (trained.version.id, "popular", report.rows["events"])
    assert (refit.version_id, refit.model, refit.events) == learned
    job = seeded.jobs.get(refit.job_id)
    assert (job.origin, job.status, job.params) == ("erasure", "queued", trained.version.params)
    # A second erasure before it runs is served by the same refit.
    assert seeded.erasure.erase(OTHER).models[0].job_id == refit.job_id
    [done] = seeded.jobs.run_pending()
    assert done.status == "succeeded" and done.version is not None
    assert (done.version.active, done.version.users) == (True, 1)  # the third user alone


def test_their_own_history_no_longer_personalizes_what_they_are_shown(seeded: Engine) -> None:
    served = Engine(seeded.db, seeded.settings.model_copy(update={"recommend_model": "item_knn"}))
    seeded.events.record_many([
        {"user_id": u, "type": "view", "item_id": i}
        for u in ("a", "b", "c") for i in ("mug", "lamp", "tent")
    ])  # fmt: skip
    served.jobs.submit("item_knn", tune=False)
    served.jobs.run_pending()
    assert served.recommendations.for_user(PERSON).personalized  # and cached for them

    served.erasure.erase(PERSON)

    assert not served.recommendations.for_user(PERSON).personalized


def test_the_key_file_is_made_once_private_and_a_damaged_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "models" / KEY_FILE
    first = SuppressionList(None, key_file=path).hashes(["u1"], create=True)

    assert path.stat().st_mode & 0o777 == 0o600
    assert SuppressionList(None, key_file=path).hashes(["u1"]) == first
    assert SuppressionList("k" * 32, key_file=path).hashes(["u1"]) != first  # the setting wins
    path.write_text("short")
    with pytest.raises(ConfigurationError, match="suppression key file"):
        SuppressionList(None, key_file=path).hashes(["u1"])


def test_an_event_batch_racing_the_erasure_leaves_nothing_of_the_person(engine: Engine) -> None:
    engine.events.record_many([
        {"user_id": PERSON, "type": "view", "item_id": "mug"},
        {"user_id": VISITOR, "type": "view", "item_id": "lamp"},
    ])  # fmt: skip
    engine.users.merge(PERSON, VISITOR)
    late = [
        {"user_id": PERSON, "type": "view", "item_id": "tent"},
        {"user_id": VISITOR, "type": "view", "item_id": "tent"},
        {"user_id": OTHER, "type": "view", "item_id": "tent"},
    ]

    def deleting_events(sql: str, _parameters: object) -> bool:
        return sql.lstrip().startswith("DELETE FROM events")

    with meanwhile(engine.db, deleting_events, lambda: engine.events.record_many(late)) as seen:
        engine.erasure.erase(PERSON)

    [result] = seen
    assert isinstance(result, BatchResult)
    assert (result.accepted, [r.index for r in result.rejected]) == (1, [0, 1])
    with engine.db.reading() as conn:
        owners = set(conn.execute(select(tables.events.c.user_id)).scalars())
        users = set(conn.execute(select(tables.users.c.id)).scalars())
    assert (owners, users) == ({OTHER}, {OTHER})


def test_a_suppression_key_shorter_than_32_characters_is_refused() -> None:
    with pytest.raises(ValidationError, match="suppression_key"):
        Settings(suppression_key="too-short")
    assert Settings(suppression_key="k" * 32).suppression_key is not None
