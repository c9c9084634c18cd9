"""Reading import files and shaping their records: no database involved.

Every file is written here, in `tmp_path`, so each test shows the exact bytes it reads.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tailored.engine.imports import ERROR_KEY
from tailored.engine.imports.files import (
    Shaper,
    count_rows,
    detect_format,
    infer_scalar,
    parse_mapping,
    read_records,
)
from tailored.engine.inputs import EventIn
from tailored.errors import InvalidInput


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def _records(path: Path, **options: Any) -> list[tuple[int, dict[str, Any]]]:
    return list(read_records(path, **options))


# --- CSV and TSV ------------------------------------------------------------------------


def test_csv_rows_are_keyed_by_the_header_and_numbered_from_one(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", "id,title,price\na,Mug,9.5\nb,Cup,\n")
    assert _records(path) == [
        (1, {"id": "a", "title": "Mug", "price": "9.5"}),
        (2, {"id": "b", "title": "Cup", "price": ""}),
    ]


def test_csv_header_names_are_stripped(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", " id , title\na,Mug\n")
    assert _records(path) == [(1, {"id": "a", "title": "Mug"})]


def test_quoted_csv_fields_keep_commas_quotes_and_newlines(tmp_path: Path) -> None:
    text = 'id,title\n1,"Socks, wool"\n2,"Line one\nline two"\n3,"say ""hi"""\n'
    path = _write(tmp_path / "items.csv", text)
    assert _records(path) == [
        (1, {"id": "1", "title": "Socks, wool"}),
        (2, {"id": "2", "title": "Line one\nline two"}),
        (3, {"id": "3", "title": 'say "hi"'}),
    ]


