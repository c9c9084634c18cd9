"""`import_rows` against a real store, on every backend: every row is accounted for."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tailored import Engine
from tailored.errors import InvalidInput
from tailored.readers.files import Shaper, read_records
from tailored.readers.rows import ERROR_KEY
from tailored.workflows.imports import ImportReport, RowRejection, import_rows

Rows = list[tuple[int, Mapping[str, Any]]]


def _summary(report: ImportReport) -> tuple[int, int, int, list[tuple[int, str]]]:
    return (
        report.read,
        report.imported,
        report.duplicates,
        [(r.row, r.field) for r in report.rejected],
    )


# --- items ------------------------------------------------------------------------------


def test_items_good_rows_are_stored_and_bad_rows_rejected_with_their_row(engine: Engine) -> None:
    rows: Rows = [
        (2, {"id": "a", "title": "Mug", "categories": ["kitchen"], "attributes": {"p": 9.5}}),
        (3, {"title": "no id"}),
        (5, {"id": "b", "title": "Cup"}),
        (7, {"id": "c/d", "title": "slash in id"}),
        (8, {"id": "e", "available": "maybe"}),
        (11, {ERROR_KEY: "has 3 fields; the header has 2"}),
    ]
    report = import_rows(engine, "items", rows)
    assert report.kind == "items"
    assert _summary(report) == (6, 2, 0, [(3, "id"), (7, "id"), (8, "available"), (11, "row")])
    assert report.rejected[-1] == RowRejection(11, "row", "has 3 fields; the header has 2")
    assert engine.items.count() == 2
    stored = engine.items.get("a")
    assert (stored.title, stored.categories, stored.attributes) == ("Mug", ("kitchen",), {"p": 9.5})
    assert engine.items.get("b").title == "Cup"


def test_a_shaper_rejection_keeps_the_source_row_and_field(engine: Engine) -> None:
    rows: Rows = [
        (1, {"id": "a", "available": "yes", "price": "3"}),
        (2, {"id": "b", "available": "sometimes"}),
        (3, {"id": "c", "attributes": "{not json"}),
        (4, {"id": "d", "available": "0"}),
    ]
    report = import_rows(engine, "items", rows, shape=Shaper("items", infer=True))
    assert _summary(report) == (4, 2, 0, [(2, "available"), (3, "attributes")])
    assert "'sometimes'" in report.rejected[0].reason
    assert engine.items.get("a").attributes == {"price": 3}
    assert engine.items.get("d").available is False


def test_reimporting_items_replaces_them_without_adding_any(engine: Engine) -> None:
    rows: Rows = [(1, {"id": "a", "title": "Mug"}), (2, {"id": "b", "title": "Cup"})]
    import_rows(engine, "items", rows)
    again = import_rows(engine, "items", [(1, {"id": "a", "title": "Mug, v2"})])
    assert _summary(again) == (1, 1, 0, [])
    assert engine.items.count() == 2
    assert engine.items.get("a").title == "Mug, v2"


# --- users ------------------------------------------------------------------------------


def test_users_good_rows_are_stored_and_bad_rows_rejected(engine: Engine) -> None:
    rows: Rows = [
        (1, {"id": "u1", "traits": {"age": 34, "city": "Oslo"}}),
        (2, {"id": "u2", "traits": "gold"}),
        (3, {"traits": {"age": 1}}),
        (4, {"id": "u4"}),
        (5, {"id": "u5", "tier": "gold"}),  # unshaped: an unknown field
    ]
    report = import_rows(engine, "users", rows)
    assert _summary(report) == (5, 2, 0, [(2, "traits"), (3, "id"), (5, "tier")])
    assert engine.users.get("u1").traits == {"age": 34, "city": "Oslo"}
    assert engine.users.get("u4").traits == {}
    assert [u.id for u in engine.users.list().items] == ["u1", "u4"]


def test_user_rows_shaped_from_text_get_typed_traits(engine: Engine) -> None:
    rows: Rows = [(1, {"id": "0042", "age": "34", "vip": "yes", "zip": "0150"})]
    report = import_rows(engine, "users", rows, shape=Shaper("users", infer=True))
    assert _summary(report) == (1, 1, 0, [])
    assert engine.users.get("0042").traits == {"age": 34, "vip": True, "zip": "0150"}


# --- events -----------------------------------------------------------------------------


def _event(n: int, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": f"e{n}",
        "user_id": f"u{n % 3}",
        "item_id": f"i{n % 4}",
        "type": "view",
        "timestamp": 1_700_000_000 + n,
        **fields,
    }


def test_events_unknown_type_is_rejected_but_unknown_item_is_accepted(engine: Engine) -> None:
    rows: Rows = [
        (1, _event(1)),
        (2, _event(2, type="teleport")),
        (3, _event(3, item_id="never-heard-of-it")),
        (4, _event(4, user_id=None)),
        (6, _event(6, type="rate")),  # a rating needs a value
        (7, _event(7, type="rate", value=4.5)),
        (9, {ERROR_KEY: "is not valid JSON: Expecting value"}),
    ]
    report = import_rows(engine, "events", rows)
    assert _summary(report) == (7, 3, 0, [(2, "type"), (4, "user_id"), (6, "value"), (9, "row")])
    assert "teleport" in report.rejected[0].reason
    assert engine.events.count() == 3
    [event] = engine.events.query(item_id="never-heard-of-it").items
    assert (event.event_id, event.user_id, event.type) == ("e3", "u0", "view")
    [rating] = engine.events.query(types=["rate"]).items
    assert rating.value == 4.5
    assert rating.timestamp == datetime.fromtimestamp(1_700_000_007, UTC)


def test_a_registered_custom_type_is_accepted(engine: Engine) -> None:
    engine.event_types.register("wishlist_add", requires_item=True)
    report = import_rows(engine, "events", [(1, _event(1, type="wishlist_add"))])
    assert _summary(report) == (1, 1, 0, [])


def test_reimporting_events_counts_duplicates_and_stores_nothing_twice(engine: Engine) -> None:
    rows: Rows = [(n, _event(n)) for n in range(1, 8)] + [(8, _event(8, type="nope"))]
    first = import_rows(engine, "events", rows, batch_size=3)
    assert _summary(first) == (8, 7, 0, [(8, "type")])
    second = import_rows(engine, "events", rows, batch_size=3)
    assert _summary(second) == (8, 0, 7, [(8, "type")])
    assert engine.events.count() == 7
    # A file that overlaps the stored events adds only the new ones.
    overlap: Rows = [(n, _event(n)) for n in range(5, 11)]
    third = import_rows(engine, "events", overlap)
    assert _summary(third) == (6, 3, 3, [])
    assert engine.events.count() == 10


def test_the_same_event_id_twice_in_one_file_is_stored_once(engine: Engine) -> None:
    rows: Rows = [(1, _event(1)), (2, _event(2)), (3, _event(1, value=9.0))]
    report = import_rows(engine, "events", rows)
    assert _summary(report) == (3, 2, 1, [])
    assert engine.events.count() == 2


def test_events_read_and_shaped_from_a_csv_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "event_id,user_id,item_id,value,timestamp,session\n"
        "e1,7,0042,,881250949,s-1\n"
        "e2,7,0042,4.5,2024-01-02T03:04:05Z,s-1\n"
        "e3,8\n"
        "e4,,0042,,881250949,s-2\n"
        "e5,9,0043,1,881250950,\n",
        encoding="utf-8",
    )
    shape = Shaper("events", infer=True, default_type="purchase")
    report = import_rows(engine, "events", read_records(path), shape=shape)
    assert _summary(report) == (5, 3, 0, [(3, "row"), (4, "user_id")])
    [e1] = engine.events.query(
        user_id="7", since=datetime(1997, 1, 1, tzinfo=UTC), until=datetime(1998, 1, 1, tzinfo=UTC)
    ).items
    assert (e1.event_id, e1.item_id, e1.type, e1.value) == ("e1", "0042", "purchase", None)
    assert e1.timestamp == datetime(1997, 12, 4, 15, 55, 49, tzinfo=UTC)
    assert e1.context == {"session": "s-1"}
    e5 = engine.events.query(user_id="9").items[0]
    assert (e5.value, e5.context) == (1.0, {})


# --- batching and progress ----------------------------------------------------------------


def _mixed_events() -> Rows:
    """Ten rows: two rejected by the engine, one unreadable, one duplicate inside the file."""
    rows: Rows = [(n, _event(n)) for n in range(1, 11)]
    rows[2] = (3, _event(3, type="teleport"))
    rows[3] = (4, {ERROR_KEY: "has 1 fields; the header has 5"})
    rows[5] = (6, _event(2))  # e2 again, three rows after the first
    rows[8] = (9, _event(9, user_id=""))
    return rows


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 1000])
def test_batch_size_does_not_change_the_outcome(engine: Engine, batch_size: int) -> None:
    report = import_rows(engine, "events", _mixed_events(), batch_size=batch_size)
    assert _summary(report) == (10, 6, 1, [(3, "type"), (4, "row"), (9, "user_id")])
    assert engine.events.count() == 6
    stored = {e.event_id for e in engine.events.query(limit=100).items}
    assert stored == {"e1", "e2", "e5", "e7", "e8", "e10"}


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_progress_adds_up_to_the_rows_read(engine: Engine, batch_size: int) -> None:
    steps: list[int] = []
    report = import_rows(
        engine, "events", _mixed_events(), batch_size=batch_size, progress=steps.append
    )
    assert sum(steps) == report.read == 10
    assert all(step > 0 for step in steps)
    assert max(steps) <= batch_size


def test_an_empty_source_reports_nothing(engine: Engine) -> None:
    steps: list[int] = []
    report = import_rows(engine, "items", [], progress=steps.append)
    assert _summary(report) == (0, 0, 0, [])
    assert steps == []


@pytest.mark.parametrize("batch_size", [0, -1, 10_001])
def test_a_batch_size_out_of_range_is_refused(engine: Engine, batch_size: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_rows(engine, "items", [(1, {"id": "a"})], batch_size=batch_size)
    assert caught.value.field == "batch_size"
    assert engine.items.count() == 0


def test_an_unknown_kind_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_rows(engine, "orders", [(1, {"id": "a"})])  # type: ignore[arg-type]
    assert caught.value.field == "kind"


# --- Parquet with nulls ---------------------------------------------------------------------


def test_a_null_in_a_known_parquet_column_is_a_missing_value(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "items.parquet"
    table = pa.table(
        {
            "id": ["a", "b"],
            "title": ["Mug", "Cup"],
            "description": pa.array(["Big mug", None], type=pa.string()),
        }
    )
    pq.write_table(table, path)
    report = import_rows(engine, "items", read_records(path), shape=Shaper("items"))
    assert _summary(report) == (2, 2, 0, [])
    assert engine.items.get("b").description == ""
