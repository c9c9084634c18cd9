"""Reading import files and shaping their records, and (last section) what a store keeps
of a file that is partly or wholly unreadable, on every backend.

Every file is written here, in `tmp_path`, so each test shows the exact bytes it reads.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tailored import Engine
from tailored.engine.inputs import EventIn
from tailored.errors import InvalidInput
from tailored.readers.delimited import MAX_FIELD, Unreadable, split_rows
from tailored.readers.files import (
    Shaper,
    detect_format,
    infer_scalar,
    parse_mapping,
    read_records,
)
from tailored.readers.rows import ERROR_KEY
from tailored.workflows.imports import import_rows


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


def _expected(path: Path, **options: Any) -> int | None:
    return read_records(path, **options).expected


def test_the_rows_to_expect_are_the_data_rows_without_the_header(tmp_path: Path) -> None:
    assert _expected(_write(tmp_path / "a.csv", "id,title\na,Mug\nb,Cup\nc,Bowl\n")) == 3
    assert _expected(_write(tmp_path / "a.tsv", "id\ta\n1\t2\n")) == 1
    assert _expected(_write(tmp_path / "a.jsonl", '{"id": 1}\n{"id": 2}\n')) == 2
    assert _expected(_write(tmp_path / "header.csv", "id,title\n")) == 0
    assert _expected(_write(tmp_path / "empty.csv", "")) == 0
    assert _expected(_write(tmp_path / "x.txt", '{"id": 1}\n'), format="jsonl") == 1
    assert _expected(_parquet_items(tmp_path / "a.parquet")) == 2


def test_the_rows_to_expect_are_counted_in_gzipped_files_and_unknown_in_json_arrays(
    tmp_path: Path,
) -> None:
    assert _expected(_write(tmp_path / "a.json", '[{"id": 1}, {"id": 2}]')) is None
    path = tmp_path / "a.csv.gz"
    with gzip.open(path, "wt") as file:
        file.write("id\n1\n2\n")
    assert _expected(path) == 2


def test_the_rows_to_expect_count_a_last_row_without_a_newline(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "id,title\na,Mug\nb,Cup")
    assert _expected(path) == len(_records(path)) == 2


def test_utf16_lines_are_counted_as_text_not_as_bytes(tmp_path: Path) -> None:
    # U+010A and U+0A0A hold the byte 0x0a, a newline if counted in bytes.
    path = tmp_path / "items.csv"
    path.write_bytes("id,title\na,\u010a\u0a0a\n".encode("utf-16"))
    assert _expected(path) == 1
    assert _records(path) == [(1, {"id": "a", "title": "\u010a\u0a0a"})]


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
    [
        *["0042", "007.5", "00", "+5", "1.", ".5", "1,000", "12abc", "NaN", "inf", "y", "", "abc"],
        *["1e309", "-2.5e400"],  # beyond a float: infinity would be stored as null
    ],
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


# --- encodings ------------------------------------------------------------------------------

CAFE = "id,title\na,Mug\nb,Café €\n"
CAFE_RECORDS = [(1, {"id": "a", "title": "Mug"}), (2, {"id": "b", "title": "Café €"})]


@pytest.mark.parametrize(
    ("mark", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_byte_order_mark_says_the_encoding(tmp_path: Path, mark: bytes, encoding: str) -> None:
    csv_path = tmp_path / "items.csv"
    csv_path.write_bytes(mark + CAFE.encode(encoding))
    assert _records(csv_path) == CAFE_RECORDS
    lines = tmp_path / "users.jsonl"
    lines.write_bytes(mark + '{"id": "u1", "city": "Zürich"}\n{"id": "u2"}\n'.encode(encoding))
    assert _records(lines) == [(1, {"id": "u1", "city": "Zürich"}), (2, {"id": "u2"})]


def test_a_gzipped_utf16_file_is_read_through(tmp_path: Path) -> None:
    path = tmp_path / "items.csv.gz"
    path.write_bytes(gzip.compress(CAFE.encode("utf-16")))
    assert _records(path) == CAFE_RECORDS


@pytest.mark.parametrize(
    ("encoding", "name", "title"),
    [("latin-1", "latin-1", "Café ±"), ("cp1252", "Windows-1252", "Café €")],
)
def test_an_encoding_given_is_the_one_read(
    tmp_path: Path, encoding: str, name: str, title: str
) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(f"id,title\na,Mug\nb,{title}\n".encode(encoding))
    assert _records(path, encoding=name) == [CAFE_RECORDS[0], (2, {"id": "b", "title": title})]


def test_an_encoding_named_with_its_byte_order_drops_the_mark(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + CAFE.encode("utf-16-le"))
    assert _records(path, encoding="utf-16-le") == CAFE_RECORDS
    assert _records(path, encoding="UTF-16") == CAFE_RECORDS


@pytest.mark.parametrize("name", ["utf9", "base64", "rot13", ""])
def test_an_unknown_or_non_text_encoding_is_refused_naming_encoding(
    tmp_path: Path, name: str
) -> None:
    path = _write(tmp_path / "items.csv", "id\na\n")
    with pytest.raises(InvalidInput) as caught:
        read_records(path, encoding=name)
    assert caught.value.field == "encoding"
    assert "utf-8" in caught.value.problem  # says what would do


def _thirty_thousand(path: Path, bad: bytes = b"Caf\xe9") -> Path:
    """30,010 items; data row 29,001 (line 29,002) holds `bad`."""
    lines = [b"id,title\n"] + [f"i{n},Item {n}\n".encode() for n in range(1, 30_011)]
    lines[29_001] = b"i29001," + bad + b"\n"
    path.write_bytes(b"".join(lines))
    return path


@pytest.mark.parametrize("name", ["items.csv", "items.csv.gz", "items.jsonl", "items.json"])
def test_a_byte_not_valid_in_the_encoding_refuses_the_file_before_any_row(
    tmp_path: Path, name: str
) -> None:
    rows = [json.dumps({"id": f"i{n}"}).encode() for n in range(1, 30_011)]
    rows[29_000] = b'{"id": "i29001", "title": "Caf\xe9"}'
    if name.endswith("jsonl"):
        data = b"\n".join(rows) + b"\n"
        line = 29_001
    elif name.endswith("json"):
        data = b"[\n" + b",\n".join(rows) + b"\n]\n"
        line = 29_002
    else:
        data = _thirty_thousand(tmp_path / "plain.csv").read_bytes()
        line = 29_002
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(InvalidInput) as caught:
        read_records(path)  # refused here, before a row is handed on
    assert caught.value.field == "file"
    problem = caught.value.problem
    assert f"line {line:,} " in problem
    assert "0xe9 is not valid UTF-8" in problem
    assert "--encoding" in problem
    # The byte offset is exact (counted in the decompressed text for .gz).
    offset = data.index(b"\xe9")
    assert f"(byte {offset:,})" in problem


def test_a_file_that_ends_inside_a_character_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(b"id,title\na,Caf\xc3")
    with pytest.raises(InvalidInput) as caught:
        read_records(path)
    assert (caught.value.field, "middle of a UTF-8 character" in caught.value.problem) == (
        "file",
        True,
    )


def test_utf16_without_a_mark_is_refused_with_a_hint_instead_of_read_as_nul_text(
    tmp_path: Path,
) -> None:
    # Every other byte of ASCII in UTF-16 is 0: valid UTF-8, all of it, but not text.
    path = tmp_path / "items.csv"
    path.write_bytes(CAFE.encode("utf-16-le"))
    with pytest.raises(InvalidInput) as caught:
        read_records(path)
    assert caught.value.field == "file"
    assert "NUL" in caught.value.problem
    assert "utf-16-le" in caught.value.problem
    assert _records(path, encoding="utf-16-le") == CAFE_RECORDS


def test_a_mark_that_contradicts_the_encoding_given_is_named(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes(CAFE.encode("utf-16"))
    with pytest.raises(InvalidInput) as caught:
        read_records(path, encoding="utf-8")
    assert "UTF-16 byte-order mark" in caught.value.problem


def test_a_truncated_gz_file_is_refused_naming_file(tmp_path: Path) -> None:
    path = tmp_path / "items.csv.gz"
    path.write_bytes(gzip.compress(("id,title\n" + "a,Mug\n" * 10_000).encode())[:-30])
    with pytest.raises(InvalidInput) as caught:
        read_records(path)
    assert caught.value.field == "file"
    assert "items.csv.gz cannot be read" in caught.value.problem


def test_the_check_reports_progress_in_bytes_of_the_file(tmp_path: Path) -> None:
    path = _thirty_thousand(tmp_path / "items.csv", bad=b"Cafe")
    steps: list[int] = []
    read_records(path, progress=steps.append)
    assert sum(steps) == path.stat().st_size
    assert len(steps) > 0


# --- long values ----------------------------------------------------------------------------


def test_a_value_of_200_kib_is_read_whole(tmp_path: Path) -> None:
    # The csv module alone stops at 128 KiB, ending the whole import with an error.
    specs = "x" * (200 * 1024)
    path = _write(tmp_path / "items.csv", f'id,title,specs\na,Mug,"{specs}"\nb,Cup,\n')
    records = _records(path)
    assert records[0] == (1, {"id": "a", "title": "Mug", "specs": specs})
    assert records[1] == (2, {"id": "b", "title": "Cup", "specs": ""})


def test_a_value_over_the_bound_is_a_bad_row_naming_its_column_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "items.csv",
        f"id,title,specs\na,Mug,x\nb,Cup,{'y' * (MAX_FIELD + 1)}\nc,Bowl,z\n",
    )
    records = _records(path)
    assert [number for number, _ in records] == [1, 2, 3]
    problem = records[1][1][ERROR_KEY]
    assert isinstance(problem, InvalidInput)
    assert problem.field == "specs"
    assert problem.problem == f"value longer than {MAX_FIELD:,} characters (line 3)"
    assert records[2] == (3, {"id": "c", "title": "Bowl", "specs": "z"})


def test_a_json_line_over_the_bound_is_a_bad_row(tmp_path: Path) -> None:
    big = json.dumps({"id": "b", "specs": "y" * MAX_FIELD})
    path = _write(tmp_path / "items.jsonl", f'{{"id": "a"}}\n{big}\n{{"id": "c"}}\n')
    records = _records(path)
    assert records[0] == (1, {"id": "a"})
    assert records[1] == (2, {ERROR_KEY: f"line longer than {MAX_FIELD:,} characters"})
    assert records[2] == (3, {"id": "c"})


def _split(text: str, limit: int = 10) -> list[tuple[int, list[str] | Unreadable]]:
    return list(split_rows(io.StringIO(text, newline=""), delimiter=",", max_field=limit))


def test_an_unbalanced_quote_is_one_bad_row_spanning_the_lines_it_swallowed() -> None:
    text = 'id,title\r\na,"Mug\r\nb,Cup\r\nc,Bowl\r\nd,Pan\r\n'
    assert _split(text, limit=12) == [
        (1, ["id", "title"]),
        (2, Unreadable(column=1, first_line=2, last_line=5, limit=12)),
    ]
    assert "lines 2-5; an unbalanced quote?" in Unreadable(1, 2, 5, 12).problem


def test_reading_resumes_after_a_quoted_value_over_the_bound() -> None:
    # The value spans lines 3-8 and quotes a comma and a "" pair; row 3 is read as usual.
    text = 'id,title\na,Mug\nb,"' + "long,\n" * 5 + 'and ""quoted"" end"\nc,Bowl\n'
    assert _split(text) == [
        (1, ["id", "title"]),
        (2, ["a", "Mug"]),
        (3, Unreadable(column=1, first_line=3, last_line=8, limit=10)),
        (9, ["c", "Bowl"]),
    ]


def test_a_line_over_the_bound_without_a_long_value_names_no_column() -> None:
    assert _split("id,title\n" + "a," * 8 + "\nb,Cup\n") == [
        (1, ["id", "title"]),
        (2, Unreadable(column=None, first_line=2, last_line=2, limit=10)),
        (3, ["b", "Cup"]),
    ]


def test_values_within_the_bound_split_as_the_csv_module_splits_them() -> None:
    text = 'a,"b,c",""\r\n"x\ny","say ""hi""",\n\nlast'
    assert [fields for _, fields in _split(text, limit=100)] == [
        ["a", "b,c", ""],
        ["x\ny", 'say "hi"', ""],
        [],
        ["last"],
    ]


