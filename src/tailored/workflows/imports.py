"""Bulk import as a use case: shaped rows in, batched writes, a full account out.

Readers (`tailored.readers`) turn files into raw rows; this module sends them to the
engine in batches and keeps every rejection with the row number it came from, so an
import never drops a row without saying which and why.

>>> from tailored import Engine
>>> with Engine.open("sqlite://") as engine:
...     report = import_rows(engine, "items", [(1, {"id": "a"}), (2, {"title": "no id"})])
>>> (report.read, report.imported, [(r.row, r.field) for r in report.rejected])
(2, 1, [(2, 'id')])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tailored.domain.results import BatchResult
from tailored.engine.engine import Engine
from tailored.errors import InvalidInput
from tailored.readers.rows import ERROR_KEY, KINDS, Kind


@dataclass(frozen=True, slots=True)
class RowRejection:
    """A row of the source (1-based, header not counted) that was not imported, and why."""

    row: int
    field: str
    reason: str


@dataclass
class ImportReport:
    """What happened to every row read."""

    kind: Kind
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: list[RowRejection] = field(default_factory=list)


def import_rows(
    engine: Engine,
    kind: Kind,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    *,
    shape: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write `rows` (row number, raw row) in batches; `shape` maps a raw row to the
    engine's field names and may raise `InvalidInput` for a row it cannot shape."""
    if kind not in KINDS:
        raise InvalidInput("kind", f"must be one of {', '.join(KINDS)}")
    if not 1 <= batch_size <= 10_000:
        raise InvalidInput("batch_size", "must be between 1 and 10000")
    write = _writer(engine, kind)
    report = ImportReport(kind)
    batch: list[Mapping[str, Any]] = []
    numbers: list[int] = []

    def flush() -> None:
        if batch:
            _account(report, write(list(batch)), numbers)
            if progress:
                progress(len(batch))
            batch.clear()
            numbers.clear()

    for number, raw in rows:
        report.read += 1
        try:
            if ERROR_KEY in raw:
                problem = raw[ERROR_KEY]
                raise (
                    problem
                    if isinstance(problem, InvalidInput)
                    else InvalidInput("row", str(problem))
                )
            shaped = shape(raw) if shape else raw
        except InvalidInput as error:
            report.rejected.append(RowRejection(number, error.field, error.problem))
            if progress:
                progress(1)
            continue
        batch.append(shaped)
        numbers.append(number)
        if len(batch) >= batch_size:
            flush()
    flush()
    report.rejected.sort(key=lambda r: r.row)
    return report


def _writer(engine: Engine, kind: Kind) -> Callable[[list[Mapping[str, Any]]], BatchResult]:
    if kind == "items":
        return engine.items.upsert_many
    if kind == "users":
        return engine.users.upsert_many
    return engine.events.record_many


def _account(report: ImportReport, result: BatchResult, numbers: list[int]) -> None:
    report.imported += result.accepted
    report.duplicates += result.duplicates
    report.rejected.extend(
        RowRejection(numbers[r.index], r.field, r.reason) for r in result.rejected
    )
