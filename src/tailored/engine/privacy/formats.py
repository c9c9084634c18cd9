"""Writing an export as it is read: JSON, or a zip of CSV files with a README.

Both writers take sections (a kind of data, its columns and an iterator of its rows) and
yield bytes in pieces of about `PIECE` bytes, so what is held at once is one piece and
the page of rows being written, whatever the size of the export. The zip is written on
a sink that cannot seek: `zipfile` then puts each file's sizes after its data (a data
descriptor), which every unzip reads.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

PIECE = 64 * 1024  # bytes handed on at a time (a response chunk)


@dataclass(frozen=True, slots=True)
class Section:
    """One kind of data: its name, what it is (`about`), its columns with what each
    holds (`types`, in words), and its rows (read lazily, once)."""

    name: str
    about: str
    columns: tuple[str, ...]
    types: tuple[str, ...]
    rows: Iterable[Mapping[str, Any]]


def plain(value: Any) -> Any:
    """A stored value as JSON has it: times as ISO 8601 text."""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} in an export")


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def json_pieces(header: Mapping[str, Any], sections: Iterable[Section]) -> Iterator[bytes]:
    """``{...header, "data": {"<kind>": [{column: value}, ...], ...}}`` in pieces.

    >>> rows = [{"item_id": "mug", "n": 1}]
    >>> b"".join(json_pieces({"user_id": "u1"}, [Section("events", "", ("item_id", "n"),
    ...     ("text", "whole number"), rows)]))
    b'{"user_id":"u1","data":{"events":[{"item_id":"mug","n":1}]}}'
    """
    buffer = io.StringIO()
    buffer.write(_dumps(dict(header))[:-1] + ',"data":{')
    for number, section in enumerate(sections):
        buffer.write(("," if number else "") + _dumps(section.name) + ":[")
        for count, row in enumerate(section.rows):
            buffer.write(("," if count else "") + _dumps(dict(row)))
            if buffer.tell() >= PIECE:
                yield buffer.getvalue().encode()
                buffer = io.StringIO()
        buffer.write("]")
    buffer.write("}}")
    yield buffer.getvalue().encode()


def csv_cell(value: Any) -> str:
    """A value in a CSV cell: empty for null, JSON for objects and lists, true/false.

    >>> [csv_cell(v) for v in (None, True, 2.5, {"size": "M"}, "Oslo")]
    ['', 'true', '2.5', '{"size":"M"}', 'Oslo']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return _dumps(value)
    return str(plain(value))


def readme(header: Mapping[str, Any], sections: Iterable[Section]) -> str:
    """README.txt of a zip export: what each file holds, and each of its columns."""
    lines = [
        f"Export of everything stored about user {header['user_id']!r}",
        f"made at {header['exported_at']}.",
        "",
        "One CSV file per kind of data (UTF-8, a header row, comma-separated). Empty",
        "cells are empty values; JSON cells hold objects or lists written as JSON.",
        "",
    ]
    for section in sections:
        lines += [f"{section.name}.csv", f"  {section.about}", "  Columns:"]
        lines += [f"    {c}: {t}" for c, t in zip(section.columns, section.types, strict=True)]
        lines.append("")
    return "\n".join(lines)


class _Sink(io.RawIOBase):
    """Where the zip is written: it collects bytes until taken, and cannot seek."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self._size = 0
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        piece = bytes(data)
        self._pieces.append(piece)
        self._size += len(piece)
        self._written += len(piece)
        return len(piece)

    def tell(self) -> int:  # zipfile records each file's offset
        return self._written

    @property
    def size(self) -> int:
        return self._size

    def take(self) -> bytes:
        taken = b"".join(self._pieces)
        self._pieces, self._size = [], 0
        return taken


def zip_pieces(header: Mapping[str, Any], sections: Iterable[Section]) -> Iterator[bytes]:
    """A zip of README.txt and ``<kind>.csv`` per section, in pieces."""
    sections = list(sections)  # the rows stay unread until their file is written
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(header, sections))
        for section in sections:
            with archive.open(f"{section.name}.csv", mode="w", force_zip64=True) as file:
                text = io.StringIO()
                out = csv.writer(text, lineterminator="\n")
                out.writerow(section.columns)
                for row in section.rows:
                    out.writerow([csv_cell(row.get(column)) for column in section.columns])
                    if text.tell() >= PIECE:
                        file.write(text.getvalue().encode())
                        text.seek(0)
                        text.truncate()
                        if sink.size >= PIECE:
                            yield sink.take()
                file.write(text.getvalue().encode())
            if sink.size >= PIECE:
                yield sink.take()
    yield sink.take()


__all__ = ["PIECE", "Section", "csv_cell", "json_pieces", "plain", "readme", "zip_pieces"]
