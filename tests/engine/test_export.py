"""`engine.privacy.export`: everything stored about a person, found through the ownership
registry, as JSON or as a zip of CSV files, read a page at a time and written as read."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from tailored import Engine
from tailored.engine.privacy.exports import ABOUT, RECOMMENDATIONS, Exports
from tailored.errors import InvalidInput, MergedAway, NotFound
from tailored.storage import exporting

VISITOR, KNOWN = "visitor", "known"
CUP = {
    "id": "cup", "name": "A cup", "currency": "EUR", "base_price": 2,
    "groups": [{"id": "size", "label": "Size", "kind": "single", "required": True,
                "choices": [{"id": "S", "label": "Small"}, {"id": "M", "label": "Medium"}]}],
}  # fmt: skip
# Kinds an export of a person who was never merged away holds nothing of.
ONLY_WHEN_MERGED_AWAY = {"merged_into"}


def _customize(engine: Engine, user_id: str) -> None:
    """Something in each table that holds user data, through the engine's public API."""
    engine.users.upsert(user_id, {"city": f"{user_id}'s city"})
    engine.events.record({"user_id": user_id, "item_id": "mug", "type": "view"})
    engine.consents.set(user_id, {"analytics": True})
    engine.preferences.update(user_id, {"theme": "dark"}, changed_by="test")
    engine.lists.save(user_id, "mug")
    gifts = engine.lists.create(user_id, f"Gifts of {user_id}")
    engine.lists.save(user_id, "lamp", list_id=gifts.id)
    engine.orders.create(user_id, f"usual of {user_id}", [("mug", 2)])
    engine.subscriptions.subscribe(user_id, "tent", "back_in_stock")
    engine.configurators.save_design(user_id, "cup", "mine", {"size": "M"})


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    engine.items.upsert_many([
        {"id": "mug", "title": "Mug", "attributes": {"price": 8}},
        {"id": "lamp", "title": "Lamp"},
        {"id": "tent", "title": "Tent", "available": False},
    ])  # fmt: skip
    engine.configurators.define(CUP)
    _customize(engine, KNOWN)
    _customize(engine, VISITOR)
    engine.items.upsert({"id": "tent", "title": "Tent", "available": True})
    engine.reactions.run()  # the back-in-stock alerts fire: notifications
    engine.events.record({"user_id": "someone-else", "type": "view", "item_id": "lamp"})
    engine.users.merge(KNOWN, VISITOR)
    return engine


def _stored(engine: Engine, kind: exporting.Kind, user_id: str) -> int:
    with engine.db.reading() as conn:
        return sum(
            conn.execute(
                select(func.count()).select_from(entry.table).where(entry.rows_of(user_id))
            ).scalar_one()
            for entry in kind.entries
        )


def test_json_export_holds_every_kind_of_user_data(seeded: Engine) -> None:
    document = json.loads(b"".join(seeded.privacy.export(KNOWN).pieces))
    assert document["user_id"] == KNOWN
    data = document["data"]
    for kind in exporting.kinds():
        assert len(data[kind.name]) == _stored(seeded, kind, KNOWN), kind.name
        if kind.name not in ONLY_WHEN_MERGED_AWAY:
            assert data[kind.name], f"nothing exported as {kind.name}: seed it above"
    # The visitor merged in is the person's too: its events, lists and id.
    assert [row["anonymous_id"] for row in data["merged_ids"]] == [VISITOR]
    assert {row["user_id"] for row in data["events"]} == {KNOWN}  # moved from the visitor
    assert data["profile"][0]["traits"] == {"city": "known's city"}
    assert data["consent_history"][0]["purpose"] == "analytics"
    assert data["preference_history"][0]["field"] == "theme"
    assert {row["item_id"] for row in data["list_items"]} == {"mug", "lamp"}
    assert "someone-else" not in json.dumps(data)
    # What the person is shown now, with the reason for each item.
    shown = data[RECOMMENDATIONS]
    assert shown and all(row["reason"] and row["reason_kind"] for row in shown)
    assert [row["position"] for row in shown] == list(range(1, len(shown) + 1))


def test_zip_export_has_a_csv_per_kind_and_a_readme_describing_them(seeded: Engine) -> None:
    document = json.loads(b"".join(seeded.privacy.export(KNOWN).pieces))
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(seeded.privacy.export(KNOWN, format="zip").pieces))
    )
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[0] == "README.txt"
    assert sorted(names[1:]) == sorted(f"{kind}.csv" for kind in document["data"])
    readme = archive.read("README.txt").decode()
    for kind, rows in document["data"].items():
        with archive.open(f"{kind}.csv") as file:
            read = list(csv.DictReader(io.TextIOWrapper(file, encoding="utf-8")))
        assert len(read) == len(rows), kind
        assert f"{kind}.csv" in readme
        header = readme.split(f"{kind}.csv\n", 1)[1].split("\n\n", 1)[0]
        for column in read[0] if read else []:
            assert f"    {column}: " in header, (kind, column)
    profile = next(csv.DictReader(io.StringIO(archive.read("profile.csv").decode())))
    assert json.loads(profile["traits"]) == {"city": "known's city"}


def test_every_kind_is_described_for_the_readme() -> None:
    described = set(ABOUT)
    missing = [kind.name for kind in exporting.kinds() if kind.name not in described]
    assert not missing, (
        f"describe these kinds of data in engine/privacy/exports.py ABOUT: {missing}"
    )


def test_unknown_and_merged_away_ids(seeded: Engine) -> None:
    with pytest.raises(NotFound, match="user 'nobody' not found"):
        seeded.privacy.export("nobody")
    with pytest.raises(MergedAway) as raised:
        seeded.privacy.export(VISITOR)
    assert raised.value.user_id == KNOWN
    assert f"merged into {KNOWN!r}" in str(raised.value)
    with pytest.raises(InvalidInput) as bad:
        seeded.privacy.export(KNOWN, format="xml")  # type: ignore[arg-type]
    assert bad.value.field == "format"
    with pytest.raises(InvalidInput) as bad:
        seeded.privacy.export("")
    assert bad.value.field == "user_id"


def test_events_are_read_a_page_at_a_time_and_written_as_read(engine: Engine) -> None:
    """2,050 events, 250 of them at one instant (the page key must not skip or repeat
    them), exported with pages of 100 rows: 21 queries of at most 100 rows, and the
    first piece leaves before most of them are read."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = [
        {"user_id": "big", "item_id": f"i{n % 7}", "type": "view",
         "timestamp": start + timedelta(seconds=max(n - 250, 0))}
        for n in range(2050)
    ]  # fmt: skip
    for begin in range(0, len(rows), 500):
        batch = rows[begin : begin + 500]
        assert engine.events.record_many(batch).accepted == len(batch)
    exports = Exports(
        engine.db, now=lambda: start, recommend=engine.recommendations.for_user, page_rows=100
    )
    pages: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM events" in statement and "ORDER BY events.timestamp, events.seq" in statement:
            pages.append(1)

    event.listen(engine.db.engine, "before_cursor_execute", count)
    try:
        pieces: Iterator[bytes] = exports.export("big").pieces
        first = next(pieces)
        read_for_first = len(pages)
        rest = b"".join(pieces)
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", count)
    assert 0 < read_for_first < 21
    assert len(pages) == 21  # 20 full pages, then one of 50
    exported = json.loads(first + rest)["data"]["events"]
    assert sorted(row["seq"] for row in exported) == sorted({row["seq"] for row in exported})
    assert len(exported) == 2050
    stamps = [(row["timestamp"], row["seq"]) for row in exported]
    assert stamps == sorted(stamps)
