"""CSV and TSV rows from a text stream, where a row too long to read is a rejected row.

The csv module stops at a field over 128 KiB (its default limit) with an error that ends
the reading. Here the bound is `MAX_FIELD` characters, for a field and for a physical line:
32 MiB, the REST API's default largest request body (``TAILORED_MAX_BODY_BYTES``), so any
value the API would take can come from a file too, and the memory one row can take stays
bounded. A row past it (most often an unbalanced quote that swallowed the lines after
it) is one `Unreadable` row naming the column and the lines it spans, and reading goes on
after it.

>>> import io
>>> rows = split_rows(io.StringIO('id,title\\na,"long\\ntitle"\\nb,' + "x" * 12 + "\\nc,ok\\n"),
...                   delimiter=",", max_field=10)
>>> [(line, row) for line, row in rows]  # doctest: +NORMALIZE_WHITESPACE
[(1, ['id', 'title']), (2, ['a', 'long\\ntitle']),
 (4, Unreadable(column=1, first_line=4, last_line=4, limit=10)), (5, ['c', 'ok'])]
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

MAX_FIELD = 32 * 2**20
QUOTE = '"'


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A row with a field or a line over `limit` characters: the column at fault (0-based;
    None when no single field is, only the line) and the lines the row spans."""

    column: int | None
    first_line: int
    last_line: int
    limit: int

    @property
    def problem(self) -> str:
        lines = (
            f"line {self.first_line:,}"
            if self.first_line == self.last_line
            else f"lines {self.first_line:,}-{self.last_line:,}"
        )
        what = "line" if self.column is None else "value"
        hint = "" if self.first_line == self.last_line else "; an unbalanced quote?"
        return f"{what} longer than {self.limit:,} characters ({lines}{hint})"


def split_rows(
    stream: IO[str], *, delimiter: str, max_field: int = MAX_FIELD
) -> Iterator[tuple[int, list[str] | Unreadable]]:
    """(first line, fields) for each row of `stream`, the header included; a blank line
    gives ``[]``, a row over `max_field` an `Unreadable`."""
    # The module-wide limit only ever rises (other readers in the process may rely on a
    # higher one); the bound of this reader is checked on every field below.
    csv.field_size_limit(max(csv.field_size_limit(), max_field))
    lines = _Lines(stream, max_field)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        first = lines.number + 1
        lines.held.clear()
        try:
            fields = next(reader)
        except StopIteration:
            return
        except (csv.Error, _LineTooLong):
            yield first, _skip_row(lines, delimiter, first, max_field)
            continue
        long = next((n for n, value in enumerate(fields) if len(value) > max_field), None)
        if long is None:
            yield first, fields
        else:
            yield first, Unreadable(long, first, lines.number, max_field)


class _LineTooLong(Exception):
    pass


class _Lines:
    """The physical lines handed to the csv module, each at most `limit` characters, and
    those of the row being read (to find its end if the module gives up on it)."""

    def __init__(self, stream: IO[str], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.number = 0  # lines read to their end
        self.cut = False  # in the middle of a line too long to hand over
        self.held: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(self.limit + 2)  # room for the line end, \r\n included
        if not line:
            raise StopIteration
        self.held.append(line)
        if len(line) > self.limit and not _ends(line):
            self.cut = True
            raise _LineTooLong
        self.number += 1
        return line

    def more(self) -> str:
        """The next piece of the current line, or of the next one ("" at the end)."""
        piece = self.stream.readline(self.limit)
        if _ends(piece) or (self.cut and not piece):
            self.number += 1
        self.cut = bool(piece) and not _ends(piece)
        return piece


def _ends(line: str) -> bool:
    return line.endswith(("\n", "\r"))


def _skip_row(lines: _Lines, delimiter: str, first: int, limit: int) -> Unreadable:
    """Read past the rest of a row the csv module gave up on, and say what was wrong."""
    row = _RowEnd(delimiter, limit)
    ended = False
    for line in lines.held:
        ended = row.feed(line)
    while not ended:
        piece = lines.more()
        if not piece:
            break
        ended = row.feed(piece)
    return Unreadable(row.over, first, max(lines.number, first), limit)


class _RowEnd:
    """Follows one row through text the way the csv module reads it (a quote opens a
    quoted field only at the field's start; ``""`` inside one is a quote; a line end
    outside quotes ends the row), to find where it ends and which field ran over."""

    def __init__(self, delimiter: str, limit: int) -> None:
        self.stop = re.compile(f"[{re.escape(delimiter)}\r\n]")
        self.delimiter = delimiter
        self.limit = limit
        self.state = "start"  # start | field | quoted | quote | end
        self.column = 0
        self.length = 0
        self.over: int | None = None

    def feed(self, text: str) -> bool:
        """Go on through `text` (a line, or a piece of one); True once the row has ended."""
        at = 0
        while at < len(text):
            if self.state == "quoted":
                found = text.find(QUOTE, at)
                end = len(text) if found < 0 else found
                self._grow(end - at)
                if found >= 0:
                    self.state = "quote"
                at = end + 1
                continue
            if self.state == "field":
                match = self.stop.search(text, at)
                end = len(text) if match is None else match.start()
                self._grow(end - at)
                at = end
                if match is None:
                    continue
            char = text[at]
            at += 1
            if self.state == "end" or char in "\r\n":
                self.state = "end"  # \r\n, or the second half of it
            elif char == self.delimiter:
                self.state, self.column, self.length = "start", self.column + 1, 0
            elif char == QUOTE and self.state == "start":
                self.state = "quoted"
            elif char == QUOTE and self.state == "quote":  # "" inside quotes
                self.state = "quoted"
                self._grow(1)
            else:  # text after a closing quote stays in the field (as the csv module does)
                self.state = "field"
                self._grow(1)
        return self.state == "end"

    def _grow(self, length: int) -> None:
        self.length += length
        if self.over is None and self.length > self.limit:
            self.over = self.column


__all__ = ["MAX_FIELD", "Unreadable", "split_rows"]
