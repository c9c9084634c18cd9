"""`tailored import ...`: catalog, users and events from files, and MovieLens folders."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tailored.cli.common import DatabaseOption, advancer, console, fail, open_engine, progress_bar
from tailored.engine.imports import ImportReport, Kind, import_rows
from tailored.engine.imports.files import (
    FORMATS,
    Format,
    Shaper,
    count_rows,
    detect_format,
    parse_mapping,
    read_records,
)
from tailored.engine.imports.movielens import MovieLensFolder
from tailored.errors import InvalidInput

app = typer.Typer(
    help="Import data from files (CSV, TSV, JSON lines, JSON, Parquet; .gz too).",
    no_args_is_help=True,
)
SHOWN_REJECTIONS = 20

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
SeparatorOption = Annotated[
    str, typer.Option(help="separates categories in one text cell, e.g. men|shoes")
]
ErrorsOption = Annotated[
    Path | None, typer.Option("--errors", help="write every rejected row to this CSV file")
]
BatchOption = Annotated[int, typer.Option(help="rows per write", min=1, max=10_000)]


@app.command()
def items(
    file: FileArgument,
    database_url: DatabaseOption = None,
    format: FormatOption = None,
    map: MapOption = None,
    delimiter: DelimiterOption = None,
    list_separator: SeparatorOption = "|",
    errors: ErrorsOption = None,
    batch_size: BatchOption = 1000,
) -> None:
    """Catalog items: id, title, description, categories, available; other columns
    become attributes (brand, price, ...). Existing items are replaced."""
    shape = Shaper("items", mapping=_mapping(map, "items"), list_separator=list_separator)
    _import_file(shape, file, database_url, format, delimiter, errors, batch_size)


@app.command()
def users(
    file: FileArgument,
    database_url: DatabaseOption = None,
    format: FormatOption = None,
    map: MapOption = None,
    delimiter: DelimiterOption = None,
    errors: ErrorsOption = None,
    batch_size: BatchOption = 1000,
) -> None:
    """User profiles: id, and every other column as a trait (age, city, tier, ...)."""
    shape = Shaper("users", mapping=_mapping(map, "users"))
    _import_file(shape, file, database_url, format, delimiter, errors, batch_size)


@app.command()
def events(
    file: FileArgument,
    database_url: DatabaseOption = None,
    format: FormatOption = None,
    map: MapOption = None,
    delimiter: DelimiterOption = None,
    type: Annotated[
        str | None, typer.Option("--type", "-t", help="event type for rows without one")
    ] = None,
    errors: ErrorsOption = None,
    batch_size: BatchOption = 1000,
) -> None:
    """Events: event_id, user_id, item_id, type, value, timestamp; other columns become
    context. Rows whose event_id is already stored are counted as duplicates."""
    shape = Shaper("events", mapping=_mapping(map, "events"), default_type=type)
    _import_file(shape, file, database_url, format, delimiter, errors, batch_size)


@app.command()
def movielens(
    directory: Annotated[
        Path, typer.Argument(help="an ml-100k, ml-1m or ml-latest(-small) folder")
    ],
    database_url: DatabaseOption = None,
    errors: ErrorsOption = None,
    batch_size: BatchOption = 5000,
) -> None:
    """Movies (titles, genres), users (traits) and ratings (`rate` events, original times)."""
    with open_engine(database_url) as engine:
        folder = MovieLensFolder.open(directory)
        console.print(f"{directory}: MovieLens layout {folder.layout}")
        reports = []
        with progress_bar() as progress:
            for kind in folder.parts():
                task = progress.add_task(f"movielens {kind}", total=folder.count(kind))
                report = import_rows(
                    engine,
                    kind,
                    folder.rows(kind),
                    batch_size=batch_size,
                    progress=advancer(progress, task),
                )
                reports.append(report)
    _finish(reports, errors)


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
    errors: Path | None,
    batch_size: int,
) -> None:
    if format is not None and format not in FORMATS:
        fail(f"--format: must be one of {', '.join(FORMATS)}, not {format!r}")
    if not file.is_file():
        fail(f"{file}: no such file")
    with open_engine(database_url) as engine:
        fmt: Format = format or detect_format(file)  # type: ignore[assignment]
        shape.infer = fmt in ("csv", "tsv")  # text cells: parse numbers, empty = missing
        records = read_records(file, format=fmt, delimiter=delimiter)
        with progress_bar() as progress:
            label = f"{shape.kind} {file.name}"[:18]
            task = progress.add_task(label, total=count_rows(file, format=fmt))
            report = import_rows(
                engine,
                shape.kind,
                records,
                shape=shape,
                batch_size=batch_size,
                progress=advancer(progress, task),
            )
    _finish([report], errors)


def _finish(reports: Iterable[ImportReport], errors: Path | None) -> None:
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
    if errors is not None:  # written even when empty: a file left by an earlier run would lie
        with errors.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["kind", "row", "field", "reason"])
            writer.writerows((kind, r.row, r.field, r.reason) for kind, r in rejected)
    if not rejected:
        return
    listing = Table("kind", "row", "field", "reason", title="rejected rows")
    for kind, rejection in rejected[:SHOWN_REJECTIONS]:
        listing.add_row(kind, str(rejection.row), rejection.field, rejection.reason)
    console.print(listing)
    if errors is not None:
        console.print(f"all {len(rejected)} rejected rows written to {errors}")
    elif len(rejected) > SHOWN_REJECTIONS:
        console.print(f"... and {len(rejected) - SHOWN_REJECTIONS} more (--errors FILE lists all)")
    fail(f"{len(rejected)} rows rejected (the others were imported)")


__all__ = ["app"]
