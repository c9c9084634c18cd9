"""Parquet files as records, where a value or a row group that cannot be read is a bad row.

Parquet text is UTF-8 by the format's definition, but writers other than Arrow can store
bytes that are not; a timestamp can lie outside what Python's datetime holds. Either
rejects its row, naming the column, and the rows around it are read on. A row group
that cannot be read at all (a damaged page) rejects its rows; a file whose footer cannot
be read is not a Parquet file and is refused before any row is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailored.errors import InvalidInput
from tailored.readers.rows import ERROR_KEY

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

Rows = Iterator[tuple[int, dict[str, Any]]]
BATCH = 10_000


def open_parquet(path: Path) -> tuple[Rows, int]:
    """The rows of `path` (numbered from 1) and how many there are, from its footer."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise InvalidInput("file", f"{path.name} is not a readable Parquet file: {error}") from None
    return _rows(file), int(file.metadata.num_rows)


def _rows(file: pq.ParquetFile) -> Rows:
    import pyarrow as pa

    number = 0
    for group in range(file.num_row_groups):
        size, done = file.metadata.row_group(group).num_rows, 0
        try:
            for batch in file.iter_batches(batch_size=BATCH, row_groups=[group]):
                for record in _records(batch):
                    number, done = number + 1, done + 1
                    yield number, record
        except (pa.ArrowException, OSError) as error:
            problem = InvalidInput("row", f"row group {group + 1} cannot be read: {error}")
            for _ in range(size - done):
                number += 1
                yield number, {ERROR_KEY: problem}


def _records(batch: pa.RecordBatch) -> list[dict[str, Any]]:
    import pyarrow as pa

    unreadable = (ValueError, OverflowError, pa.ArrowException)  # UnicodeDecodeError too
    try:
        return batch.to_pylist()
    except unreadable:
        pass
    # Column by column, and value by value in a column that fails, to name the culprits.
    columns: dict[str, list[Any]] = {}
    bad: dict[int, InvalidInput] = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        try:
            columns[name] = column.to_pylist()
            continue
        except unreadable:
            pass
        values: list[Any] = []
        for index in range(len(column)):
            try:
                values.append(column[index].as_py())
            except unreadable as error:
                values.append(None)
                bad.setdefault(index, InvalidInput(name, _problem(error)))
        columns[name] = values
    records: list[dict[str, Any]] = [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]
    for index, problem in bad.items():
        records[index] = {ERROR_KEY: problem}
    return records


def _problem(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        bad = error.object[error.start : error.end].hex(" ")
        return f"is not valid UTF-8 text (bytes {bad} at {error.start})"
    return f"cannot be read: {error}"


__all__ = ["open_parquet"]
