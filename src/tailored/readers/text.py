"""Text files as the importers read them: which encoding, whether it decodes, how many lines.

The encoding is the one given or, without one, what a byte-order mark says (UTF-8, UTF-16
or UTF-32), else UTF-8. Guessing from the bytes is neither cheap nor reliable: a wrong
guess stores mangled text without a word, so we do not guess.

`TextFile.scan` decodes the whole file once, a block at a time (constant memory), before a
single row is read. A file that is not valid in its encoding is refused with the line and
byte of the first bad byte, so nothing of it is stored. PostgreSQL's ``COPY``, DuckDB and
pandas refuse such a file too, and for the same reason: one undecodable byte nearly always
means the whole file is in another encoding, and importing the rows that happen to decode
would leave a store that the second run, with the right encoding, only half repairs (rows
already stored with text decoded wrongly, events without an id stored twice).

>>> check_encoding("Latin-1"), check_encoding("UTF8"), check_encoding("windows-1252")
('iso8859-1', 'utf-8', 'cp1252')
>>> byte_order_mark(b"\\xff\\xfei\\x00d\\x00"), byte_order_mark(b"id,title")
('utf-16', None)
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from tailored.errors import InvalidInput

BLOCK = 1 << 20  # bytes decoded at a time by `scan`
# UTF-32 first: its little-endian mark starts with UTF-16's.
_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# An encoding named with its byte order (utf-16-le) or without a mark (utf-8) reads the
# same file with its mark too, the mark dropped instead of becoming part of the first value.
_MARK_READERS = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}
_MARK_READERS |= {"utf-32-le": "utf-32", "utf-32-be": "utf-32"}
_EXAMPLES = "e.g. utf-8, utf-16, latin-1, cp1252"


def check_encoding(name: str) -> str:
    """The codec name Python knows `name` by; `InvalidInput` naming ``encoding`` if none."""
    try:
        codec = codecs.lookup(name)
    except LookupError:
        raise InvalidInput("encoding", f"unknown encoding {name!r} ({_EXAMPLES})") from None
    if not codec._is_text_encoding:  # base64, rot13, zlib ...: codecs, not text encodings
        raise InvalidInput("encoding", f"{name!r} is not a text encoding ({_EXAMPLES})")
    return codec.name


def byte_order_mark(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `head` announces, if there is one."""
    return next((encoding for mark, encoding in _MARKS if head.startswith(mark)), None)


def label(encoding: str) -> str:
    """How to name an encoding to a person: ``UTF-8`` for both utf-8 and utf-8-sig."""
    return {"utf-8-sig": "UTF-8"}.get(encoding, encoding.upper() if "utf" in encoding else encoding)


