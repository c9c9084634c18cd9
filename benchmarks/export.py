"""Exporting a person with 100,000 events: time, and peak memory, which should not grow
with the number of events (the export reads a page of rows at a time and writes it).

Builds a SQLite store in a temporary folder (other people's events around the person's,
so the person's rows are found by index, not by being the whole table), then exports
the person as JSON and as a zip, throwing the bytes away as they come (a client
downloading). Peak memory is Python's allocations during the export (tracemalloc), for
the full person and for one with a tenth of the events (the same peak shows it
streams), measured in a second run: the time is from a run without tracemalloc.
Results go to benchmarks/results/export.json.

    python benchmarks/export.py                     # 100,000 events
    python benchmarks/export.py --events 5000       # a smoke run
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest import machine  # benchmarks/ingest.py, beside this file
from tailored import Engine, __version__
from tailored.engine.privacy.exports import PAGE_ROWS
from tailored.testing.provenance import source

RESULTS = Path(__file__).parent / "results" / "export.json"
BATCH = 10_000
OTHERS = 20  # other people, with as many events in all as the person


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'export.db'}"
        with Engine.open(url) as engine:
            _fill(engine, "big", args.events)
            _fill(engine, "small", args.events // 10)
            for n in range(OTHERS):
                _fill(engine, f"other-{n}", args.events // OTHERS)
            runs = [
                _measure(engine, user, fmt, events)
                for user, events in (("big", args.events), ("small", args.events // 10))
                for fmt in ("json", "zip")
            ]
    results = {
        "benchmark": "export",
        "version": __version__,
        "events": args.events,
        "page_rows": PAGE_ROWS,
        "runs": runs,
        "machine": machine(),
        "source": source(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(runs, indent=2))


def _fill(engine: Engine, user_id: str, events: int) -> None:
    engine.users.upsert(user_id, {"city": "Oslo"})
    start = datetime.now(UTC) - timedelta(days=300)
    for begin in range(0, events, BATCH):
        rows: list[dict[str, Any]] = [
            {"user_id": user_id, "type": "view", "item_id": f"sku-{n % 500}",
             "timestamp": start + timedelta(seconds=n), "context": {"device": "mobile"}}
            for n in range(begin, min(begin + BATCH, events))
        ]  # fmt: skip
        engine.events.record_many(rows)


def _measure(engine: Engine, user_id: str, fmt: str, events: int) -> dict[str, Any]:
    """Timed on its own, then again under tracemalloc (which slows Python down) for the
    peak of what the export allocates."""
    began = time.perf_counter()
    written = _drain(engine, user_id, fmt)
    seconds = time.perf_counter() - began
    tracemalloc.start()
    _drain(engine, user_id, fmt)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "user_events": events,
        "format": fmt,
        "seconds": round(seconds, 2),
        "events_per_second": round(events / seconds),
        "bytes": written,
        "peak_memory_mb": round(peak / 2**20, 2),
    }


def _drain(engine: Engine, user_id: str, fmt: str) -> int:
    """Export `user_id`, dropping the bytes as they come; how many there were."""
    written = 0
    for piece in engine.privacy.export(user_id, format=fmt).pieces:  # type: ignore[arg-type]
        written += len(piece)
    return written


if __name__ == "__main__":
    main()
