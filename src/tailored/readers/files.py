"""Reading catalog, user and event files: CSV/TSV, JSON lines, JSON arrays and Parquet.

`read_records` first makes sure the file can be read at all: a text file is decoded
whole once (streamed, see `text`), a Parquet file's footer is read. A file that cannot be
read is refused there, with the reason, before a single row is handed on, so an import
of it stores nothing. Then it streams (row number, record) pairs without loading the file
whole (JSON arrays excepted); a row it cannot read becomes a record holding only
`ERROR_KEY`, so the importer reports it with its row number instead of stopping.
`Shaper` then renames columns (``--map ours=theirs``) and turns a record into the fields
the engine expects; columns the engine has no field for are kept, as item attributes,
user traits or event context, never dropped.

>>> shape = Shaper("items", mapping={"id": "sku"}, infer=True)
>>> shape({"sku": "0042", "title": "Tee", "categories": "men|tops", "price": "19.90"})
{'id': '0042', 'title': 'Tee', 'categories': ['men', 'tops'], 'attributes': {'price': 19.9}}
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

from tailored.errors import InvalidInput
from tailored.readers.delimited import MAX_FIELD, Unreadable, split_rows
from tailored.readers.parquet import open_parquet
from tailored.readers.rows import ERROR_KEY, Kind
from tailored.readers.text import TextFile, bounded_lines

Format = Literal["csv", "tsv", "jsonl", "json", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "tsv", "jsonl", "json", "parquet")
Rows = Iterator[tuple[int, dict[str, Any]]]
_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}

# The engine's fields per kind; the field that collects every other column comes last.
FIELDS: dict[Kind, tuple[str, ...]] = {
    "items": ("id", "title", "description", "categories", "available", "attributes"),
    "users": ("id", "traits"),
    "events": ("event_id", "user_id", "item_id", "type", "value", "timestamp", "context"),
}
_OPEN_ENDED = {"items": "attributes", "users": "traits", "events": "context"}
_IDS = {"id", "event_id", "user_id", "item_id"}
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_TRUE, _FALSE = {"true", "yes"}, {"false", "no"}


def detect_format(path: Path) -> Format:
    """The format a file's name says (a ``.gz`` ending is looked through).

    >>> detect_format(Path("events.jsonl.gz")), detect_format(Path("items.CSV"))
    ('jsonl', 'csv')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    known = ", ".join(sorted(_SUFFIXES))
    raise InvalidInput("format", f"cannot tell from the name {path.name!r} ({known}); pass it")


@dataclass
class Records:
    """The rows of a file that could be read, and how many to expect (for progress bars:
    lines less the header; None where it is not known up front, e.g. a JSON array)."""

    rows: Rows
    expected: int | None
    encoding: str | None = None  # the one the text is read in (None for Parquet)

    def __iter__(self) -> Rows:
        return self.rows


