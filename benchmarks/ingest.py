"""Ingest through the REST API on loopback: batched events/s and single-event latency.

Starts `tailored serve` as a real process on a fresh database (a SQLite file, then a
fresh PostgreSQL schema), and measures

- throughput: `--clients` concurrent connections POST batches of `--batch` events to
  /v1/events until `--events` are stored (every event has its own client id, users and
  items drawn from a skewed popularity, a context with session and device);
- latency: `--single` sequential POSTs of one event each, after a warm-up, on the
  database the throughput run filled (p50/p90/p99, milliseconds, client-side).

Every response is checked (200, all rows accepted) and the stored count verified, so a
fast run that loses events fails instead of reporting a figure. Results go to
benchmarks/results/ingest.json.

    python benchmarks/ingest.py                    # both backends, default sizes
    python benchmarks/ingest.py --backends sqlite --events 50000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson

from tailored import Engine, __version__
from tailored.testing.databases import postgres_schema, require_postgres
from tailored.testing.provenance import source
from tailored.testing.server_process import ServerProcess

RESULTS = Path(__file__).parent / "results" / "ingest.json"
WARMUP = 200  # single-event requests not measured: connections and caches warm up
TARGETS = {"sqlite_batched_events_per_s": 20_000, "sqlite_single_p99_ms": 10.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--single", type=int, default=3000, help="single-event POSTs")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    results: dict[str, Any] = {}
    for backend in args.backends.split(","):
        print(f"== {backend}", flush=True)
        with database(backend) as url:
            results[backend] = run_backend(url, args)
        print(json.dumps(results[backend], indent=2), flush=True)

    report = {
        "benchmark": "ingest",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "tailored": __version__,
        "machine": machine(),
        "source": source(),
        "parameters": {
            key: getattr(args, key) for key in ("events", "batch", "clients", "workers", "single")
        },
        "results": results,
        "targets": TARGETS,
    }
    if "sqlite" in results:
        sqlite = results["sqlite"]
        report["targets_met"] = {
            "sqlite_batched_events_per_s": sqlite["batched"]["events_per_s"]
            >= TARGETS["sqlite_batched_events_per_s"],
            "sqlite_single_p99_ms": sqlite["single"]["p99_ms"] <= TARGETS["sqlite_single_p99_ms"],
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {args.output}")


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tailored-bench-") as directory:
            yield f"sqlite:///{directory}/bench.db"
    elif backend == "postgresql":
        require_postgres()
        with postgres_schema() as url:
            yield url
    else:
        raise SystemExit(f"--backends: unknown backend {backend!r} (sqlite, postgresql)")


def run_backend(url: str, args: argparse.Namespace) -> dict[str, Any]:
    with Engine.open(url) as engine:  # migrates, and holds the key the clients use
        key = engine.keys.create("benchmark", scopes=["ingest"]).secret
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    with ExitStack() as stack:
        server = stack.enter_context(ServerProcess(url, workers=args.workers))
        try:
            batched = throughput(server.base_url, headers, args)
            single = latency(server.base_url, headers, args.single)
        except BaseException:
            print(server.output()[-4000:], file=sys.stderr)
            raise
    with Engine.open(url, migrate=False) as engine:
        stored = engine.events.count()
    expected = args.events + args.single + WARMUP
    if stored != expected:
        raise SystemExit(f"stored {stored} events, expected {expected}: events were lost")
    return {"batched": batched, "single": single, "stored_events": stored}


def throughput(base: str, headers: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    bodies = [orjson.dumps(rows) for rows in event_batches(args.events, args.batch, seed=1)]
    queue = iter(enumerate(bodies))
    lock = threading.Lock()
    seconds: list[float] = []
    errors: list[str] = []

    def client() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            while True:
                with lock:
                    item = next(queue, None)
                if item is None or errors:
                    return
                started = time.perf_counter()
                response = http.post("/v1/events", content=item[1])
                elapsed = time.perf_counter() - started
                if response.status_code != 200 or response.json().get("rejected"):
                    errors.append(f"batch {item[0]}: {response.status_code} {response.text[:300]}")
                with lock:
                    seconds.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit("batched ingest failed: " + "; ".join(errors[:3]))
    return {
        "events": args.events,
        "batch_size": args.batch,
        "clients": args.clients,
        "seconds": round(wall, 2),
        "events_per_s": round(args.events / wall),
        "batch_p50_ms": round(1000 * percentile(seconds, 50), 1),
        "batch_p99_ms": round(1000 * percentile(seconds, 99), 1),
    }


def latency(base: str, headers: dict[str, str], count: int) -> dict[str, Any]:
    events = [row for batch in event_batches(count + WARMUP, 1, seed=2) for row in batch]
    bodies = [orjson.dumps({**row, "event_id": f"single-{n}"}) for n, row in enumerate(events)]
    seconds: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for n, body in enumerate(bodies):
            started = time.perf_counter()
            response = http.post("/v1/events", content=body)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"single event {n}: {response.status_code} {response.text}")
            if n >= WARMUP:
                seconds.append(elapsed)
    return {
        "requests": len(seconds),
        "p50_ms": round(1000 * percentile(seconds, 50), 2),
        "p90_ms": round(1000 * percentile(seconds, 90), 2),
        "p99_ms": round(1000 * percentile(seconds, 99), 2),
        "mean_ms": round(1000 * statistics.fmean(seconds), 2),
    }


def event_batches(total: int, size: int, *, seed: int) -> list[list[dict[str, Any]]]:
    """Shop-like events: Zipf-skewed users and items, a realistic mix of types."""
    rng = np.random.default_rng(seed)
    users = rng.zipf(1.3, total) % 20_000
    items = rng.zipf(1.2, total) % 50_000
    kinds = rng.choice(
        ["view", "click", "add_to_cart", "purchase"], total, p=[0.7, 0.2, 0.07, 0.03]
    )
    start = datetime.now(UTC) - timedelta(days=1)
    offsets = np.sort(rng.integers(0, 86_000, total))
    rows = []
    for n in range(total):
        row: dict[str, Any] = {
            "event_id": f"s{seed}-{n}",
            "user_id": f"user-{users[n]}",
            "item_id": f"sku-{items[n]}",
            "type": str(kinds[n]),
            "timestamp": (start + timedelta(seconds=int(offsets[n]))).isoformat(),
            "context": {"session": f"sess-{users[n]}-{n // 20}", "device": "mobile"},
        }
        if kinds[n] == "purchase":
            row["value"] = 19.9
        rows.append(row)
    return [rows[i : i + size] for i in range(0, total, size)]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
    }


if __name__ == "__main__":
    main()