def test_a_byte_order_mark_does_not_become_part_of_the_first_column(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(b"\xef\xbb\xbfid,title\r\na,Mug\r\n")
    assert _records(path) == [(1, {"id": "a", "title": "Mug"})]


def test_a_row_with_the_wrong_number_of_fields_becomes_an_error_record(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", "id,title\na,Mug\nb,Cup,extra\nc\nd,Bowl\n")
    records = _records(path)
    assert [number for number, _ in records] == [1, 2, 3, 4]
    assert records[0] == (1, {"id": "a", "title": "Mug"})
    assert records[1] == (2, {ERROR_KEY: "has 3 fields; the header has 2"})
    assert records[2] == (3, {ERROR_KEY: "has 1 fields; the header has 2"})
    assert records[3] == (4, {"id": "d", "title": "Bowl"})


def test_blank_lines_are_skipped_but_still_counted(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", "id,title\na,Mug\n\nb,Cup\n\n")
    # Row numbers stay those of the file (header not counted), so a report points at
    # the right line even after a blank one.
    assert _records(path) == [(1, {"id": "a", "title": "Mug"}), (3, {"id": "b", "title": "Cup"})]


def test_an_empty_csv_file_has_no_rows(tmp_path: Path) -> None:
    assert _records(_write(tmp_path / "items.csv", "")) == []
    assert _records(_write(tmp_path / "header.csv", "id,title\n")) == []


@pytest.mark.parametrize("header", ["id,title,id", "id,,title"])
def test_a_header_with_repeated_or_empty_names_is_refused(tmp_path: Path, header: str) -> None:
    path = _write(tmp_path / "items.csv", f"{header}\n1,2,3\n")
    with pytest.raises(InvalidInput) as caught:
        _records(path)
    assert caught.value.field == "header"


def test_a_custom_delimiter_is_used(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", "id;title\na;Mug, large\n")
    assert _records(path, delimiter=";") == [(1, {"id": "a", "title": "Mug, large"})]


def test_a_delimiter_of_more_than_one_character_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", "id\na\n")
    with pytest.raises(InvalidInput) as caught:
        read_records(path, delimiter=";;")
    assert caught.value.field == "delimiter"


@pytest.mark.parametrize("name", ["items.tsv", "items.tab"])
def test_tsv_splits_on_tabs_only(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, "id\ttitle\na\tMug, large\n")
    assert _records(path) == [(1, {"id": "a", "title": "Mug, large"})]


def test_a_format_given_overrides_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "export.txt", "id\ttitle\na\tMug\n")
    assert _records(path, format="tsv") == [(1, {"id": "a", "title": "Mug"})]


def test_an_unknown_format_given_is_refused_naming_format(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.csv", "id\na\n")
    with pytest.raises(InvalidInput) as caught:
        read_records(path, format="xml")  # type: ignore[arg-type]
    assert caught.value.field == "format"
    assert "csv" in caught.value.problem


def test_a_missing_file_is_refused_naming_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_records(tmp_path / "nope.csv")
    assert caught.value.field == "file"
    with pytest.raises(InvalidInput):
        read_records(tmp_path)  # a directory is not a file


# --- gzip -------------------------------------------------------------------------------


def test_gzipped_csv_is_read_through(tmp_path: Path) -> None:
    path = tmp_path / "items.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as file:
        file.write('\ufeffid,title\na,"Mug, blue"\nb,Café\n')
    assert _records(path) == [
        (1, {"id": "a", "title": "Mug, blue"}),
        (2, {"id": "b", "title": "Café"}),
    ]


def test_gzipped_json_lines_are_read_through(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write('{"user_id": "u1", "type": "view"}\n{"user_id": "u2", "value": 2.5}\n')
    assert _records(path) == [
        (1, {"user_id": "u1", "type": "view"}),
        (2, {"user_id": "u2", "value": 2.5}),
    ]


# --- JSON -------------------------------------------------------------------------------


def test_json_lines_keep_line_numbers_and_mark_unreadable_lines(tmp_path: Path) -> None:
    text = '{"id": "a", "price": 9.5}\n{"id": "b",\n\n[1, 2]\n"text"\n{"id": "c"}\n'
    records = _records(_write(tmp_path / "items.jsonl", text))
    assert [number for number, _ in records] == [1, 2, 4, 5, 6]
    assert records[0] == (1, {"id": "a", "price": 9.5})
    assert records[1][1][ERROR_KEY].startswith("is not valid JSON")
    assert records[2] == (4, {ERROR_KEY: "must be a JSON object, not list"})
    assert records[3] == (5, {ERROR_KEY: "must be a JSON object, not str"})
    assert records[4] == (6, {"id": "c"})


def test_ndjson_with_windows_line_endings(tmp_path: Path) -> None:
    path = _write(tmp_path / "users.ndjson", '{"id": "u1"}\r\n{"id": "u2"}\r\n')
    assert _records(path) == [(1, {"id": "u1"}), (2, {"id": "u2"})]


def test_a_json_array_gives_one_record_per_element(tmp_path: Path) -> None:
    document = [{"id": "a", "categories": ["x", "y"]}, 7, {"id": "b", "available": False}]
    records = _records(_write(tmp_path / "items.json", json.dumps(document)))
    assert records == [
        (1, {"id": "a", "categories": ["x", "y"]}),
        (2, {ERROR_KEY: "must be a JSON object, not int"}),
        (3, {"id": "b", "available": False}),
    ]


@pytest.mark.parametrize("text", ['{"id": "a"}', '[{"id": "a"},'])
def test_a_json_file_that_is_not_an_array_is_refused_naming_file(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path / "items.json", text)
    with pytest.raises(InvalidInput) as caught:
        _records(path)
    assert caught.value.field == "file"


# --- Parquet ----------------------------------------------------------------------------


def _parquet_items(path: Path) -> Path:
    table = pa.table(
        {
            "id": pa.array(["a", "b"]),
            "title": pa.array(["Mug", "Cup"]),
            "categories": pa.array([["kitchen", "mugs"], []], type=pa.list_(pa.string())),
            "stock": pa.array([3, 0], type=pa.int64()),
            "added": pa.array(
                [datetime(2024, 5, 1, 12, 30), datetime(2024, 6, 2, 8, 0)], type=pa.timestamp("us")
            ),
            "price": pa.array([Decimal("19.90"), Decimal("5.00")], type=pa.decimal128(10, 2)),
            "launch": pa.array([date(2024, 5, 1), None], type=pa.date32()),
        }
    )
    pq.write_table(table, path)
    return path


def test_parquet_rows_come_with_their_typed_values(tmp_path: Path) -> None:
    records = _records(_parquet_items(tmp_path / "items.parquet"))
    assert [number for number, _ in records] == [1, 2]
    first = records[0][1]
    assert first["categories"] == ["kitchen", "mugs"]
    assert first["stock"] == 3
    assert first["price"] == Decimal("19.90")
    assert first["launch"] == date(2024, 5, 1)


def test_parquet_records_shape_into_json_values(tmp_path: Path) -> None:
    shape = Shaper("items")
    shaped = [shape(record) for _, record in read_records(_parquet_items(tmp_path / "a.pq"))]
    assert shaped[0] == {
        "id": "a",
        "title": "Mug",
        "categories": ["kitchen", "mugs"],
        "attributes": {
            "stock": 3,
            "added": "2024-05-01T12:30:00",
            "price": 19.9,
            "launch": "2024-05-01",
        },
    }
    # A null cell is a missing value, not a null attribute.
    assert "launch" not in shaped[1]["attributes"]
    assert shaped[1]["categories"] == []
    # Everything that leaves the shaper can be stored as JSON.
    assert json.loads(json.dumps(shaped)) == shaped


def test_a_timezone_aware_parquet_timestamp_keeps_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "users.parquet"
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    pq.write_table(
        pa.table({"id": ["u1"], "since": pa.array([moment], type=pa.timestamp("ms", tz="UTC"))}),
        path,
    )
    [(_, record)] = _records(path)
    assert Shaper("users")(record) == {"id": "u1", "traits": {"since": "2024-05-01T12:30:00+00:00"}}


# --- detect_format and count_rows --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("items.csv", "csv"),
        ("ITEMS.CSV", "csv"),
        ("items.csv.gz", "csv"),
        ("items.tsv", "tsv"),
        ("items.tab", "tsv"),
        ("events.jsonl", "jsonl"),
        ("events.ndjson.gz", "jsonl"),
        ("events.JSONL.GZ", "jsonl"),
        ("items.json", "json"),
        ("items.parquet", "parquet"),
        ("items.pq", "parquet"),
        ("export.2024.csv", "csv"),
    ],
)
def test_detect_format_reads_the_file_name(name: str, expected: str) -> None:
    assert detect_format(Path(name)) == expected


@pytest.mark.parametrize("name", ["items.xml", "items", "items.gz", "items.csv.zip"])
def test_detect_format_errors_name_the_field_format(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        detect_format(Path(name))
    assert caught.value.field == "format"
    assert name in caught.value.problem
    assert ".csv" in caught.value.problem  # says what would be understood


def test_count_rows_counts_data_rows_without_the_header(tmp_path: Path) -> None:
    assert count_rows(_write(tmp_path / "a.csv", "id,title\na,Mug\nb,Cup\nc,Bowl\n")) == 3
    assert count_rows(_write(tmp_path / "a.tsv", "id\ta\n1\t2\n")) == 1
    assert count_rows(_write(tmp_path / "a.jsonl", '{"id": 1}\n{"id": 2}\n')) == 2
    assert count_rows(_write(tmp_path / "header.csv", "id,title\n")) == 0
    assert count_rows(_write(tmp_path / "empty.csv", "")) == 0
    assert count_rows(_write(tmp_path / "x.txt", '{"id": 1}\n'), format="jsonl") == 1
    assert count_rows(_parquet_items(tmp_path / "a.parquet")) == 2


def test_count_rows_is_unknown_where_it_is_not_cheap(tmp_path: Path) -> None:
    assert count_rows(_write(tmp_path / "a.json", '[{"id": 1}, {"id": 2}]')) is None
    path = tmp_path / "a.csv.gz"
    with gzip.open(path, "wt") as file:
        file.write("id\n1\n2\n")
    assert count_rows(path) is None


def test_count_rows_counts_a_last_row_without_a_newline(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "id,title\na,Mug\nb,Cup")
    assert count_rows(path) == len(_records(path)) == 2


# --- parse_mapping ----------------------------------------------------------------------


def test_parse_mapping_maps_our_fields_to_their_columns() -> None:
    pairs = ["id=sku", " title = product name ", "categories=tags"]
    assert parse_mapping(pairs, kind="items") == {
        "id": "sku",
        "title": "product name",
        "categories": "tags",
    }
    assert parse_mapping(["id=customer", "traits=profile"], kind="users") == {
        "id": "customer",
        "traits": "profile",
    }
    assert parse_mapping([], kind="events") == {}


@pytest.mark.parametrize("pair", ["id", "id=", "=sku", "id:sku", " = "])
def test_parse_mapping_refuses_a_pair_without_field_and_column(pair: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mapping([pair], kind="items")
    assert caught.value.field == "map"
    assert "field=column" in caught.value.problem


@pytest.mark.parametrize(
    ("pair", "kind"), [("sku=id", "items"), ("traits=x", "events"), ("title=name", "users")]
)
def test_parse_mapping_refuses_a_field_the_kind_does_not_have(pair: str, kind: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mapping([pair], kind=kind)
    assert caught.value.field == "map"
    assert repr(pair.partition("=")[0]) in caught.value.problem
    assert "fields:" in caught.value.problem  # lists the fields that do exist


def test_parse_mapping_refuses_a_field_mapped_twice() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mapping(["id=sku", "id=code"], kind="items")
    assert caught.value.field == "map"
    assert "twice" in caught.value.problem


# --- infer_scalar -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("-3", -3),
        (" 12 ", 12),
        ("-0.5", -0.5),
        ("3.25", 3.25),
        ("1e3", 1000.0),
        ("2.5E-1", 0.25),
        ("true", True),
        ("Yes", True),
        ("FALSE", False),
        ("no", False),
    ],
)
def test_infer_scalar_reads_numbers_and_booleans(text: str, expected: Any) -> None:
    value = infer_scalar(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text",
    ["0042", "007.5", "00", "+5", "1.", ".5", "1,000", "12abc", "NaN", "inf", "y", "", "abc"],
)
def test_infer_scalar_keeps_anything_else_as_the_text_it_was(text: str) -> None:
    assert infer_scalar(text) == text


# --- Shaper: items ----------------------------------------------------------------------


def test_item_columns_without_a_field_become_typed_attributes() -> None:
    shape = Shaper("items", infer=True)
    record = {
        "id": "0042",
        "title": "1984",
        "description": "A novel",
        "brand": "Acme",
        "price": "19.90",
        "stock": "3",
        "ean": "0012345",
        "on_sale": "yes",
    }
    assert shape(record) == {
        "id": "0042",  # ids are never inferred
        "title": "1984",  # nor are the text fields
        "description": "A novel",
        "attributes": {
            "brand": "Acme",
            "price": 19.9,
            "stock": 3,
            "ean": "0012345",  # leading zeros: text
            "on_sale": True,
        },
    }


def test_item_ids_stay_text_even_when_they_look_like_numbers() -> None:
    assert Shaper("items", infer=True)({"id": "42"}) == {"id": "42"}
    assert Shaper("items", infer=True, mapping={"id": "sku"})({"sku": "7"}) == {"id": "7"}


@pytest.mark.parametrize(
    ("cell", "separator", "expected"),
    [
        ("men|tops", "|", ["men", "tops"]),
        (" men | tops ||", "|", ["men", "tops"]),
        ("men;tops;sale", ";", ["men", "tops", "sale"]),
        ("men|tops", ";", ["men|tops"]),
        ("single", "|", ["single"]),
    ],
)
def test_categories_are_split_on_the_list_separator(
    cell: str, separator: str, expected: list[str]
) -> None:
    shape = Shaper("items", infer=True, list_separator=separator)
    assert shape({"id": "a", "categories": cell})["categories"] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("true", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("NO", False),
        ("0", False),
    ],
)
def test_available_is_parsed_as_a_boolean(cell: str, expected: bool) -> None:
    assert Shaper("items", infer=True)({"id": "a", "available": cell})["available"] is expected


@pytest.mark.parametrize("cell", ["maybe", "2", "-1", "in stock"])
def test_an_unreadable_available_raises_naming_the_field(cell: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Shaper("items", infer=True)({"id": "a", "available": cell})
    assert caught.value.field == "available"
    assert repr(cell) in caught.value.problem


def test_a_json_attributes_column_is_decoded_and_wins_over_loose_columns() -> None:
    shape = Shaper("items", infer=True)
    record = {"id": "a", "attributes": '{"brand": "Acme", "size": "M"}', "brand": "Zed", "w": "2"}
    assert shape(record) == {"id": "a", "attributes": {"brand": "Acme", "size": "M", "w": 2}}


@pytest.mark.parametrize("cell", ["{brand: Acme}", "[1, 2]", '"text"'])
def test_an_unreadable_attributes_column_raises_naming_the_field(cell: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Shaper("items", infer=True)({"id": "a", "attributes": cell})
    assert caught.value.field == "attributes"


def test_empty_cells_are_missing_values() -> None:
    shape = Shaper("items", infer=True)
    record = {"id": "a", "title": "", "categories": "  ", "available": "", "brand": ""}
    assert shape(record) == {"id": "a"}


def test_a_mapping_renames_their_columns_to_our_fields() -> None:
    shape = Shaper(
        "items", mapping={"id": "sku", "title": "name", "categories": "tags"}, infer=True
    )
    record = {"sku": "A-1", "name": "Mug", "tags": "kitchen|mugs", "colour": "red"}
    assert shape(record) == {
        "id": "A-1",
        "title": "Mug",
        "categories": ["kitchen", "mugs"],
        "attributes": {"colour": "red"},
    }


def test_a_mapped_field_is_read_from_the_mapped_column_whatever_the_column_order() -> None:
    shape = Shaper("items", mapping={"id": "sku"}, infer=True)
    assert shape({"id": "internal-7", "sku": "A-1"})["id"] == "A-1"
    assert shape({"sku": "A-1", "id": "internal-7"})["id"] == "A-1"


def test_json_records_are_not_inferred() -> None:
    shape = Shaper("items")  # infer=False: the source has types of its own
    record = {
        "id": "a",
        "categories": ["x", "y"],
        "available": False,
        "code": "0042",
        "count": "12",
        "sizes": ["S", "M"],
        "dims": {"w": 2},
        "note": "",
        "gone": None,
    }
    assert shape(record) == {
        "id": "a",
        "categories": ["x", "y"],
        "available": False,
        "attributes": {
            "code": "0042",
            "count": "12",
            "sizes": ["S", "M"],
            "dims": {"w": 2},
            "note": "",
        },
    }


# --- Shaper: users and events -----------------------------------------------------------


def test_user_columns_become_traits() -> None:
    shape = Shaper("users", infer=True)
    record = {"id": "007", "age": "34", "city": "Oslo", "vip": "true", "zip": "0150", "x": ""}
    assert shape(record) == {
        "id": "007",
        "traits": {"age": 34, "city": "Oslo", "vip": True, "zip": "0150"},
    }


def test_a_json_traits_column_is_decoded_and_merged() -> None:
    shape = Shaper("users", infer=True, mapping={"id": "customer"})
    record = {"customer": "u1", "traits": '{"tier": "gold"}', "age": "40"}
    assert shape(record) == {"id": "u1", "traits": {"tier": "gold", "age": 40}}


def test_event_columns_become_context_and_the_default_type_fills_in() -> None:
    shape = Shaper("events", infer=True, default_type="purchase")
    record = {
        "event_id": "100",
        "user_id": "7",
        "item_id": "0042",
        "value": "2",
        "timestamp": "881250949",
        "session": "abc",
        "page": "3",
        "coupon": "",
    }
    shaped = shape(record)
    assert shaped == {
        "event_id": "100",
        "user_id": "7",
        "item_id": "0042",
        "value": "2",
        "timestamp": "881250949",
        "type": "purchase",
        "context": {"session": "abc", "page": 3},
    }
    event = EventIn.model_validate(shaped)
    assert (event.value, event.timestamp) == (2.0, datetime(1997, 12, 4, 15, 55, 49, tzinfo=UTC))


def test_the_default_type_does_not_replace_a_type_given() -> None:
    shape = Shaper("events", infer=True, default_type="purchase")
    assert shape({"user_id": "u1", "type": "view"})["type"] == "view"
    assert shape({"user_id": "u1", "type": ""})["type"] == "purchase"  # empty cell: missing
    assert "type" not in Shaper("events", infer=True)({"user_id": "u1"})


def test_empty_event_cells_are_missing_not_empty_text() -> None:
    shape = Shaper("events", infer=True)
    shaped = shape({"user_id": "u1", "type": "search", "item_id": "", "value": " ", "q": ""})
    assert shaped == {"user_id": "u1", "type": "search"}
    assert EventIn.model_validate(shaped).item_id is None


def test_event_mapping_and_json_context_column() -> None:
    shape = Shaper("events", infer=True, mapping={"user_id": "customer", "item_id": "sku"})
    record = {"customer": "c-9", "sku": "000123", "type": "view", "context": '{"page": "home"}'}
    assert shape(record) == {
        "user_id": "c-9",
        "item_id": "000123",
        "type": "view",
        "context": {"page": "home"},
    }