@dataclass(frozen=True, slots=True)
class TextFile:
    """A text file (``.gz`` is decompressed on the fly) and the encoding to read it in.

    >>> TextFile.open(Path("/nonexistent.csv"), "utf9")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tailored.errors.InvalidInput: encoding: unknown encoding 'utf9' (e.g. utf-8, ...)
    """

    path: Path
    encoding: str
    mark: str | None = None  # the encoding a byte-order mark announced, if any

    @classmethod
    def open(cls, path: Path, encoding: str | None = None) -> TextFile:
        """`path` in `encoding`, else in what its byte-order mark says, else in UTF-8."""
        given = check_encoding(encoding) if encoding is not None else None
        try:
            with _binary(path) as file:
                mark = byte_order_mark(file.read(4))
        except (OSError, EOFError, zlib.error) as error:
            raise InvalidInput("file", f"{path.name} cannot be read: {_reason(error)}") from None
        if given is None:
            return cls(path, mark or "utf-8", mark)
        reader = _MARK_READERS.get(given, given)
        if mark is not None and codecs.lookup(reader).name == codecs.lookup(mark).name:
            return cls(path, reader, mark)  # the mark agrees: drop it while decoding
        return cls(path, given, mark)

    def stream(self) -> IO[str]:
        """The decoded text; ``newline=""`` keeps line ends as they are (the csv module's need)."""
        return io.TextIOWrapper(_binary(self.path), encoding=self.encoding, newline="")

    def scan(self, progress: Callable[[int], None] | None = None) -> int:
        """Decode the whole file and count its lines; `progress` gets the bytes read.

        Raises `InvalidInput` naming ``file`` when a byte does not decode (with its line
        and offset) or the file cannot be read (a truncated ``.gz``, say).
        """
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        lines, last, offset = 0, "\n", 0
        try:
            with self.path.open("rb") as raw, _decompressed(self.path, raw) as data:
                position = 0  # of `raw`: progress counts the bytes of the file itself
                for block in iter(lambda: data.read(BLOCK), b""):
                    if offset == 0 and _wide_text(block, self.encoding):
                        raise self._nul()
                    state = decoder.getstate()
                    try:
                        text = decoder.decode(block)
                    except UnicodeDecodeError as error:
                        raise self._undecodable(error, state, block, offset, lines) from None
                    lines += text.count("\n")
                    last = text[-1:] or last
                    offset += len(block)
                    if progress is not None:
                        moved, position = raw.tell() - position, raw.tell()
                        progress(moved)
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    problem = f"ends in the middle of a {label(self.encoding)} character"
                    raise InvalidInput("file", f"{self.path.name} {problem}") from None
        except (OSError, EOFError, zlib.error) as error:
            raise InvalidInput(
                "file", f"{self.path.name} cannot be read: {_reason(error)}"
            ) from None
        return lines + (last != "\n")  # a last line without its newline counts

    def _nul(self) -> InvalidInput:
        problem = f"{self.path.name} line 1 holds NUL characters: not {label(self.encoding)}"
        hint = "UTF-16 or UTF-32 without a byte-order mark? name it (e.g. --encoding utf-16-le)"
        return InvalidInput("file", f"{problem}; {self._mark_hint() or hint}")

    def _mark_hint(self) -> str | None:
        if self.mark is None or self.mark == self.encoding:
            return None
        return f"the file starts with a {label(self.mark)} byte-order mark: read it as {self.mark}"

    def _undecodable(
        self,
        error: UnicodeDecodeError,
        state: tuple[bytes, int],
        block: bytes,
        offset: int,
        lines: int,
    ) -> InvalidInput:
        # The decoder may have prefixed `block` with bytes it held back from the previous
        # block; positions in `error` count from the start of what it decoded.
        held = len(error.object) - len(block)
        before = codecs.getincrementaldecoder(self.encoding)("replace")
        before.setstate(state)
        line = lines + before.decode(block[: max(error.start - held, 0)]).count("\n") + 1
        bad = " ".join(f"0x{byte:02x}" for byte in error.object[error.start : error.end][:4])
        where = f"{self.path.name} line {line:,} (byte {offset - held + error.start:,})"
        problem = f"{where}: {bad} is not valid {label(self.encoding)}"
        hint = "if the file is in another encoding, name it (e.g. --encoding cp1252 or latin-1)"
        return InvalidInput("file", f"{problem}; {self._mark_hint() or hint}")


def bounded_lines(stream: IO[str], limit: int) -> Iterator[tuple[int, str | None]]:
    """(line number, line) for each line of `stream`; None for a line of more than `limit`
    characters, which is skipped without ever being held whole in memory."""
    number = 0
    while line := stream.readline(limit + 2):  # room for the line end, \r\n included
        number += 1
        if len(line) <= limit or line.endswith(("\n", "\r")):
            yield number, line
            continue
        while (rest := stream.readline(limit)) and not rest.endswith(("\n", "\r")):
            pass
        yield number, None


def _wide_text(head: bytes, encoding: str) -> bool:
    """Whether the first line holds NUL bytes where `encoding` reads them as text: no
    header or record does, but UTF-16 or UTF-32 read as UTF-8 or latin-1 do (every other
    byte of ASCII text is 0), and decode without an error."""
    wide = encoding.startswith(("utf-16", "utf-32"))
    return not wide and b"\x00" in head.partition(b"\n")[0]


def _binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _decompressed(path: Path, raw: IO[bytes]) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    return raw


def _reason(error: BaseException) -> str:
    if isinstance(error, EOFError):
        return "it ends too early (a truncated download?)"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


__all__ = ["BLOCK", "TextFile", "bounded_lines", "byte_order_mark", "check_encoding", "label"]