# --- JSON values a store cannot keep ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('{"id": "b", "price": NaN}', "NaN is not a JSON number"),
        ('{"id": "b", "price": -Infinity}', "-Infinity is not a JSON number"),
        ('{"id": "b", "price": 1e309}', "1e309 is too large a number"),
        ('{"id": "b", "deep": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ],
)
def test_a_json_line_a_store_cannot_keep_is_a_bad_row(
    tmp_path: Path, line: str, words: str
) -> None:
    path = _write(tmp_path / "items.jsonl", f'{{"id": "a"}}\n{line}\n{{"id": "c"}}\n')
    records = _records(path)
    assert [number for number, _ in records] == [1, 2, 3]
    assert words in records[1][1][ERROR_KEY]
    assert records[2] == (3, {"id": "c"})


# --- Parquet that cannot be read ------------------------------------------------------------


def test_a_file_that_is_not_parquet_is_refused_naming_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "items.parquet", "id,title\na,Mug\n")
    with pytest.raises(InvalidInput) as caught:
        read_records(path)
    assert caught.value.field == "file"
    assert "items.parquet is not a readable Parquet file" in caught.value.problem


def test_parquet_takes_no_encoding(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_records(_parquet_items(tmp_path / "a.parquet"), encoding="latin-1")
    assert caught.value.field == "encoding"


def _parquet_with_bad_text(path: Path) -> Path:
    """Three items; the second title holds byte 0xe9, which is not UTF-8 (Arrow writes
    what it is given; other writers can too)."""
    offsets = pa.py_buffer(b"".join(n.to_bytes(4, "little") for n in (0, 3, 7, 10)))
    titles = pa.StringArray.from_buffers(3, offsets, pa.py_buffer(b"MugCaf\xe9Pan"))
    moments = pa.array([0, 253_402_300_800_000 * 10, 0], type=pa.timestamp("ms"))
    pq.write_table(pa.table({"id": ["a", "b", "c"], "title": titles, "added": moments}), path)
    return path


def test_a_parquet_value_that_cannot_be_read_rejects_its_row_naming_the_column(
    tmp_path: Path,
) -> None:
    records = _records(_parquet_with_bad_text(tmp_path / "items.parquet"))
    assert [number for number, _ in records] == [1, 2, 3]
    assert records[0][1]["title"] == "Mug"
    problem = records[1][1][ERROR_KEY]
    assert isinstance(problem, InvalidInput)
    assert problem.field == "title"  # the first of its two bad values
    assert "not valid UTF-8" in problem.problem
    assert records[2][1]["title"] == "Pan"


def test_a_parquet_timestamp_beyond_python_dates_rejects_its_row(tmp_path: Path) -> None:
    moments = pa.array([0, 253_402_300_800_000 * 10], type=pa.timestamp("ms"))
    path = tmp_path / "users.parquet"
    pq.write_table(pa.table({"id": ["u1", "u2"], "since": moments}), path)
    records = _records(path)
    assert records[0][1]["id"] == "u1"
    assert records[1][1][ERROR_KEY].field == "since"


def test_a_damaged_row_group_rejects_its_rows_and_the_others_are_read(tmp_path: Path) -> None:
    path = tmp_path / "items.parquet"
    titles = [f"title number {n} " * 3 for n in range(300)]
    table = pa.table({"id": [f"i{n}" for n in range(300)], "title": titles})
    pq.write_table(table, path, row_group_size=100, compression="snappy")
    column = pq.ParquetFile(path).metadata.row_group(1).column(1)
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start + 30 : start + column.total_compressed_size - 5] = b"\xab" * (
        column.total_compressed_size - 35
    )
    path.write_bytes(bytes(data))
    records = _records(path)
    assert len(records) == 300
    assert [r["id"] for _, r in records[:100]] == [f"i{n}" for n in range(100)]
    assert all(r[ERROR_KEY].problem.startswith("row group 2 ") for _, r in records[100:200])
    assert [r["id"] for _, r in records[200:]] == [f"i{n}" for n in range(200, 300)]


