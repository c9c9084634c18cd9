"""MovieLens folders as catalog, user and event rows, in each layout GroupLens ships.

- ``ml-100k``: ``u.item`` (``|``, latin-1, 19 genre flags), ``u.user``, ``u.data`` (tabs).
- ``ml-1m`` and ``ml-10m``: ``movies.dat``, ``users.dat`` (1m only), ``ratings.dat``,
  fields separated by ``::``; ages and occupations are codes, decoded here.
- ``ml-latest``, ``ml-latest-small``, ``ml-20m``, ``ml-25m``, ``ml-32m``: ``movies.csv`` and
  ``ratings.csv`` with headers; no user file (profiles are created from the ratings).

Ratings become ``rate`` events with the original unix timestamps; the event id
``ml-<user>-<movie>`` makes a second import of the same folder store nothing twice.
`MovieLensFolder.check` reads every part once before anything is imported, so a folder
with a part that cannot be read (a ``.csv`` that is not UTF-8, missing columns) is refused
whole; a line that cannot be read is a bad row, like in any other file.

>>> parse_release_date("01-Jan-1995"), year_in_title("Toy Story (1995)")
('1995-01-01', 1995)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from tailored.errors import InvalidInput
from tailored.readers.delimited import MAX_FIELD, Unreadable, split_rows
from tailored.readers.rows import ERROR_KEY, Kind
from tailored.readers.text import BLOCK, TextFile

Layout = Literal["ml-100k", "ml-1m", "ml-latest"]
Rows = Iterator[tuple[int, dict[str, Any]]]

_FILES: dict[Layout, dict[Kind, str]] = {
    "ml-100k": {"items": "u.item", "users": "u.user", "events": "u.data"},
    "ml-1m": {"items": "movies.dat", "users": "users.dat", "events": "ratings.dat"},
    "ml-latest": {"items": "movies.csv", "events": "ratings.csv"},
}
GENRES_100K = (
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip
NO_GENRE = {"unknown", "(no genres listed)"}
# ml-1m README: age groups and occupations are stored as codes.
AGE_GROUPS_1M = {
    "1": "Under 18", "18": "18-24", "25": "25-34", "35": "35-44", "45": "45-49",
    "50": "50-55", "56": "56+",
}  # fmt: skip
OCCUPATIONS_1M = (
    "other", "academic/educator", "artist", "clerical/admin", "college/grad student",
    "customer service", "doctor/health care", "executive/managerial", "farmer",
    "homemaker", "K-12 student", "lawyer", "programmer", "retired", "sales/marketing",
    "scientist", "self-employed", "technician/engineer", "tradesman/craftsman",
    "unemployed", "writer",
)  # fmt: skip
_YEAR = re.compile(r"\((\d{4})\)\s*$")
_COLUMNS = {  # of the ml-latest CSV files
    "movies.csv": ("movieId", "title", "genres"),
    "ratings.csv": ("userId", "movieId", "rating", "timestamp"),
}


@dataclass(frozen=True, slots=True)
class MovieLensFolder:
    """A MovieLens folder and its layout; each part is read lazily, row by row.

    >>> MovieLensFolder.open(Path("/nonexistent"))
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: directory: /nonexistent is not a directory
    """

    path: Path
    layout: Layout

    @classmethod
    def open(cls, path: Path) -> MovieLensFolder:
        if not path.is_dir():
            raise InvalidInput("directory", f"{path} is not a directory")
        for layout, files in _FILES.items():
            if (path / files["events"]).is_file():
                return cls(path, layout)
        raise InvalidInput(
            "directory",
            f"{path} has no u.data, ratings.dat or ratings.csv: not a MovieLens folder",
        )

    def parts(self) -> tuple[Kind, ...]:
        """What this folder holds, in the order to import it (items and users first)."""
        return tuple(kind for kind in ("items", "users", "events") if self.file(kind))

    def file(self, kind: Kind) -> Path | None:
        name = _FILES[self.layout].get(kind)
        if name is None or not (self.path / name).is_file():
            return None
        return self.path / name

    def count(self, kind: Kind) -> int:
        """Rows in a part (lines, less a header), for progress bars."""
        path = self.file(kind)
        if path is None:
            return 0
        with path.open("rb") as file:
            lines = sum(block.count(b"\n") for block in iter(lambda: file.read(BLOCK), b""))
        return lines - (self.layout == "ml-latest")

    def check(self, progress: Callable[[int], None] | None = None) -> dict[Kind, int]:
        """Read every part once; the rows in each (for progress bars). `InvalidInput`
        naming ``file`` if a part cannot be read; `progress` gets the bytes read."""
        counts: dict[Kind, int] = {}
        for kind in self.parts():
            path = self.file(kind)
            assert path is not None  # a part is a file that exists
            if self.layout != "ml-latest":
                counts[kind] = self.count(kind)  # any byte decodes (UTF-8, else latin-1)
                if progress is not None:
                    progress(path.stat().st_size)
                continue
            counts[kind] = max(TextFile.open(path, "utf-8").scan(progress) - 1, 0)
            next(_csv(path, _COLUMNS[path.name]), None)  # the header has the columns
        if self.layout == "ml-100k":
            _genre_names(self.path / "u.genre")
        return counts

    def rows(self, kind: Kind) -> Rows:
        """(line number, row shaped for the engine) for one part."""
        path = self.file(kind)
        if path is None:
            return iter(())
        readers = {
            "ml-100k": {"items": _items_100k, "users": _users_100k, "events": _ratings_100k},
            "ml-1m": {"items": _items_dat, "users": _users_1m, "events": _ratings_dat},
            "ml-latest": {"items": _items_csv, "events": _ratings_csv},
        }
        return readers[self.layout][kind](path)


def parse_release_date(text: str) -> str | None:
    """``01-Jan-1995`` (ml-100k) as ISO ``1995-01-01``; None when empty or unreadable."""
    try:
        return datetime.strptime(text.strip(), "%d-%b-%Y").date().isoformat()
    except ValueError:
        return None


def year_in_title(title: str) -> int | None:
    found = _YEAR.search(title)
    return int(found.group(1)) if found else None


def _lines(path: Path, separator: str, width: int) -> Iterator[tuple[int, list[str] | str]]:
    """Split lines; text is UTF-8 where it decodes, else latin-1 (older releases).

    Yields the fields, or a problem text when a line has the wrong number of fields.
    """
    with path.open("rb") as file:
        for number, raw in enumerate(iter(lambda: file.readline(MAX_FIELD + 1), b""), start=1):
            if len(raw) > MAX_FIELD and not raw.endswith(b"\n"):
                while (rest := file.readline(MAX_FIELD)) and not rest.endswith(b"\n"):
                    pass  # the rest of a line too long to be a row, never held whole
                yield number, f"line longer than {MAX_FIELD:,} bytes"
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("latin-1")
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split(separator)
            if len(fields) < width:
                yield number, f"has {len(fields)} fields separated by {separator!r}; need {width}"
            else:
                yield number, fields


def _movie(movie_id: str, title: str, genres: list[str], **attributes: Any) -> dict[str, Any]:
    year = year_in_title(title)
    if year is not None:
        attributes["year"] = year
    return {
        "id": movie_id.strip(),
        "title": title.strip(),
        "categories": [genre for genre in genres if genre and genre not in NO_GENRE],
        "attributes": {key: value for key, value in attributes.items() if value},
    }


def _items_100k(path: Path) -> Rows:
    names = _genre_names(path.parent / "u.genre")
    for number, fields in _lines(path, "|", 5 + len(names)):
        if isinstance(fields, str):
            yield number, {ERROR_KEY: fields}
            continue
        flags = fields[5 : 5 + len(names)]
        genres = [name for name, flag in zip(names, flags, strict=True) if flag.strip() == "1"]
        release = parse_release_date(fields[2])
        yield number, _movie(fields[0], fields[1], genres, release_date=release, imdb=fields[4])


def _genre_names(path: Path) -> tuple[str, ...]:
    """Genre order from u.genre (name|index), else the published order."""
    if not path.is_file():
        return GENRES_100K
    order: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text("latin-1").splitlines(), start=1):
        name, _, index = line.rpartition("|")
        if not line.strip():
            continue
        if not name or not index.strip().isdigit():
            problem = f"u.genre line {number} must look like name|number, not {line!r}"
            raise InvalidInput("file", problem)
        order.append((int(index), name))
    return tuple(name for _, name in sorted(order))


def _users_100k(path: Path) -> Rows:
    for number, fields in _lines(path, "|", 5):
        if isinstance(fields, str):
            yield number, {ERROR_KEY: fields}
            continue
        user_id, age, gender, occupation, zip_code = fields[:5]
        traits: dict[str, Any] = {"gender": gender, "occupation": occupation}
        traits["zip_code"] = zip_code
        if age.isdigit():
            traits["age"] = int(age)
        yield number, {"id": user_id, "traits": traits}


def _rating(number: int, user: str, movie: str, rating: str, stamp: str) -> dict[str, Any]:
    try:
        value, timestamp = float(rating), int(stamp)
    except ValueError:
        return {ERROR_KEY: f"line {number}: rating {rating!r} or time {stamp!r} is not a number"}
    return {
        "event_id": f"ml-{user}-{movie}",
        "user_id": user,
        "item_id": movie,
        "type": "rate",
        "value": value,
        "timestamp": timestamp,
    }


def _ratings_100k(path: Path) -> Rows:
    for number, fields in _lines(path, "\t", 4):
        if isinstance(fields, str):
            yield number, {ERROR_KEY: fields}
        else:
            yield number, _rating(number, *fields[:4])


def _items_dat(path: Path) -> Rows:
    for number, fields in _lines(path, "::", 3):
        if isinstance(fields, str):
            yield number, {ERROR_KEY: fields}
        else:
            yield number, _movie(fields[0], fields[1], fields[2].split("|"))


def _users_1m(path: Path) -> Rows:
    for number, fields in _lines(path, "::", 5):
        if isinstance(fields, str):
            yield number, {ERROR_KEY: fields}
            continue
        user_id, gender, age, occupation, zip_code = fields[:5]
        traits: dict[str, Any] = {"gender": gender, "zip_code": zip_code}
        traits["age_group"] = AGE_GROUPS_1M.get(age, age)
        code = int(occupation) if occupation.isdigit() else -1
        traits["occupation"] = OCCUPATIONS_1M[code] if 0 <= code < 21 else occupation
        yield number, {"id": user_id, "traits": traits}


def _ratings_dat(path: Path) -> Rows:
    for number, fields in _lines(path, "::", 4):
        if isinstance(fields, str):
            yield number, {ERROR_KEY: fields}
        else:
            yield number, _rating(number, *fields[:4])


def _csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, row by column name) of an ml-latest CSV file, or the problem with the line."""
    with TextFile.open(path, "utf-8").stream() as file:
        rows = split_rows(file, delimiter=",")
        _, header = next(rows, (1, []))
        header = [] if isinstance(header, Unreadable) else header
        missing = [name for name in columns if name not in header]
        if missing:
            raise InvalidInput("file", f"{path.name} lacks the columns {', '.join(missing)}")
        try:
            for line, fields in rows:
                if isinstance(fields, Unreadable):
                    yield line, fields.problem
                elif not fields:
                    continue  # a blank line
                elif len(fields) < len(header):
                    yield line, f"has fewer fields than the header of {path.name}"
                else:
                    yield line, dict(zip(header, fields, strict=False))
        except UnicodeDecodeError as error:
            problem = f"{path.name} changed while it was read: it is no longer UTF-8"
            raise InvalidInput("file", f"{problem} ({error.reason})") from None


def _items_csv(path: Path) -> Rows:
    for number, row in _csv(path, ("movieId", "title", "genres")):
        if isinstance(row, str):
            yield number, {ERROR_KEY: row}
        else:
            yield number, _movie(row["movieId"], row["title"], row["genres"].split("|"))


def _ratings_csv(path: Path) -> Rows:
    for number, row in _csv(path, ("userId", "movieId", "rating", "timestamp")):
        if isinstance(row, str):
            yield number, {ERROR_KEY: row}
        else:
            fields = (row["userId"], row["movieId"], row["rating"], row["timestamp"])
            yield number, _rating(number, *fields)


__all__ = ["Layout", "MovieLensFolder", "parse_release_date", "year_in_title"]
