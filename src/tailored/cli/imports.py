"""`tailored import ...`: catalog, users and events from files, and MovieLens folders.

Every command first checks what it will read, then imports: a file that cannot be read
(not valid in its encoding, a damaged ``.gz`` or Parquet file, a bad header) is refused
in one line and nothing is stored; a row that cannot be read or stored is reported with
its row number, field and reason, and the others are stored.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Annotated, NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from tailored.cli.apps import App
from tailored.cli.common import (
    DatabaseOption,
    advancer,
    console,
    fail,
    open_engine,
    progress_bar,
    task_label,
)
from tailored.errors import InvalidInput
from tailored.readers.files import (
    FORMATS,
    Format,
    Shaper,
    detect_format,
    parse_mapping,
    read_records,
)
from tailored.readers.movielens import MovieLensFolder
from tailored.readers.rows import Kind
from tailored.readers.text import check_encoding
from tailored.workflows.imports import ImportReport, import_rows

app = App(
    help=(
        "Import data from files (CSV, TSV, JSON lines, JSON, Parquet; .gz too). A file is "
        "checked whole before anything is stored: one that cannot be read (e.g. a byte that "
        "is not valid in its encoding) is refused and nothing is imported. Rows that cannot "
        "be read or stored are listed (--errors FILE writes them all) and the rest imported."
    ),
    no_args_is_help=True,
)
SHOWN_REJECTIONS = 20
ERRORS_HEADER = ("kind", "row", "field", "reason")

FileArgument = Annotated[
    Path, typer.Argument(help="the file to read; its format comes from its name")
]
FormatOption = Annotated[
    str | None, typer.Option("--format", "-f", help=f"one of {', '.join(FORMATS)}")
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", "-m", help="field=column, repeatable: read our field from your column"),
]
DelimiterOption = Annotated[
    str | None, typer.Option(help="CSV field separator (default , for csv, tab for tsv)")
]
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        "-e",
        help=(
            "text encoding, e.g. latin-1, cp1252, utf-16 (default: what a byte-order mark "
            "says, else UTF-8). The whole file is decoded before anything is stored: a byte "
            "that is not valid stops the import, naming its line, and nothing is stored"
        ),
    ),
]
SeparatorOption = Annotated[
    str, typer.Option(help="separates categories in one text cell, e.g. men|shoes")
]
ErrorsOption = Annotated[
    Path | None,
    typer.Option(
        "--errors",
        help="write every rejected row to this CSV file (checked writable before importing)",
    ),
]
BatchOption = Annotated[int, typer.Option(help="rows per write", min=1, max=10_000)]


@app.command()
def items(
    file: FileArgument,
    database_url: DatabaseOption = None,
    format: FormatOption = None,
    map: MapOption = None,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    list_separator: SeparatorOption = "|",
    errors: ErrorsOption = None,
    batch_size: BatchOption = 1000,
) -> None:
    """Catalog items: id, title, description, categories, available; other columns
    become attributes (brand, price, ...). Existing items are replaced."""
    shape = Shaper("items", mapping=_mapping(map, "items"), list_separator=list_separator)
    _import_file(shape, file, database_url, format, delimiter, encoding, errors, batch_size)


@app.command()
def users(
    file: FileArgument,
    database_url: DatabaseOption = None,
    format: FormatOption = None,
    map: MapOption = None,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    errors: ErrorsOption = None,
    batch_size: BatchOption = 1000,
) -> None:
    """User profiles: id, and every other column as a trait (age, city, tier, ...)."""
    shape = Shaper("users", mapping=_mapping(map, "users"))
    _import_file(shape, file, database_url, format, delimiter, encoding, errors, batch_size)


@app.command()
def events(
    file: FileArgument,
    database_url: DatabaseOption = None,
    format: FormatOption = None,
    map: MapOption = None,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    type: Annotated[
        str | None, typer.Option("--type", "-t", help="event type for rows without one")
    ] = None,
    errors: ErrorsOption = None,
    batch_size: BatchOption = 1000,
) -> None:
    """Events: event_id, user_id, item_id, type, value, timestamp; other columns become
    context. Rows whose event_id is already stored are counted as duplicates."""
    shape = Shaper("events", mapping=_mapping(map, "events"), default_type=type)
    _import_file(shape, file, database_url, format, delimiter, encoding, errors, batch_size)


@app.command()
def movielens(
    directory: Annotated[
        Path, typer.Argument(help="an ml-100k, ml-1m or ml-latest(-small) folder")
    ],
    database_url: DatabaseOption = None,
    errors: ErrorsOption = None,
    batch_size: BatchOption = 5000,
) -> None:
    """Movies (titles, genres), users (traits) and ratings (`rate` events, original times).
    Every file is checked before anything is stored."""
    try:
        folder = MovieLensFolder.open(directory)
    except InvalidInput as error:
        fail(str(error))
    parts = [path for kind in folder.parts() if (path := folder.file(kind))]
    sink = _open_errors(errors, parts)
    console.print(f"{directory}: MovieLens layout {folder.layout}")
    reports = []
    with progress_bar() as progress:
        checking = progress.add_task("checking", total=sum(p.stat().st_size for p in parts))
        try:
            counts = folder.check(advancer(progress, checking))
        except InvalidInput as error:
            _refuse(error, directory, "movielens", sink)
        with open_engine(database_url, create=True) as engine:
            for kind in folder.parts():
                task = progress.add_task(f"movielens {kind}", total=counts[kind])
                report = import_rows(
                    engine,
                    kind,
                    folder.rows(kind),
                    batch_size=batch_size,
                    progress=advancer(progress, task),
                )
                reports.append(report)
    _finish(reports, errors, sink)


def _mapping(pairs: list[str] | None, kind: Kind) -> dict[str, str]:
    try:
        return parse_mapping(pairs or [], kind=kind)
    except InvalidInput as error:
        fail(str(error))
        raise


def _import_file(
    shape: Shaper,
    file: Path,
    database_url: str | None,
    format: str | None,
    delimiter: str | None,
    encoding: str | None,
    errors: Path | None,
    batch_size: int,
) -> None:
    if format is not None and format not in FORMATS:
        fail(f"--format: must be one of {', '.join(FORMATS)}, not {format!r}")
    if encoding is not None:
        try:
            check_encoding(encoding)
        except InvalidInput as error:
            fail(f"--encoding: {error.problem}")
    if not file.is_file():
        fail(f"{file}: no such file")
    sink = _open_errors(errors, [file])
    with progress_bar() as progress:
        checking = progress.add_task(task_label("check", file.name), total=file.stat().st_size)
        try:
            fmt: Format = format or detect_format(file)
            records = read_records(
                file,
                format=fmt,
                delimiter=delimiter,
                encoding=encoding,
                progress=advancer(progress, checking),
            )
        except InvalidInput as error:
            _refuse(error, file, shape.kind, sink)
        progress.update(checking, completed=file.stat().st_size)
        shape.infer = fmt in ("csv", "tsv")  # text cells: parse numbers, empty = missing
        with open_engine(database_url, create=True) as engine:
            task = progress.add_task(task_label(shape.kind, file.name), total=records.expected)
            report = import_rows(
                engine,
                shape.kind,
                records,
                shape=shape,
                batch_size=batch_size,
                progress=advancer(progress, task),
            )
    _finish([report], errors, sink)


def _open_errors(path: Path | None, inputs: Sequence[Path]) -> IO[str] | None:
    """The --errors file, opened (and emptied) before anything is read, so that a path
    that cannot be written fails at once instead of after the import."""
    if path is None:
        return None
    if path.exists() and any(os.path.samefile(path, source) for source in inputs):
        fail(f"--errors: {path} is a file being imported; name another file")
    try:
        return path.open("w", newline="", encoding="utf-8")
    except OSError as error:
        fail(f"--errors: cannot write {path}: {error.strerror or error}")


def _refuse(error: InvalidInput, source: Path, kind: str, sink: IO[str] | None) -> NoReturn:
    """A source that cannot be read: say why in one line, store nothing, exit 1."""
    if error.field in ("format", "delimiter", "encoding"):
        message = f"--{error.field}: {error.problem}"
    elif error.field == "file":
        message = error.problem
    else:
        message = f"{source.name}: {error}"
    if sink is not None:  # the file of an earlier run would list rows this run never read
        with sink:
            writer = csv.writer(sink)
            writer.writerows([ERRORS_HEADER, (kind, "", error.field, error.problem)])
    fail(f"{message}; nothing was imported")


def _finish(reports: Iterable[ImportReport], errors: Path | None, sink: IO[str] | None) -> None:
    """Print what happened to every row; exit 1 when any row was rejected."""
    reports = list(reports)
    table = Table("rows", "read", "imported", "already stored", "rejected")
    for report in reports:
        duplicates = str(report.duplicates) if report.kind == "events" else "-"
        table.add_row(
            report.kind,
            str(report.read),
            str(report.imported),
            duplicates,
            f"[red]{len(report.rejected)}[/]" if report.rejected else "0",
        )
    console.print(table)
    rejected = [(report.kind, r) for report in reports for r in report.rejected]
    if sink is not None:  # written even when empty: a file left by an earlier run would lie
        with sink:
            writer = csv.writer(sink)
            writer.writerow(ERRORS_HEADER)
            writer.writerows((kind, r.row, r.field, r.reason) for kind, r in rejected)
    if not rejected:
        return
    listing = Table("kind", "row", "field", "reason", title="rejected rows")
    for kind, rejection in rejected[:SHOWN_REJECTIONS]:
        # Fields and reasons quote the file: never markup.
        listing.add_row(kind, str(rejection.row), escape(rejection.field), escape(rejection.reason))
    console.print(listing)
    if errors is not None:
        console.print(f"all {len(rejected)} rejected rows written to {escape(str(errors))}")
    elif len(rejected) > SHOWN_REJECTIONS:
        console.print(f"... and {len(rejected) - SHOWN_REJECTIONS} more (--errors FILE lists all)")
    fail(f"{len(rejected)} rows rejected (the others were imported)")


__all__ = ["app"]