# --- into a store, on every backend ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("items", "i{n},Item {n}"),
        ("users", "u{n},City {n}"),
        ("events", "e{n},u{n},i{n},view"),
    ],
)
def test_an_undecodable_file_stores_nothing_of_any_kind(
    engine: Engine, tmp_path: Path, kind: Any, line: str
) -> None:
    header = {"items": "id,title", "users": "id,city", "events": "event_id,user_id,item_id,type"}
    rows = [line.format(n=n) for n in range(1, 30_011)]
    rows[29_000] += "\udce9"  # one byte 0xe9 in row 29,001, written as is
    path = tmp_path / f"{kind}.csv"
    text = "\n".join([header[kind], *rows]) + "\n"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with pytest.raises(InvalidInput) as caught:
        import_rows(engine, kind, read_records(path), shape=Shaper(kind, infer=True))
    assert "line 29,002" in caught.value.problem
    assert (engine.items.count(), engine.users.count(), engine.events.count()) == (0, 0, 0)


def test_the_same_file_read_in_its_encoding_is_stored_whole(engine: Engine, tmp_path: Path) -> None:
    path = _thirty_thousand(tmp_path / "items.csv")
    report = import_rows(
        engine, "items", read_records(path, encoding="latin-1"), shape=Shaper("items", infer=True)
    )
    assert (report.read, report.imported, report.rejected) == (30_010, 30_010, [])
    assert engine.items.count() == 30_010
    assert engine.items.get("i29001").title == "Café"


