"""Erasure: the time to erase a person with 10,000 events from a 1,000,000-event store.

The store holds real purchases: the invoice lines of the UCI Online Retail shop, both
years (../shared/data/retail, read in place), one `purchase` event per line (a line
without a customer id is a guest: `guest-<invoice>`), the first `--events` of them. The
person erased first is the shop's busiest customer, cut to their first `--person`
lines (10,000 by default; the rest of the store is filled with other lines); then
`--others` customers of every size are erased one after another, and one erasure is
repeated (nothing left). An active `popular` model is trained first, so each erasure
also finds the model versions that learned from the person and queues their refit, as
in production. Each erasure is checked: the report counts the events the person had,
and the store holds `--events` minus what was erased.

Results go to benchmarks/results/erasure.json (the issue's target: at most 5 s).

    python benchmarks/erasure.py                          # SQLite and PostgreSQL
    python benchmarks/erasure.py --backends sqlite --events 200000
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tailored import Engine, Settings, __version__
from tailored.testing.databases import postgres_schema
from tailored.testing.provenance import source

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "retail"
FILES = (
    DATA / "online-retail-ii-2009-2010" / "online_retail_ii_2009_2010.csv.gz",
    DATA / "online-retail" / "online_retail.csv.gz",
)
RESULTS = Path(__file__).parent / "results" / "erasure.json"
TARGET_SECONDS = 5.0
BATCH = 10_000

Row = tuple[str, str, datetime]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--person", type=int, default=10_000, help="the first person's events")
    parser.add_argument("--others", type=int, default=5, help="more customers erased")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    rows, person = _store_rows(args.events, args.person)
    results = {}
    for backend in args.backends.split(","):
        print(f"--- {backend}", flush=True)
        with _database(backend) as (url, models):
            results[backend] = _run(url, models, rows, person, args.others)
    report = {
        "benchmark": "erasure",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(),
        "source": source(),
        "parameters": {"events": args.events, "person": args.person, "others": args.others},
        "target_seconds": TARGET_SECONDS,
        "results": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(results, indent=2))


def _lines() -> Iterator[Row]:
    for path in FILES:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
            for line in csv.DictReader(file):
                invoice = line.get("InvoiceNo") or line["Invoice"]
                customer = line.get("CustomerID") or line.get("Customer ID") or ""
                user = f"c{customer.split('.')[0]}" if customer else f"guest-{invoice}"
                when = datetime.fromisoformat(line["InvoiceDate"]).replace(tzinfo=UTC)
                yield user, line["StockCode"], when


def _store_rows(total: int, person: int) -> tuple[list[Row], str]:
    """The first `total` lines, with the busiest customer's first `person` lines among
    them and no more of theirs."""
    busiest, _ = Counter(user for user, _, _ in _lines()).most_common(1)[0]
    rows: list[Row] = []
    theirs = 0
    for row in _lines():
        if row[0] == busiest:
            if theirs == person:
                continue
            theirs += 1
        elif len(rows) - theirs >= total - person:
            continue
        rows.append(row)
        if len(rows) == total:
            break
    if theirs < person or len(rows) < total:
        sys.exit(f"the data has {len(rows)} lines, {theirs} of the busiest customer")
    return rows, busiest


@contextmanager
def _database(backend: str) -> Iterator[tuple[str, Path]]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'store.db'}"
        else:
            url = stack.enter_context(postgres_schema())
        yield url, folder / "models"


def _run(url: str, models: Path, rows: list[Row], person: str, others: int) -> dict[str, Any]:
    settings = Settings(models_dir=models)
    with Engine.open(url, settings=settings) as engine:
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            engine.events.record_many(
                [
                    {"event_id": f"e{start + i}", "user_id": u, "item_id": item,
                     "type": "purchase", "timestamp": when}
                    for i, (u, item, when) in enumerate(rows[start : start + BATCH])
                ]
            )  # fmt: skip
        loaded = time.perf_counter() - started
        print(f"loaded {len(rows)} events in {loaded:.1f} s", flush=True)
        engine.jobs.submit("popular", tune=False)
        [trained] = engine.jobs.run_pending()
        assert trained.status == "succeeded", trained.error
        counts = Counter(user for user, _, _ in rows)
        ranked = [user for user, _ in counts.most_common() if user != person]
        chosen = [person] + [ranked[len(ranked) * k // (others + 1)] for k in range(others)]
        erasures = []
        left = len(rows)
        for user in chosen:
            seconds, report = _timed(engine, user)
            assert report.rows.get("events", 0) == counts[user], (user, report.rows)
            left -= counts[user]
            erasures.append(
                {"events": counts[user], "seconds": round(seconds, 3), "rows": dict(report.rows),
                 "models_refit": len(report.models)}
            )  # fmt: skip
            print(f"erased a user with {counts[user]} events in {seconds:.3f} s", flush=True)
        again, report = _timed(engine, person)
        assert report.already_erased
        with engine.db.reading() as conn:
            remaining = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
        assert remaining == left, (remaining, left)
    return {
        "events_stored": len(rows),
        "load_seconds": round(loaded, 1),
        "person": erasures[0],
        "others": erasures[1:],
        "seconds_per_erasure_median": round(statistics.median(e["seconds"] for e in erasures), 3),
        "again_seconds": round(again, 4),
        "within_target": erasures[0]["seconds"] <= TARGET_SECONDS,
    }


def _timed(engine: Engine, user: str) -> tuple[float, Any]:
    started = time.perf_counter()
    report = engine.users.erase(user)
    return time.perf_counter() - started, report


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
    }


if __name__ == "__main__":
    main()