def read_records(
    path: Path,
    *,
    format: Format | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Records:
    """The records of `path`, once it is known to be readable (see the module docstring).

    Rows count from 1, a header does not. `encoding` defaults to what a byte-order mark
    says, else UTF-8; `progress` gets the bytes of the file checked so far.
    """
    if not path.is_file():
        raise InvalidInput("file", f"{path} does not exist or is not a file")
    kind = format or detect_format(path)
    if kind not in FORMATS:
        raise InvalidInput("format", f"must be one of {', '.join(FORMATS)}, not {kind!r}")
    if kind == "parquet":
        if encoding is not None:
            raise InvalidInput("encoding", "does not apply to Parquet, whose text is UTF-8")
        rows, count = open_parquet(path)
        return Records(rows, count)
    if delimiter is not None and len(delimiter) != 1:
        raise InvalidInput("delimiter", f"must be one character, got {delimiter!r}")
    text = TextFile.open(path, encoding)
    lines = text.scan(progress)
    if kind == "jsonl":
        return Records(_changed(text, _json_lines(text)), lines, text.encoding)
    if kind == "json":
        return Records(_changed(text, _json_array(text)), None, text.encoding)
    rows = _delimited(text, delimiter or ("\t" if kind == "tsv" else ","))
    return Records(_changed(text, rows), max(lines - 1, 0), text.encoding)


def _changed(text: TextFile, rows: Rows) -> Rows:
    """`rows`, with a clear error should the file stop decoding after it was checked."""
    try:
        yield from rows
    except UnicodeDecodeError as error:
        problem = f"{text.path.name} changed while it was read: it is no longer {text.encoding}"
        raise InvalidInput("file", f"{problem} ({error.reason})") from None


def _delimited(text: TextFile, delimiter: str) -> Rows:
    """The data rows of a CSV file; its header is read (and checked) before returning."""
    file = text.stream()
    rows = split_rows(file, delimiter=delimiter)
    try:
        _, header = next(rows, (0, []))
        if isinstance(header, Unreadable):
            raise InvalidInput("header", f"cannot be read: {header.problem}")
        header = [name.strip() for name in header]
        if header and (len(set(header)) != len(header) or "" in header):
            raise InvalidInput("header", f"column names must be unique and non-empty: {header}")
    except BaseException:
        file.close()
        raise
    return _data_rows(file, rows, header)


def _data_rows(
    file: IO[str], rows: Iterator[tuple[int, list[str] | Unreadable]], header: list[str]
) -> Rows:
    with file:
        for number, (_, values) in enumerate(rows, start=1):
            if isinstance(values, Unreadable):
                known = values.column is not None and values.column < len(header)
                field = header[values.column] if known else "row"  # type: ignore[index]
                yield number, {ERROR_KEY: InvalidInput(field, values.problem)}
            elif not values:
                continue  # a blank line
            elif len(values) != len(header):
                problem = f"has {len(values)} fields; the header has {len(header)}"
                yield number, {ERROR_KEY: problem}
            else:
                yield number, dict(zip(header, values, strict=True))


def _json_lines(text: TextFile) -> Rows:
    with text.stream() as file:
        for number, line in bounded_lines(file, MAX_FIELD):
            if line is None:
                yield number, {ERROR_KEY: f"line longer than {MAX_FIELD:,} characters"}
            elif line.strip():
                yield number, _object(line)


def _object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except ValueError as error:
        return {ERROR_KEY: f"is not valid JSON: {error}"}
    except RecursionError:
        return {ERROR_KEY: "is not valid JSON here: nested too deeply"}
    if not isinstance(value, dict):
        return {ERROR_KEY: f"must be a JSON object, not {type(value).__name__}"}
    return value


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    """A JSON number as a float; one too large for a float (1e309) is refused, not infinity."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def _json_array(text: TextFile) -> Rows:
    with text.stream() as file:
        try:
            document = json.load(file, parse_constant=_not_json, parse_float=_finite)
        except ValueError as error:
            raise InvalidInput("file", f"is not valid JSON: {error}") from None
        except RecursionError:
            raise InvalidInput("file", "is not valid JSON here: nested too deeply") from None
    if not isinstance(document, list):
        raise InvalidInput("file", "a .json file must hold an array of objects (or use .jsonl)")
    for number, value in enumerate(document, start=1):
        if isinstance(value, dict):
            yield number, value
        else:
            yield number, {ERROR_KEY: f"must be a JSON object, not {type(value).__name__}"}


def parse_mapping(pairs: Sequence[str], *, kind: Kind) -> dict[str, str]:
    """``["id=sku", "title=name"]`` -> {our field: their column}, checked against `kind`.

    >>> parse_mapping(["user_id=customer"], kind="events")
    {'user_id': 'customer'}
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or not ours or not theirs:
            raise InvalidInput("map", f"{pair!r} must look like field=column, e.g. id=sku")
        if ours not in FIELDS[kind]:
            known = ", ".join(FIELDS[kind])
            raise InvalidInput("map", f"{ours!r} is not a field of {kind}; fields: {known}")
        if ours in mapping:
            raise InvalidInput("map", f"{ours!r} is mapped twice")
        mapping[ours] = theirs
    return mapping


def infer_scalar(text: str) -> Any:
    """A text cell as the JSON value it most likely is; ids like "0042" stay text.

    >>> [infer_scalar(t) for t in ["12", "-0.5", "1e3", "0042", "true", "No", "abc"]]
    [12, -0.5, 1000.0, '0042', True, False, 'abc']
    """
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped):
        if not any(c in stripped for c in ".eE"):
            return int(stripped)
        number = float(stripped)
        return number if math.isfinite(number) else text  # 1e309 is no float: keep the text
    lowered = stripped.lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    return text


def _jsonable(value: Any) -> Any:
    """Typed columns (Parquet) as JSON values: dates as ISO text, decimals as numbers."""
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


class Shaper:
    """Turns a source record into engine fields for one kind of row.

    `infer` says the source is text (CSV): empty cells are missing values, numbers and
    booleans in open-ended columns are parsed, JSON objects in object fields are decoded.
    """

    def __init__(
        self,
        kind: Kind,
        *,
        mapping: Mapping[str, str] | None = None,
        infer: bool = False,
        list_separator: str = "|",
        default_type: str | None = None,
    ) -> None:
        self.kind = kind
        self.theirs = {theirs: ours for ours, theirs in (mapping or {}).items()}
        # A field mapped from another column: their column of the same name is kept as
        # an extra, so it neither replaces the mapped value nor disappears.
        self.remapped = set(mapping or {}) - set(self.theirs)
        self.infer = infer
        self.list_separator = list_separator
        self.default_type = default_type
        self.extra_field = _OPEN_ENDED[kind]

    def __call__(self, record: Mapping[str, Any]) -> dict[str, Any]:
        shaped: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for column, value in record.items():
            if self.infer and isinstance(value, str) and not value.strip():
                continue  # an empty cell: the value is missing
            name = self.theirs.get(column, column)
            if name in FIELDS[self.kind] and column not in self.remapped:
                if value is not None:  # a null (Parquet, JSON) is a missing value
                    shaped[name] = self._field(name, value)
            elif value is not None:
                extra[column] = infer_scalar(value) if self._text(value) else _jsonable(value)
        if extra:
            base = shaped.get(self.extra_field, {})
            shaped[self.extra_field] = {**extra, **base}
        if self.kind == "events" and self.default_type and "type" not in shaped:
            shaped["type"] = self.default_type
        return shaped

    def _text(self, value: Any) -> bool:
        return self.infer and isinstance(value, str)

    def _field(self, name: str, value: Any) -> Any:
        if not self._text(value) or name in _IDS:
            return value
        if name == "categories":
            return [part.strip() for part in value.split(self.list_separator) if part.strip()]
        if name == "available":
            parsed = infer_scalar(value)
            if isinstance(parsed, bool) or parsed in (0, 1):
                return bool(parsed)
            raise InvalidInput("available", f"must be true/false, yes/no or 1/0, not {value!r}")
        if name == self.extra_field:
            decoded = _object(value)
            if ERROR_KEY in decoded:
                raise InvalidInput(name, decoded[ERROR_KEY])
            return decoded
        return value


__all__ = [
    "FIELDS",
    "FORMATS",
    "Format",
    "Records",
    "Shaper",
    "detect_format",
    "infer_scalar",
    "parse_mapping",
    "read_records",
]