@pytest.mark.parametrize("kind", ["items", "users", "events"])
def test_utf16_files_with_a_mark_are_stored(engine: Engine, tmp_path: Path, kind: Any) -> None:
    lines = {
        "items": ["id,title", "a,Crème brûlée", "b,Ĉapelo"],
        "users": ["id,city", "u1,Zürich", "u2,Łódź"],
        "events": ["event_id,user_id,item_id,type,note", "e1,u1,a,view,Crème", "e2,u2,b,view,Ĉ"],
    }[kind]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-16") + "\r\n".encode("utf-16-le"))
    report = import_rows(engine, kind, read_records(path), shape=Shaper(kind, infer=True))
    assert (report.read, report.imported, report.rejected) == (2, 2, [])
    if kind == "items":
        assert engine.items.get("a").title == "Crème brûlée"
    elif kind == "users":
        assert engine.users.get("u2").traits == {"city": "Łódź"}
    else:
        [event] = engine.events.query(user_id="u1").items
        assert event.context == {"note": "Crème"}


def test_long_values_are_stored_or_rejected_by_row_never_the_whole_file(
    engine: Engine, tmp_path: Path
) -> None:
    specs, long = "s" * (200 * 1024), "t" * (200 * 1024)
    path = _write(
        tmp_path / "items.csv",
        f"id,title,specs\n"
        f"a,Mug,{specs}\n"  # 200 KiB of attribute: stored
        f"b,{long},x\n"  # 200 KiB of title: over the title's own limit
        f"c,Cup,{'y' * (MAX_FIELD + 1)}\n"  # over the bound of any value
        f"d,Bowl,z\n",
    )
    report = import_rows(engine, "items", read_records(path), shape=Shaper("items", infer=True))
    assert report.read == 4
    assert report.imported == 2
    assert [(r.row, r.field) for r in report.rejected] == [(2, "title"), (3, "specs")]
    assert "line 4" in report.rejected[1].reason
    assert engine.items.get("a").attributes == {"specs": specs}
    assert engine.items.get("d").attributes == {"specs": "z"}
    assert engine.items.count() == 2


def test_parquet_rows_that_cannot_be_read_are_rejected_and_the_others_stored(
    engine: Engine, tmp_path: Path
) -> None:
    path = _parquet_with_bad_text(tmp_path / "items.parquet")
    report = import_rows(engine, "items", read_records(path), shape=Shaper("items"))
    assert (report.read, report.imported) == (3, 2)
    assert [(r.row, r.field) for r in report.rejected] == [(2, "title")]
    assert {item.id for item in engine.items.list().items} == {"a", "c"}
