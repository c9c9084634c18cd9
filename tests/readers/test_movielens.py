"""MovieLens folders: the real ml-100k (read in place) and small synthetic ml-1m/ml-latest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tailored import Engine
from tailored.errors import InvalidInput
from tailored.readers.movielens import MovieLensFolder, parse_release_date, year_in_title
from tailored.readers.rows import ERROR_KEY, Kind
from tailored.workflows.imports import import_rows

ML_100K = Path("/work/shared/data/movielens/ml-100k")
needs_ml_100k = pytest.mark.skipif(
    not (ML_100K / "u.data").is_file(), reason=f"MovieLens 100k not found at {ML_100K}"
)


def _rows(folder: MovieLensFolder, kind: Kind) -> dict[int, dict[str, Any]]:
    return dict(folder.rows(kind))


# --- the real ml-100k, read without a database ----------------------------------------------


@needs_ml_100k
def test_ml_100k_is_detected_with_all_three_parts() -> None:
    folder = MovieLensFolder.open(ML_100K)
    assert folder.layout == "ml-100k"
    assert folder.parts() == ("items", "users", "events")
    assert [folder.count(kind) for kind in folder.parts()] == [1682, 943, 100_000]


@needs_ml_100k
def test_ml_100k_items() -> None:
    items = _rows(MovieLensFolder.open(ML_100K), "items")
    assert len(items) == 1682
    assert not [n for n, row in items.items() if ERROR_KEY in row]
    assert len({row["id"] for row in items.values()}) == 1682
    toy_story = items[1]
    assert toy_story["id"] == "1"
    assert toy_story["title"] == "Toy Story (1995)"
    assert toy_story["categories"] == ["Animation", "Children's", "Comedy"]
    assert toy_story["attributes"]["year"] == 1995
    assert toy_story["attributes"]["release_date"] == "1995-01-01"
    # Titles in latin-1 are decoded, not mangled.
    assert items[543]["title"] == "Misérables, Les (1995)"
    # Movie 267 has no title, date or genre: nothing made up.
    assert items[267] == {"id": "267", "title": "unknown", "categories": [], "attributes": {}}


@needs_ml_100k
def test_ml_100k_users() -> None:
    users = _rows(MovieLensFolder.open(ML_100K), "users")
    assert len(users) == 943
    assert users[1] == {
        "id": "1",
        "traits": {"age": 24, "gender": "M", "occupation": "technician", "zip_code": "85711"},
    }


@needs_ml_100k
def test_ml_100k_ratings() -> None:
    events = _rows(MovieLensFolder.open(ML_100K), "events")
    assert len(events) == 100_000
    assert not [n for n, row in events.items() if ERROR_KEY in row]
    assert events[1] == {
        "event_id": "ml-196-242",
        "user_id": "196",
        "item_id": "242",
        "type": "rate",
        "value": 3.0,
        "timestamp": 881250949,
    }
    assert len({row["event_id"] for row in events.values()}) == 100_000


# --- the real ml-100k, imported on each backend ---------------------------------------------


def _user_ids(engine: Engine) -> set[str]:
    page = engine.users.list(limit=1000)
    assert page.next_cursor is None
    return {user.id for user in page.items}


@needs_ml_100k
def test_ml_100k_imports_whole_and_a_second_import_stores_nothing_new(engine: Engine) -> None:
    folder = MovieLensFolder.open(ML_100K)
    reports = {
        kind: import_rows(engine, kind, folder.rows(kind), batch_size=5000)
        for kind in folder.parts()
    }
    assert {k: (r.read, r.imported, r.duplicates, r.rejected) for k, r in reports.items()} == {
        "items": (1682, 1682, 0, []),
        "users": (943, 943, 0, []),
        "events": (100_000, 100_000, 0, []),
    }
    assert engine.items.count() == 1682
    assert engine.events.count() == 100_000
    assert _user_ids(engine) == {str(n) for n in range(1, 944)}

    toy_story = engine.items.get("1")
    assert toy_story.title == "Toy Story (1995)"
    assert toy_story.categories == ("Animation", "Children's", "Comedy")
    assert toy_story.attributes["year"] == 1995
    assert toy_story.attributes["release_date"] == "1995-01-01"
    with (ML_100K / "u.item").open(encoding="latin-1") as file:
        film_noir = {f[0] for f in (line.split("|") for line in file) if f[5 + 10] == "1"}
    stored_noir = engine.items.list(categories=["Film-Noir"], limit=1000).items
    assert {item.id for item in stored_noir} == film_noir

    with (ML_100K / "u.data").open() as file:
        ratings_of_user_1 = sum(1 for line in file if line.split("\t")[0] == "1")
    profile = engine.users.get("1")
    assert profile.traits == {
        "age": 24,
        "gender": "M",
        "occupation": "technician",
        "zip_code": "85711",
    }
    assert profile.activity is not None
    assert profile.activity.events_total == ratings_of_user_1
    assert profile.activity.by_type == {"rate": ratings_of_user_1}

    [first_line] = engine.events.query(user_id="196", item_id="242").items
    assert (first_line.event_id, first_line.type, first_line.value) == ("ml-196-242", "rate", 3.0)
    assert first_line.timestamp == datetime(1997, 12, 4, 15, 55, 49, tzinfo=UTC)
    assert first_line.timestamp.timestamp() == 881250949

    again = {
        kind: import_rows(engine, kind, folder.rows(kind), batch_size=5000)
        for kind in folder.parts()
    }
    assert (again["events"].read, again["events"].imported) == (100_000, 0)
    assert again["events"].duplicates == 100_000
    assert all(not report.rejected for report in again.values())
    assert engine.items.count() == 1682
    assert engine.events.count() == 100_000
    assert len(_user_ids(engine)) == 943
    assert engine.users.get("1").traits["occupation"] == "technician"


# --- ml-1m (and ml-10m): '::' separated, latin-1, coded users --------------------------------


def _ml_1m(directory: Path, *, users: bool = True) -> Path:
    directory.mkdir()
    (directory / "movies.dat").write_bytes(
        "1::Café au lait (1993)::Comedy|Drama\n"
        "2::Heat (1995)::Action|Crime|Thriller\n"
        "3::Untitled::\n".encode("latin-1")
    )
    if users:
        (directory / "users.dat").write_text(
            "1::F::1::10::48067\n2::M::25::12::70072\n3::M::99::42::02139\n"
        )
    (directory / "ratings.dat").write_text(
        "1::1::5::978300760\n"
        "2::2::3::978302109\n"
        "\n"
        "2::3\n"
        "3::1::four::978302110\n"
        "3::2::1::978302111\n"
    )
    return directory


def test_ml_1m_is_detected_and_read(tmp_path: Path) -> None:
    folder = MovieLensFolder.open(_ml_1m(tmp_path / "ml-1m"))
    assert folder.layout == "ml-1m"
    assert folder.parts() == ("items", "users", "events")
    assert (folder.count("items"), folder.count("users"), folder.count("events")) == (3, 3, 6)

    assert _rows(folder, "items") == {
        1: {
            "id": "1",
            "title": "Café au lait (1993)",
            "categories": ["Comedy", "Drama"],
            "attributes": {"year": 1993},
        },
        2: {
            "id": "2",
            "title": "Heat (1995)",
            "categories": ["Action", "Crime", "Thriller"],
            "attributes": {"year": 1995},
        },
        3: {"id": "3", "title": "Untitled", "categories": [], "attributes": {}},
    }


def test_ml_1m_user_codes_are_decoded(tmp_path: Path) -> None:
    users = _rows(MovieLensFolder.open(_ml_1m(tmp_path / "ml-1m")), "users")
    assert users[1] == {
        "id": "1",
        "traits": {
            "gender": "F",
            "zip_code": "48067",
            "age_group": "Under 18",
            "occupation": "K-12 student",
        },
    }
    assert users[2]["traits"]["age_group"] == "25-34"
    assert users[2]["traits"]["occupation"] == "programmer"
    # Codes outside the published tables are kept as they were.
    assert (users[3]["traits"]["age_group"], users[3]["traits"]["occupation"]) == ("99", "42")
    assert users[3]["traits"]["zip_code"] == "02139"


def test_ml_1m_ratings_and_malformed_lines_keep_their_line_numbers(tmp_path: Path) -> None:
    events = _rows(MovieLensFolder.open(_ml_1m(tmp_path / "ml-1m")), "events")
    assert sorted(events) == [1, 2, 4, 5, 6]  # line 3 is blank
    assert events[2] == {
        "event_id": "ml-2-2",
        "user_id": "2",
        "item_id": "2",
        "type": "rate",
        "value": 3.0,
        "timestamp": 978302109,
    }
    assert set(events[4]) == {ERROR_KEY}
    assert "need 4" in events[4][ERROR_KEY]
    assert set(events[5]) == {ERROR_KEY}
    assert "line 5" in events[5][ERROR_KEY]
    assert "'four'" in events[5][ERROR_KEY]
    assert events[6]["event_id"] == "ml-3-2"


def test_ml_10m_has_no_user_file_and_skips_that_part(tmp_path: Path) -> None:
    folder = MovieLensFolder.open(_ml_1m(tmp_path / "ml-10m", users=False))
    assert folder.layout == "ml-1m"
    assert folder.parts() == ("items", "events")
    assert folder.file("users") is None
    assert folder.count("users") == 0
    assert list(folder.rows("users")) == []


# --- ml-latest: CSV with headers ----------------------------------------------------------


def _ml_latest(directory: Path, ratings: str | None = None) -> Path:
    directory.mkdir()
    (directory / "movies.csv").write_text(
        "movieId,title,genres\n"
        "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n"
        '11,"American President, The (1995)",Comedy|Drama|Romance\n'
        "176,Some Documentary (2017),(no genres listed)\n",
        encoding="utf-8",
    )
    (directory / "ratings.csv").write_text(
        ratings
        or "userId,movieId,rating,timestamp\n"
        "1,1,4.5,964982703\n"
        "1,11,0.5,964982931\n"
        "2,176,3.0,1445714835\n",
        encoding="utf-8",
    )
    return directory


def test_ml_latest_is_detected_and_read(tmp_path: Path) -> None:
    folder = MovieLensFolder.open(_ml_latest(tmp_path / "ml-latest-small"))
    assert folder.layout == "ml-latest"
    assert folder.parts() == ("items", "events")
    assert (folder.count("items"), folder.count("events")) == (3, 3)

    items = _rows(folder, "items")
    assert sorted(items) == [2, 3, 4]  # line numbers; line 1 is the header
    assert items[3] == {
        "id": "11",
        "title": "American President, The (1995)",
        "categories": ["Comedy", "Drama", "Romance"],
        "attributes": {"year": 1995},
    }
    assert items[4]["categories"] == []
    assert items[2]["categories"][:2] == ["Adventure", "Animation"]

    events = _rows(folder, "events")
    assert [events[n]["value"] for n in sorted(events)] == [4.5, 0.5, 3.0]
    assert events[3] == {
        "event_id": "ml-1-11",
        "user_id": "1",
        "item_id": "11",
        "type": "rate",
        "value": 0.5,
        "timestamp": 964982931,
    }


def test_ml_latest_malformed_line_becomes_an_error_row(tmp_path: Path) -> None:
    ratings = "userId,movieId,rating,timestamp\n1,1,4.5,964982703\n1,11\n2,176,x,1445714835\n"
    events = _rows(MovieLensFolder.open(_ml_latest(tmp_path / "ml", ratings)), "events")
    assert sorted(events) == [2, 3, 4]
    assert events[2]["event_id"] == "ml-1-1"
    assert set(events[3]) == {ERROR_KEY}
    assert "fewer fields" in events[3][ERROR_KEY]
    assert set(events[4]) == {ERROR_KEY}
    assert "line 4" in events[4][ERROR_KEY]


def test_ml_latest_line_numbers_survive_a_blank_line(tmp_path: Path) -> None:
    ratings = "userId,movieId,rating,timestamp\n1,1,4.5,964982703\n\n1,11\n"
    events = _rows(MovieLensFolder.open(_ml_latest(tmp_path / "ml", ratings)), "events")
    assert sorted(events) == [2, 4]
    assert ERROR_KEY in events[4]


def test_ml_latest_without_the_expected_columns_is_refused_naming_file(tmp_path: Path) -> None:
    ratings = "user,movie,rating,timestamp\n1,1,4.5,964982703\n"
    folder = MovieLensFolder.open(_ml_latest(tmp_path / "ml", ratings))
    with pytest.raises(InvalidInput) as caught:
        list(folder.rows("events"))
    assert caught.value.field == "file"
    assert "userId" in caught.value.problem


def test_ml_latest_imports_and_creates_users_from_ratings(engine: Engine, tmp_path: Path) -> None:
    folder = MovieLensFolder.open(_ml_latest(tmp_path / "ml"))
    reports = [import_rows(engine, kind, folder.rows(kind)) for kind in folder.parts()]
    assert [(r.kind, r.read, r.imported, r.rejected) for r in reports] == [
        ("items", 3, 3, []),
        ("events", 3, 3, []),
    ]
    assert engine.items.get("11").title == "American President, The (1995)"
    assert engine.items.get("176").categories == ()
    assert _user_ids(engine) == {"1", "2"}
    assert sorted(e.value or 0 for e in engine.events.query(user_id="1").items) == [0.5, 4.5]


# --- checked before anything is imported ----------------------------------------------------


def test_check_counts_the_rows_of_every_part(tmp_path: Path) -> None:
    assert MovieLensFolder.open(_ml_latest(tmp_path / "latest")).check() == {
        "items": 3,
        "events": 3,
    }
    counts = MovieLensFolder.open(_ml_1m(tmp_path / "ml-1m")).check()
    assert counts == {"items": 3, "users": 3, "events": 6}


def test_check_refuses_an_ml_latest_part_that_is_not_utf8(tmp_path: Path) -> None:
    folder = _ml_latest(tmp_path / "ml")
    movies = folder / "movies.csv"
    movies.write_bytes(movies.read_bytes() + "99,Café (2001),Drama\n".encode("latin-1"))
    with pytest.raises(InvalidInput) as caught:
        MovieLensFolder.open(folder).check()
    assert caught.value.field == "file"
    assert caught.value.problem.startswith("movies.csv line 5 (byte ")
    assert "0xe9 is not valid UTF-8" in caught.value.problem


def test_check_refuses_missing_columns_before_any_part_is_read(tmp_path: Path) -> None:
    folder = MovieLensFolder.open(_ml_latest(tmp_path / "ml", "user,movie\n1,1\n"))
    with pytest.raises(InvalidInput) as caught:
        folder.check()
    assert "ratings.csv lacks the columns userId, movieId" in caught.value.problem


def test_check_refuses_a_genre_list_it_cannot_read(tmp_path: Path) -> None:
    folder = tmp_path / "ml-100k"
    folder.mkdir()
    (folder / "u.data").write_text("1\t1\t5\t881250949\n")
    (folder / "u.genre").write_text("unknown|0\nAction\n")
    with pytest.raises(InvalidInput) as caught:
        MovieLensFolder.open(folder).check()
    assert "u.genre line 2" in caught.value.problem


def test_an_ml_latest_value_over_128_kib_is_read(tmp_path: Path) -> None:
    title = "Long " * 30_000 + "(1999)"
    folder = _ml_latest(tmp_path / "ml")
    (folder / "movies.csv").write_text(f"movieId,title,genres\n7,{title},Drama\n")
    [(line, movie)] = MovieLensFolder.open(folder).rows("items")
    assert (line, movie["title"], movie["attributes"]) == (2, title, {"year": 1999})


# --- not a MovieLens folder -----------------------------------------------------------------


def test_a_folder_without_ratings_is_refused_naming_directory(tmp_path: Path) -> None:
    (tmp_path / "README.txt").write_text("not movielens")
    (tmp_path / "movies.csv").write_text("movieId,title,genres\n")  # but no ratings
    with pytest.raises(InvalidInput) as caught:
        MovieLensFolder.open(tmp_path)
    assert caught.value.field == "directory"
    assert "u.data" in caught.value.problem


def test_a_missing_folder_is_refused_naming_directory(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        MovieLensFolder.open(tmp_path / "nope")
    assert caught.value.field == "directory"
    (tmp_path / "u.data").write_text("1\t1\t5\t1\n")
    with pytest.raises(InvalidInput):
        MovieLensFolder.open(tmp_path / "u.data")  # a file, not a folder


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01-Jan-1995", "1995-01-01"), ("23-Oct-1998", "1998-10-23"), ("", None), ("soon", None)],
)
def test_parse_release_date(text: str, expected: str | None) -> None:
    assert parse_release_date(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Toy Story (1995)", 1995),
        ("Babylon 5 (1994) ", 1994),
        ("City of Lost Children, The (Cité des enfants perdus, La) (1995)", 1995),
        ("Stranger Things (2016-)", None),
        ("Untitled", None),
    ],
)
def test_year_in_title(title: str, expected: int | None) -> None:
    assert year_in_title(title) == expected
