"""`tailored import ...` end to end: files in, a SQLite database out, every row accounted for."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tailored import Engine
from tailored.cli.main import app


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


def _run(*args: str, columns: int = 200) -> Result:
    # A wide terminal by default, so that no table cell is wrapped or cut.
    return CliRunner().invoke(app, ["import", *args], env={"COLUMNS": str(columns)})


def _table_rows(output: str) -> list[list[str]]:
    """The body rows of every table printed, as lists of cell texts."""
    return [
        [cell.strip() for cell in line.strip().strip("│").split("│")]
        for line in output.splitlines()
        if line.startswith("│")
    ]


def _assert_clean_failure(result: Result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert "error:" in result.output
    for word in words:
        assert word in result.output


def test_import_items_csv_with_map_and_list_separator(tmp_path: Path, url: str) -> None:
    path = tmp_path / "products.csv"
    path.write_text(
        "sku,name,tags,price,brand,available\n"
        "0042,Trail runner,shoes;running,89.90,Acme,yes\n"
        '0043,"Socks, wool",socks,9,Zed,no\n'
        "0044,Cap,,12.5,,\n",
        encoding="utf-8",
    )
    result = _run(
        "items", str(path), "-d", url,
        "--map", "id=sku", "--map", "title=name", "--map", "categories=tags",
        "--list-separator", ";",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ["items", "3", "3", "-", "0"] in _table_rows(result.output)
    assert "rejected rows" not in result.output

    with Engine.open(url) as engine:
        assert engine.items.count() == 3
        runner = engine.items.get("0042")
        assert runner.title == "Trail runner"
        assert runner.categories == ("shoes", "running")
        assert runner.attributes == {"price": 89.9, "brand": "Acme"}
        assert runner.available is True
        socks = engine.items.get("0043")
        assert (socks.title, socks.available, socks.attributes["price"]) == (
            "Socks, wool",
            False,
            9,
        )
        cap = engine.items.get("0044")
        assert (cap.categories, cap.attributes, cap.available) == ((), {"price": 12.5}, True)


def test_import_users_jsonl_keeps_json_types(tmp_path: Path, url: str) -> None:
    path = tmp_path / "users.jsonl"
    lines = [
        {"customer": "u1", "age": 34, "zip": "0150", "vip": True},
        {"customer": "u2", "traits": {"tier": "gold"}, "city": "Oslo"},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = _run("users", str(path), "--database-url", url, "-m", "id=customer")
    assert result.exit_code == 0, result.output
    assert ["users", "2", "2", "-", "0"] in _table_rows(result.output)

    with Engine.open(url) as engine:
        assert engine.users.get("u1").traits == {"age": 34, "zip": "0150", "vip": True}
        assert engine.users.get("u2").traits == {"tier": "gold", "city": "Oslo"}


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("customers.json", "users customers.json"),
        ("customers-of-the-nordic-stores.json", "users customers-…ores.json"),
    ],
)
def test_the_progress_label_keeps_the_verb_and_fits_the_file_name(
    tmp_path: Path, url: str, name: str, label: str
) -> None:
    path = tmp_path / name
    path.write_text(json.dumps([{"id": "u1"}]), encoding="utf-8")
    result = _run("users", str(path), "--database-url", url)
    assert result.exit_code == 0, result.output
    assert label in result.output


def _events_file(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(
        "event_id,customer,item_id,value,timestamp,store\n"
        "o1,c1,0042,2,881250949,oslo\n"
        "o2,c1,0043,1,881250950,oslo,extra\n"  # row 2: one field too many
        "o3,,0042,1,881250951,bergen\n"  # row 3: no user
        "o4,c2,0044,,2024-01-02T03:04:05Z,\n",
        encoding="utf-8",
    )
    return path


def test_import_events_with_a_bad_row_lists_it_and_exits_1(tmp_path: Path, url: str) -> None:
    errors = tmp_path / "out.csv"
    args = ["events", str(_events_file(tmp_path)), "-d", url, "--type", "purchase"]
    result = _run(*args, "--map", "user_id=customer", "--errors", str(errors))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    rows = _table_rows(result.output)
    assert ["events", "4", "2", "0", "2"] in rows  # summary: read, imported, already, rejected
    assert ["events", "2", "row", "has 7 fields; the header has 6"] in rows
    assert ["events", "3", "user_id", "Field required"] in rows
    assert "2 rows rejected" in result.output
    assert str(errors) in result.output

    with errors.open(newline="", encoding="utf-8") as file:
        written = list(csv.reader(file))
    assert written == [
        ["kind", "row", "field", "reason"],
        ["events", "2", "row", "has 7 fields; the header has 6"],
        ["events", "3", "user_id", "Field required"],
    ]

    with Engine.open(url) as engine:
        assert engine.events.count() == 2
        [o1] = engine.events.query(user_id="c1").items
        assert (o1.event_id, o1.type, o1.item_id, o1.value) == ("o1", "purchase", "0042", 2.0)
        assert o1.timestamp == datetime(1997, 12, 4, 15, 55, 49, tzinfo=UTC)
        assert o1.context == {"store": "oslo"}
        [o4] = engine.events.query(user_id="c2").items
        assert (o4.value, o4.context) == (None, {})
        assert o4.timestamp == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_clean_import_still_writes_the_errors_file_with_only_its_header(
    tmp_path: Path, url: str
) -> None:
    errors = tmp_path / "out.csv"
    errors.write_text("kind,row,field,reason\nitems,9,id,left by an earlier run\n")
    path = tmp_path / "items.csv"
    path.write_text("id,title\na,Mug\n", encoding="utf-8")
    result = _run("items", str(path), "-d", url, "--errors", str(errors))
    assert result.exit_code == 0, result.output
    assert errors.read_text(encoding="utf-8").splitlines() == ["kind,row,field,reason"]


def test_importing_the_same_events_again_counts_them_as_already_stored(
    tmp_path: Path, url: str
) -> None:
    args = ["events", str(_events_file(tmp_path)), "-d", url, "-t", "purchase", "-m"]
    _run(*args, "user_id=customer")
    again = _run(*args, "user_id=customer", "--batch-size", "1")
    assert again.exit_code == 1  # the two bad rows are still bad
    assert ["events", "4", "0", "2", "2"] in _table_rows(again.output)
    with Engine.open(url) as engine:
        assert engine.events.count() == 2


def test_an_unknown_format_is_a_clear_error(tmp_path: Path, url: str) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id\na\n")
    result = _run("items", str(path), "-d", url, "--format", "xml")
    _assert_clean_failure(result, "--format", "csv, tsv, jsonl, json, parquet", "'xml'")
    assert result.exit_code == 1


def test_a_name_without_a_known_format_asks_for_format(tmp_path: Path, url: str) -> None:
    path = tmp_path / "items.xml"
    path.write_text("<items/>")
    result = _run("items", str(path), "-d", url)
    _assert_clean_failure(result, "format", "items.xml")


def test_an_explicit_format_reads_any_file_name(tmp_path: Path, url: str) -> None:
    path = tmp_path / "export.txt"
    path.write_text("id\ttitle\na\tMug\n")
    result = _run("items", str(path), "-d", url, "--format", "tsv")
    assert result.exit_code == 0, result.output
    with Engine.open(url) as engine:
        assert engine.items.get("a").title == "Mug"


def test_a_missing_file_is_a_clear_error(tmp_path: Path, url: str) -> None:
    result = _run("items", str(tmp_path / "nope.csv"), "-d", url)
    _assert_clean_failure(result, "nope.csv", "no such file")


@pytest.mark.parametrize(
    ("pair", "words"),
    [("sku", ("map", "field=column")), ("sku=id", ("map", "'sku'")), ("=id", ("map",))],
)
def test_a_bad_map_names_map(tmp_path: Path, url: str, pair: str, words: tuple[str, ...]) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id\na\n")
    result = _run("items", str(path), "-d", url, "--map", pair)
    _assert_clean_failure(result, *words)
    assert result.exit_code == 1


def test_a_bad_delimiter_is_a_clear_error(tmp_path: Path, url: str) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id\na\n")
    result = _run("items", str(path), "-d", url, "--delimiter", ";;")
    _assert_clean_failure(result, "delimiter")


def test_more_rejections_than_shown_point_to_errors_file(tmp_path: Path, url: str) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id,title\n" + "".join(f"bad/{n},x\n" for n in range(25)) + "ok,fine\n")
    result = _run("items", str(path), "-d", url)
    assert result.exit_code == 1
    listed = [row for row in _table_rows(result.output) if row[0] == "items" and row[2] == "id"]
    assert [row[1] for row in listed] == [str(n) for n in range(1, 21)]
    assert "and 5 more" in result.output
    assert "--errors" in result.output
    with Engine.open(url) as engine:
        assert [i.id for i in engine.items.list().items] == ["ok"]


def _ml_latest(directory: Path) -> Path:
    directory.mkdir()
    (directory / "movies.csv").write_text(
        "movieId,title,genres\n"
        "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
        '11,"American President, The (1995)",Comedy|Drama|Romance\n'
        "176,Some Documentary (2017),(no genres listed)\n",
        encoding="utf-8",
    )
    (directory / "ratings.csv").write_text(
        "userId,movieId,rating,timestamp\n"
        "1,1,4.5,964982703\n"
        "1,11,0.5,964982931\n"
        "2,176,3.0,1445714835\n"
        "3,1,5.0,1445714836\n",
        encoding="utf-8",
    )
    return directory


def test_import_movielens_latest_folder(tmp_path: Path, url: str) -> None:
    folder = _ml_latest(tmp_path / "ml-latest-small")
    result = _run("movielens", str(folder), "-d", url)
    assert result.exit_code == 0, result.output
    assert "ml-latest" in result.output
    rows = _table_rows(result.output)
    assert ["items", "3", "3", "-", "0"] in rows
    assert ["events", "4", "4", "0", "0"] in rows

    again = _run("movielens", str(folder), "-d", url)
    assert again.exit_code == 0, again.output
    assert ["events", "4", "0", "4", "0"] in _table_rows(again.output)

    with Engine.open(url) as engine:
        assert engine.items.count() == 3
        assert engine.items.get("11").title == "American President, The (1995)"
        assert engine.items.get("176").categories == ()
        assert engine.events.count() == 4
        assert {u.id for u in engine.users.list().items} == {"1", "2", "3"}
        [rating] = engine.events.query(user_id="1", item_id="11").items
        assert (rating.type, rating.value) == ("rate", 0.5)
        assert rating.timestamp == datetime.fromtimestamp(964982931, UTC)


def test_import_movielens_rejects_a_folder_that_is_not_movielens(tmp_path: Path, url: str) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = _run("movielens", str(tmp_path), "-d", url)
    _assert_clean_failure(result, "directory")
    assert result.exit_code == 1


# --- files that cannot be read, rows that cannot be read: every backend -------------------


@pytest.fixture
def store(engine: Engine, database_url: str) -> str:
    """The URL of an empty database on each backend (`engine` looks into it)."""
    return database_url


def _errors_file(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def _thirty_thousand_items(path: Path) -> Path:
    """30,010 items; row 29,001 (line 29,002) has the title Café in latin-1."""
    lines = [b"id,title\n"] + [f"i{n},Item {n}\n".encode() for n in range(1, 30_011)]
    lines[29_001] = b"i29001,Caf\xe9\n"
    path.write_bytes(b"".join(lines))
    return path


def test_a_byte_not_valid_utf8_imports_nothing_and_says_where_in_one_line(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    path = _thirty_thousand_items(tmp_path / "items.csv")
    errors = tmp_path / "errors.csv"
    result = _run("items", str(path), "-d", store, "--errors", str(errors), columns=60)
    _assert_clean_failure(result, "items.csv line 29,002", "0xe9 is not valid UTF-8", "--encoding")
    [line] = [line for line in result.output.splitlines() if "error:" in line]
    assert line.endswith("; nothing was imported")  # one line, in a terminal of 60 columns
    assert engine.items.count() == 0
    assert _errors_file(errors) == [
        ["kind", "row", "field", "reason"],
        ["items", "", "file", line.partition("error: ")[2].removesuffix("; nothing was imported")],
    ]


def test_the_same_file_imports_whole_with_its_encoding_and_a_progress_bar(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    path = _thirty_thousand_items(tmp_path / "items.csv")
    result = _run("items", str(path), "-d", store, "--encoding", "latin-1")
    assert result.exit_code == 0, result.output
    assert ["items", "30010", "30010", "-", "0"] in _table_rows(result.output)
    assert f"{path.stat().st_size}/{path.stat().st_size}" in result.output  # checked
    assert "30010/30010" in result.output  # imported
    assert engine.items.count() == 30_010
    assert engine.items.get("i29001").title == "Café"


def test_utf16_files_with_a_mark_import(tmp_path: Path, store: str, engine: Engine) -> None:
    items = tmp_path / "items.csv"
    items.write_bytes("id,title\r\na,Crème brûlée\r\nb,Łódź mug\r\n".encode("utf-16"))
    result = _run("items", str(items), "-d", store)
    assert result.exit_code == 0, result.output
    assert ["items", "2", "2", "-", "0"] in _table_rows(result.output)
    users = tmp_path / "users.jsonl"
    users.write_bytes('{"id": "u1", "city": "Zürich"}\n'.encode("utf-16-be"))
    result = _run("users", str(users), "-d", store, "--encoding", "utf-16-be")
    assert result.exit_code == 0, result.output
    assert engine.items.get("b").title == "Łódź mug"
    assert engine.users.get("u1").traits == {"city": "Zürich"}


@pytest.mark.parametrize("name", ["utf9", "base64"])
def test_an_unknown_encoding_is_refused_before_reading(
    tmp_path: Path, store: str, engine: Engine, name: str
) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id\na\n")
    result = _run("items", str(path), "-d", store, "--encoding", name)
    _assert_clean_failure(result, "--encoding", repr(name))
    assert engine.items.count() == 0


def test_a_value_of_200_kib_is_stored_where_its_field_allows_it(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    specs, title = "s" * (200 * 1024), "t" * (200 * 1024)
    path = tmp_path / "items.csv"
    path.write_text(f"id,title,specs\na,Mug,{specs}\nb,{title},x\nc,Cup,y\n", encoding="utf-8")
    result = _run("items", str(path), "-d", store)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert ["items", "3", "2", "-", "1"] in _table_rows(result.output)
    assert ["items", "2", "title", "String should have at most 1000 characters"] in _table_rows(
        result.output
    )
    assert engine.items.get("a").attributes == {"specs": specs}
    assert engine.items.get("c").title == "Cup"


def test_a_value_over_the_bound_is_a_rejected_row_naming_line_and_column(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    path = tmp_path / "items.csv"
    huge = "y" * (32 * 2**20 + 1)
    path.write_text(f'id,title,specs\na,Mug,x\nb,Cup,"{huge}\nmore"\nc,Bowl,z\n', encoding="utf-8")
    errors = tmp_path / "errors.csv"
    result = _run("items", str(path), "-d", store, "--errors", str(errors))
    assert result.exit_code == 1, result.output[-2000:]
    assert "Traceback" not in result.output
    reason = "value longer than 33,554,432 characters (lines 3-4; an unbalanced quote?)"
    assert ["items", "2", "specs", reason] in _table_rows(result.output)
    assert _errors_file(errors)[1:] == [["items", "2", "specs", reason]]
    assert ["items", "3", "2", "-", "1"] in _table_rows(result.output)
    assert {item.id for item in engine.items.list().items} == {"a", "c"}


@pytest.mark.parametrize("where", ["missing folder", "a folder", "the file imported"])
def test_an_errors_path_that_cannot_be_written_fails_before_anything_is_imported(
    tmp_path: Path, store: str, engine: Engine, where: str
) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id,title\na,Mug\n", encoding="utf-8")
    errors = {
        "missing folder": tmp_path / "nope" / "errors.csv",
        "a folder": tmp_path,
        "the file imported": path,
    }[where]
    result = _run("items", str(path), "-d", store, "--errors", str(errors))
    _assert_clean_failure(result, "--errors", str(errors))
    assert engine.items.count() == 0
    assert path.read_text(encoding="utf-8") == "id,title\na,Mug\n"


def test_a_file_that_is_not_parquet_is_refused_in_one_line(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    path = tmp_path / "items.parquet"
    path.write_text("id,title\na,Mug\n")
    result = _run("items", str(path), "-d", store)
    _assert_clean_failure(result, "items.parquet is not a readable Parquet file")
    assert engine.items.count() == 0


def test_a_rejection_quoting_markup_is_printed_as_it_is(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    path = tmp_path / "items.csv"
    path.write_text("id,available\na,[/x]\nb,yes\n", encoding="utf-8")
    result = _run("items", str(path), "-d", store)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert ["items", "1", "available", "must be true/false, yes/no or 1/0, not '[/x]'"] in (
        _table_rows(result.output)
    )
    assert engine.items.count() == 1


def test_a_movielens_folder_with_an_unreadable_part_imports_nothing(
    tmp_path: Path, store: str, engine: Engine
) -> None:
    folder = _ml_latest(tmp_path / "ml-latest-small")
    ratings = folder / "ratings.csv"
    ratings.write_bytes(ratings.read_bytes() + b"4,1,\xff,1445714837\n")
    result = _run("movielens", str(folder), "-d", store)
    _assert_clean_failure(result, "ratings.csv line 6", "0xff is not valid UTF-8")
    assert (engine.items.count(), engine.events.count()) == (0, 0)  # not even the movies
